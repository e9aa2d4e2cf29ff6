package dev.elmrlaif.algorithms.rl.math;

/**
 * Importance weights for learning from tokens another policy generated (replay, or several gradient
 * steps per batch): the ratio {@code ρ_t = π_θ(a_t|s_t) / μ(a_t|s_t)} of the current policy to the
 * behaviour policy, from log-probabilities, and its clipped forms.
 */
public final class ImportanceWeights {
  private ImportanceWeights() {}

  /** Per-token ratios {@code ρ_t = exp(logp_t − logμ_t)}. */
  public static double[] ratios(double[] logp, double[] logBehaviour) {
    requireSameLength(logp, logBehaviour);
    double[] w = new double[logp.length];
    for (int t = 0; t < logp.length; t++) {
      w[t] = Math.exp(logp[t] - logBehaviour[t]);
    }
    return w;
  }

  /**
   * Truncated per-token ratios {@code min(ρ_t, c)} (as in Retrace / V-trace): bounds the variance a
   * rare behaviour action can add, at the price of some bias.
   */
  public static double[] truncated(double[] logp, double[] logBehaviour, double maxWeight) {
    requirePositive(maxWeight);
    double[] w = ratios(logp, logBehaviour);
    for (int t = 0; t < w.length; t++) {
      w[t] = Math.min(w[t], maxWeight);
    }
    return w;
  }

  /**
   * The truncated sequence ratio {@code min(exp(Σ_t (logp_t − logμ_t)), c)}, for sequence-level
   * REINFORCE on replayed samples.
   */
  public static double truncatedSequence(double[] logp, double[] logBehaviour, double maxWeight) {
    requireSameLength(logp, logBehaviour);
    requirePositive(maxWeight);
    double logRatio = 0;
    for (int t = 0; t < logp.length; t++) {
      logRatio += logp[t] - logBehaviour[t];
    }
    return Math.min(Math.exp(logRatio), maxWeight);
  }

  /** The ratio clipped to the trust region {@code [1 − ε, 1 + ε]} (PPO-style). */
  public static double clipToRange(double ratio, double epsilon) {
    if (!(epsilon > 0 && epsilon < 1)) {
      throw new IllegalArgumentException(
          "ratio clip epsilon: found " + epsilon + ", expected a value in (0, 1)");
    }
    return Math.max(1 - epsilon, Math.min(1 + epsilon, ratio));
  }

  private static void requirePositive(double maxWeight) {
    if (!(maxWeight > 0)) {
      throw new IllegalArgumentException(
          "importance weight cap: found " + maxWeight + ", expected > 0");
    }
  }

  private static void requireSameLength(double[] logp, double[] logBehaviour) {
    if (logp.length != logBehaviour.length) {
      throw new IllegalArgumentException(
          "policy log-probs have "
              + logp.length
              + " entries and behaviour log-probs "
              + logBehaviour.length
              + ", expected the same number");
    }
  }
}
