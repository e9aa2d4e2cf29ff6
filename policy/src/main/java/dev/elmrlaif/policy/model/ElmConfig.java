package dev.elmrlaif.policy.model;

/**
 * What an ELM is made of: the language model's shape, the adapter's shape (absent for a plain
 * language model, e.g. a Hugging Face GPT-2 folder scored as is) and the token ids the model
 * itself must know.
 *
 * @param lm the causal language model
 * @param adapter the embedding adapter, or {@code null} for a model without one
 * @param placeholderTokenId the token whose input row is replaced by {@code E_A(e_k)}, or -1 when
 *     there is no adapter
 * @param endTokenId the token that ends a generation
 * @param padTokenId the token written after a finished generation and into padding
 */
public record ElmConfig(
    GptConfig lm, AdapterConfig adapter, int placeholderTokenId, int endTokenId, int padTokenId) {
  public ElmConfig {
    if (lm == null) {
      throw new IllegalArgumentException("ElmConfig.lm: found null, expected a GptConfig");
    }
    checkToken("endTokenId", endTokenId, lm.vocabSize());
    checkToken("padTokenId", padTokenId, lm.vocabSize());
    if (adapter != null) {
      checkToken("placeholderTokenId", placeholderTokenId, lm.vocabSize());
    } else if (placeholderTokenId != -1) {
      throw new IllegalArgumentException(
          "ElmConfig.placeholderTokenId: found " + placeholderTokenId
              + ", expected -1 for a model without an adapter");
    }
  }

  private static void checkToken(String field, int id, int vocabSize) {
    if (id < 0 || id >= vocabSize) {
      throw new IllegalArgumentException(
          "ElmConfig." + field + ": found " + id + ", expected a token id in [0, " + vocabSize + ")");
    }
  }

  public boolean hasAdapter() {
    return adapter != null;
  }
}
