package dev.elmrlaif.algorithms.rl.math;

/**
 * The KL regulariser of H1, {@code KL(π_θ ‖ π_ref)}: exactly over a vocabulary from two log-prob
 * vectors, or estimated per sampled token ({@link KlEstimator}) with optional clipping.
 */
public final class KlDivergence {
  private KlDivergence() {}

  /**
   * Exact {@code KL(p ‖ q) = Σ_a p_a (log p_a − log q_a)} from normalised log-prob vectors over the
   * same vocabulary. Terms with {@code p_a = 0} are 0; a token with {@code p_a > 0} and {@code q_a
   * = 0} makes the divergence {@code +∞}.
   */
  public static double exact(double[] logp, double[] logq) {
    requireSameLength(logp, logq);
    double kl = 0;
    for (int a = 0; a < logp.length; a++) {
      if (logp[a] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      if (logq[a] == Double.NEGATIVE_INFINITY) {
        return Double.POSITIVE_INFINITY;
      }
      kl += Math.exp(logp[a]) * (logp[a] - logq[a]);
    }
    return kl;
  }

  /**
   * The gradient of the exact {@code KL(softmax(z) ‖ q)} with respect to the policy's logits {@code
   * z}: {@code ∂KL/∂z_a = p_a·(log p_a − log q_a − KL)}, {@code p = softmax(z)}. The reference for
   * checking the autograd of the exact-KL loss term ({@link KlPlacement#LOSS}).
   */
  public static double[] exactGradientWrtLogits(double[] logits, double[] logq) {
    double[] logp = LogProbs.logSoftmax(logits);
    double kl = exact(logp, logq);
    double[] gradient = new double[logp.length];
    for (int a = 0; a < logp.length; a++) {
      double p = Math.exp(logp[a]);
      gradient[a] = p == 0 ? 0.0 : p * (logp[a] - logq[a] - kl);
    }
    return gradient;
  }

  /**
   * Per-token estimates {@code kl_t = clip(estimator(logp_t, logq_t), −clip, clip)} for the tokens
   * of one sampled sequence; {@code clip = +∞} disables clipping. Clipping bounds the penalty of
   * rare tokens whose log-ratio is extreme (k1 is clipped on both sides, k2 and k3 are never
   * negative so only from above).
   */
  public static double[] perToken(
      KlEstimator estimator, double[] logp, double[] logq, double clip) {
    requireSameLength(logp, logq);
    if (!(clip > 0)) {
      throw new IllegalArgumentException(
          "kl clip: found " + clip + ", expected > 0 (+infinity disables)");
    }
    double[] kl = new double[logp.length];
    for (int t = 0; t < logp.length; t++) {
      kl[t] = Math.max(-clip, Math.min(clip, estimator.perToken(logp[t], logq[t])));
    }
    return kl;
  }

  /** The sequence-level estimate {@code Σ_t kl_t}. */
  public static double sum(double[] perToken) {
    double s = 0;
    for (double v : perToken) {
      s += v;
    }
    return s;
  }

  private static void requireSameLength(double[] logp, double[] logq) {
    if (logp.length != logq.length) {
      throw new IllegalArgumentException(
          "policy log-probs have "
              + logp.length
              + " entries and reference log-probs "
              + logq.length
              + ", expected the same number");
    }
  }
}
