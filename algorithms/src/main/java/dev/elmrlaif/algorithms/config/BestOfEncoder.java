package dev.elmrlaif.algorithms.config;

/**
 * Which text encoder scores best-of-N's samples when the evaluation chooses one ({@code
 * eval.best_of_encoder}). Choosing encodes every sample of every prompt, N times the texts that are
 * reported, and was most of the CPU recipe's evaluation time; the kept sample is always scored for
 * the tables by {@code data.text_encoder}, whichever encoder chose it.
 */
public enum BestOfEncoder {
  /** The run's own encoder, {@code data.text_encoder}: the choice maximises the reported SC. */
  DATA_ENCODER,
  /**
   * all-MiniLM-L6-v2 with 8-bit weights, when {@code data.text_encoder} is {@code minilm}: the same
   * model, about 1.7 times as fast on a CPU, with vectors close enough that it ranks movies by
   * their texts as the full model does (docs/benchmarks.md, "Text encoder").
   */
  MINILM_Q
}
