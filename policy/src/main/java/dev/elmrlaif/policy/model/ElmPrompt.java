package dev.elmrlaif.policy.model;

/**
 * One context of the ELM: prompt token ids with placeholder tokens, and the domain embedding each
 * placeholder stands for (placeholder token k, e.g. {@code <|entity_k|>}, reads {@code
 * entities[k]}).
 *
 * @param tokenIds prompt token ids
 * @param entities one domain embedding per placeholder slot used, in slot order (may be empty)
 */
public record ElmPrompt(int[] tokenIds, float[][] entities) {
  public ElmPrompt {
    if (tokenIds == null || tokenIds.length == 0) {
      throw new IllegalArgumentException(
          "ElmPrompt.tokenIds: found none, expected at least one token");
    }
    if (entities == null) {
      entities = new float[0][];
    }
  }

  /** A prompt without entities (plain text). */
  public static ElmPrompt text(int... tokenIds) {
    return new ElmPrompt(tokenIds, new float[0][]);
  }
}
