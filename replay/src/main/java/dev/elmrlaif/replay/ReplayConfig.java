package dev.elmrlaif.replay;

/**
 * How a {@link ReplayBuffer} keeps and samples trajectories.
 *
 * <p>Capacity is FIFO: when adding would exceed {@code capacity} trajectories, or {@code
 * maxTransitions} generated tokens in total (when positive), the oldest trajectories are evicted
 * first.
 *
 * <p>Prioritised sampling (Schaul et al. 2016, proportional variant): trajectory {@code i} with
 * priority {@code p_i} has weight {@code w_i = (p_i + epsilon)^alpha} and is drawn with probability
 * {@code P(i) = w_i / sum_j w_j}; its importance weight is {@code (N·P(i))^-beta} normalised by the
 * largest such weight in the buffer, which equals {@code (w_min / w_i)^beta}. With {@code
 * prioritised = false} every trajectory has weight 1 and every importance weight is 1.
 *
 * @param capacity most trajectories kept (at least 1)
 * @param maxTransitions most generated tokens kept over all trajectories; 0 means no limit
 * @param prioritised whether sampling is proportional to priorities instead of uniform
 * @param alpha priority exponent: 0 is uniform, 1 fully proportional
 * @param beta importance-sampling exponent: 0 no correction, 1 full correction (may be overridden
 *     per call, for annealing)
 * @param epsilon added to every priority so that none has zero probability
 */
public record ReplayConfig(
    int capacity,
    long maxTransitions,
    boolean prioritised,
    double alpha,
    double beta,
    double epsilon) {

  public ReplayConfig {
    if (capacity < 1) {
      throw new IllegalArgumentException("replay capacity: found " + capacity + ", expected >= 1");
    }
    if (maxTransitions < 0) {
      throw new IllegalArgumentException(
          "replay maxTransitions: found " + maxTransitions + ", expected >= 0 (0 = no limit)");
    }
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException(
          "replay alpha: found " + alpha + ", expected a finite value >= 0");
    }
    checkBeta(beta);
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException(
          "replay epsilon: found " + epsilon + ", expected a finite value >= 0");
    }
  }

  /** A uniform FIFO buffer of {@code capacity} trajectories. */
  public static ReplayConfig uniform(int capacity) {
    return new ReplayConfig(capacity, 0, false, 0.0, 0.0, 0.0);
  }

  /** A prioritised FIFO buffer with the usual defaults alpha = 0.6, beta = 0.4, epsilon = 1e-6. */
  public static ReplayConfig prioritised(int capacity) {
    return new ReplayConfig(capacity, 0, true, 0.6, 0.4, 1e-6);
  }

  /** This config with a transition (token) capacity as well; 0 removes the limit. */
  public ReplayConfig withMaxTransitions(long maxTransitions) {
    return new ReplayConfig(capacity, maxTransitions, prioritised, alpha, beta, epsilon);
  }

  /** This config with other prioritisation exponents. */
  public ReplayConfig withExponents(double alpha, double beta) {
    return new ReplayConfig(capacity, maxTransitions, prioritised, alpha, beta, epsilon);
  }

  static void checkBeta(double beta) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException(
          "replay beta: found " + beta + ", expected a value in [0, 1]");
    }
  }
}
