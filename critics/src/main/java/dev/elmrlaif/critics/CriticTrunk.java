package dev.elmrlaif.critics;

/**
 * What reads the token sequence before a critic's linear head (DESIGN.md §4): the frozen hidden
 * states of an existing ELM, or the critic's own small ELM trained with the head.
 */
public enum CriticTrunk {
  /**
   * The final hidden states of an ELM the caller owns, normally the frozen reference (SFT) model;
   * no gradient flows into it and only the head trains. Cheap: one extra forward pass of a model
   * that exists anyway, no extra weights.
   */
  SHARED_FROZEN,
  /**
   * A small ELM of the critic's own (same vocabulary, context length and adapter shape as the
   * policy; its own layers, heads and width), initialised fresh and trained together with the head.
   */
  SEPARATE
}
