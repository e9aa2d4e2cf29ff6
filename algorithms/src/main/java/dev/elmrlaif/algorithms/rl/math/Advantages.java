package dev.elmrlaif.algorithms.rl.math;

/**
 * Advantages from the returns of the K samples drawn for one context: the stateless baselines of
 * {@link Baseline}. The moving-average baseline keeps state and lives in {@link
 * MovingAverageBaseline}; {@link AdvantageEstimator} picks between them as configured.
 */
public final class Advantages {
  private Advantages() {}

  /** {@code A_i = R_i − b}. */
  public static double[] minus(double[] returns, double baseline) {
    double[] a = new double[returns.length];
    for (int i = 0; i < returns.length; i++) {
      a[i] = returns[i] - baseline;
    }
    return a;
  }

  /**
   * Leave-one-out: {@code A_i = R_i − (Σ_j R_j − R_i)/(K−1)}, equal to {@code K/(K−1)·(R_i −
   * mean(R))}. Needs {@code K >= 2}.
   */
  public static double[] leaveOneOut(double[] returns) {
    int k = returns.length;
    if (k < 2) {
      throw new IllegalArgumentException(
          "leave-one-out baseline: found " + k + " samples per context, expected at least 2");
    }
    double sum = 0;
    for (double r : returns) {
      sum += r;
    }
    double[] a = new double[k];
    for (int i = 0; i < k; i++) {
      a[i] = returns[i] - (sum - returns[i]) / (k - 1);
    }
    return a;
  }

  /**
   * Group normalisation: {@code A_i = (R_i − mean(R)) / (std(R) + ε)} with the population standard
   * deviation {@code std = sqrt(mean((R − mean)²))}; all-equal returns give all zeros.
   */
  public static double[] groupNormalised(double[] returns, double epsilon) {
    if (returns.length == 0) {
      return new double[0];
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException(
          "group-normalisation epsilon: found " + epsilon + ", expected > 0");
    }
    double mean = mean(returns);
    double squares = 0;
    for (double r : returns) {
      squares += (r - mean) * (r - mean);
    }
    double std = Math.sqrt(squares / returns.length);
    double[] a = new double[returns.length];
    for (int i = 0; i < returns.length; i++) {
      a[i] = (returns[i] - mean) / (std + epsilon);
    }
    return a;
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
