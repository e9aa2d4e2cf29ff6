package dev.elmrlaif.algorithms.rl.math;

/**
 * The per-state formulas of KL-regularised (soft) RL over a finite vocabulary, with every
 * expectation over actions computed exactly (DESIGN.md §4). {@code q} holds {@code Q(s,·)}, {@code
 * logPi} the policy's and {@code logRef} the reference's log-probs at the same state; {@code α > 0}
 * is the KL temperature.
 *
 * <pre>
 * soft value (H6)         V*(s)    = α log Σ_a π_ref(a|s) exp(Q(s,a)/α)
 * optimal policy (H7)     π*(a|s)  = π_ref(a|s) exp((Q(s,a) − V*(s))/α)
 * SAC V target (H2)       V̂(s)    = Σ_a π(a|s) [Q(s,a) − α log(π(a|s)/π_ref(a|s))]
 * SAC policy loss (H4)    L_π(s)   = Σ_a π(a|s) [α log(π(a|s)/π_ref(a|s)) − Q(s,a)]
 * Q target (H3, H5)       Q̂(s,a)  = r + γ·V̄(s'),  V̄(s') = 0 when s' is terminal
 * </pre>
 *
 * {@code L_π(s) = α·KL(π ‖ π*) − V*(s)}, so the policy loss is minimised exactly at π*, where the
 * SAC V target equals {@code V*(s)}.
 */
public final class SoftBellman {
  private SoftBellman() {}

  /** {@code V*(s) = α log Σ_a π_ref(a|s) exp(Q(s,a)/α)}. */
  public static double softValue(double[] q, double[] logRef, double alpha) {
    requireShape(q, logRef, alpha);
    double[] terms = new double[q.length];
    for (int a = 0; a < q.length; a++) {
      terms[a] = logRef[a] + q[a] / alpha;
    }
    return alpha * LogProbs.logSumExp(terms);
  }

  /** {@code log π*(a|s) = log π_ref(a|s) + (Q(s,a) − V*(s))/α}. */
  public static double[] optimalLogPolicy(double[] q, double[] logRef, double alpha) {
    double v = softValue(q, logRef, alpha);
    double[] logPi = new double[q.length];
    for (int a = 0; a < q.length; a++) {
      logPi[a] = logRef[a] + (q[a] - v) / alpha;
    }
    return logPi;
  }

  /** The SAC value target {@code Σ_a π(a|s) [Q(s,a) − α log(π(a|s)/π_ref(a|s))]}. */
  public static double valueTarget(double[] logPi, double[] logRef, double[] q, double alpha) {
    return -policyLoss(logPi, logRef, q, alpha);
  }

  /**
   * The SAC policy loss {@code Σ_a π(a|s) [α log(π(a|s)/π_ref(a|s)) − Q(s,a)]}, computed as {@code
   * α·KL(π ‖ π_ref) − Σ_a π(a|s) Q(s,a)}.
   */
  public static double policyLoss(double[] logPi, double[] logRef, double[] q, double alpha) {
    requireShape(q, logRef, alpha);
    requireShape(q, logPi, alpha);
    double expectedQ = 0;
    for (int a = 0; a < q.length; a++) {
      expectedQ += Math.exp(logPi[a]) * q[a];
    }
    return alpha * KlDivergence.exact(logPi, logRef) - expectedQ;
  }

  /** {@code Q̂(s,a) = r + γ·V̄(s')}, with {@code V̄(s') = 0} at a terminal {@code s'}. */
  public static double qTarget(
      double reward, double gamma, double nextValue, boolean nextIsTerminal) {
    return reward + (nextIsTerminal ? 0.0 : gamma * nextValue);
  }

  private static void requireShape(double[] q, double[] logProbs, double alpha) {
    if (q.length != logProbs.length) {
      throw new IllegalArgumentException(
          "Q-values have "
              + q.length
              + " entries and log-probs "
              + logProbs.length
              + ", expected one per vocabulary token each");
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha: found " + alpha + ", expected a finite value > 0");
    }
  }
}
