package dev.elmrlaif.algorithms.rl.math;

/**
 * Numerically stable operations on log-probability vectors over a vocabulary: log-sum-exp,
 * log-softmax and entropy. Entries of {@code -∞} stand for probability 0.
 */
public final class LogProbs {
  private LogProbs() {}

  /**
   * {@code log Σ_i exp(x_i)}, shifted by the maximum so nothing overflows; {@code -∞} if all are.
   */
  public static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  /**
   * {@code log softmax(logits)_i = logits_i − logSumExp(logits)}, computed as {@code (logits_i −
   * max) − log Σ_j exp(logits_j − max)} so large logits lose no precision.
   */
  public static double[] logSoftmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    if (Double.isInfinite(max)) {
      throw new IllegalArgumentException(
          "log-softmax: the largest logit is " + max + ", expected finite");
    }
    double[] shifted = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      shifted[i] = logits[i] - max;
    }
    double logSum = logSumExp(shifted);
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] -= logSum;
    }
    return shifted;
  }

  /** Entropy {@code H(p) = −Σ_a p_a log p_a} of a normalised log-prob vector (0·log 0 = 0). */
  public static double entropy(double[] logProbs) {
    double h = 0;
    for (double l : logProbs) {
      if (l != Double.NEGATIVE_INFINITY) {
        h -= Math.exp(l) * l;
      }
    }
    return h;
  }

  /** Checks that a log-prob vector sums to 1 within {@code tolerance}; names the offending sum. */
  public static void requireNormalised(String name, double[] logProbs, double tolerance) {
    double sum = Math.exp(logSumExp(logProbs));
    if (!(Math.abs(sum - 1) <= tolerance)) {
      throw new IllegalArgumentException(
          name + ": probabilities sum to " + sum + ", expected 1 within " + tolerance);
    }
  }
}
