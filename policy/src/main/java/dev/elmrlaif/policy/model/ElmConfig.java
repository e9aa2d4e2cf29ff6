package dev.elmrlaif.policy.model;

import java.util.List;

/**
 * What an ELM is made of: the language model's shape, the adapter's shape (absent for a plain
 * language model, e.g. a Hugging Face GPT-2 folder scored as is) and the token ids the model itself
 * must know.
 *
 * @param lm the causal language model
 * @param adapter the embedding adapter, or {@code null} for a model without one
 * @param placeholderTokenIds the placeholder tokens: an occurrence of {@code
 *     placeholderTokenIds[k]} in a prompt has its input row replaced by {@code E_A(e_k)}; empty
 *     when there is no adapter
 * @param endTokenId the token that ends a generation
 * @param padTokenId the token written after a finished generation and into padding
 */
public record ElmConfig(
    GptConfig lm,
    AdapterConfig adapter,
    List<Integer> placeholderTokenIds,
    int endTokenId,
    int padTokenId) {
  public ElmConfig {
    if (lm == null) {
      throw new IllegalArgumentException("ElmConfig.lm: found null, expected a GptConfig");
    }
    checkToken("endTokenId", endTokenId, lm.vocabSize());
    checkToken("padTokenId", padTokenId, lm.vocabSize());
    placeholderTokenIds =
        placeholderTokenIds == null ? List.of() : List.copyOf(placeholderTokenIds);
    if (adapter != null && placeholderTokenIds.isEmpty()) {
      throw new IllegalArgumentException(
          "ElmConfig.placeholderTokenIds: found none, expected at least one for a model with an adapter");
    }
    if (adapter == null && !placeholderTokenIds.isEmpty()) {
      throw new IllegalArgumentException(
          "ElmConfig.placeholderTokenIds: found "
              + placeholderTokenIds
              + ", expected none for a model without an adapter");
    }
    for (int k = 0; k < placeholderTokenIds.size(); k++) {
      checkToken("placeholderTokenIds[" + k + "]", placeholderTokenIds.get(k), lm.vocabSize());
      if (placeholderTokenIds.indexOf(placeholderTokenIds.get(k)) != k) {
        throw new IllegalArgumentException(
            "ElmConfig.placeholderTokenIds: found "
                + placeholderTokenIds.get(k)
                + " twice, expected distinct ids");
      }
    }
  }

  private static void checkToken(String field, int id, int vocabSize) {
    if (id < 0 || id >= vocabSize) {
      throw new IllegalArgumentException(
          "ElmConfig."
              + field
              + ": found "
              + id
              + ", expected a token id in [0, "
              + vocabSize
              + ")");
    }
  }

  public boolean hasAdapter() {
    return adapter != null;
  }

  /** The entity slot a token stands for, or -1 when it is not a placeholder. */
  public int placeholderSlot(int tokenId) {
    return placeholderTokenIds.indexOf(tokenId);
  }

  /** A plain language model without an adapter (e.g. a Hugging Face GPT-2 folder). */
  public static ElmConfig languageModel(GptConfig lm, int endTokenId, int padTokenId) {
    return new ElmConfig(lm, null, List.of(), endTokenId, padTokenId);
  }
}
