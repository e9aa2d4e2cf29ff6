package dev.elmrlaif.rlaif.rl.softq;

import dev.elmrlaif.replay.ReplayConfig;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * The replay buffer of the soft-Q trainer as YAML describes it (section {@code soft_q.replay}),
 * mapped onto the replay module's {@link ReplayConfig} by {@link #toReplayConfig()}. The
 * prioritisation exponents are named {@code priority_exponent} and {@code importance_exponent}
 * here so they cannot be confused with the KL coefficient {@code α} of the same section.
 */
public record SoftQReplayConfig(
    @Doc("Most trajectories kept; the oldest are evicted first") @Range(min = 1) int capacity,
    @Doc("Most generated tokens kept over all trajectories; 0 means no limit") @Range(min = 0)
        long maxTransitions,
    @Doc("Sample trajectories proportionally to their priority (mean |TD error|) instead of uniformly")
        boolean prioritised,
    @Doc("Prioritised only: priority exponent (0 uniform, 1 fully proportional)") @Range(min = 0)
        double priorityExponent,
    @Doc("Prioritised only: importance-sampling exponent (0 no correction, 1 full)")
        @Range(min = 0, max = 1) double importanceExponent,
    @Doc("Prioritised only: added to every priority so none has zero probability") @Range(min = 0)
        double epsilon) {

  public SoftQReplayConfig {
    if (capacity < 1) {
      throw new UserInputException(
          "soft_q.replay.capacity: found " + capacity + ", expected an integer >= 1");
    }
    if (maxTransitions < 0) {
      throw new UserInputException("soft_q.replay.max_transitions: found " + maxTransitions
          + ", expected an integer >= 0 (0 = no limit)");
    }
    requireFiniteNonNegative("soft_q.replay.priority_exponent", priorityExponent);
    requireFiniteNonNegative("soft_q.replay.epsilon", epsilon);
    if (!(importanceExponent >= 0 && importanceExponent <= 1)) {
      throw new UserInputException("soft_q.replay.importance_exponent: found " + importanceExponent
          + ", expected a value in [0, 1]");
    }
  }

  /** A uniform buffer of 4096 trajectories, no token limit (exponents as the prioritised defaults). */
  public static SoftQReplayConfig defaults() {
    return new SoftQReplayConfig(4096, 0, false, 0.6, 0.4, 1e-6);
  }

  /** The same buffer with another trajectory capacity. */
  public SoftQReplayConfig withCapacity(int value) {
    return new SoftQReplayConfig(value, maxTransitions, prioritised, priorityExponent,
        importanceExponent, epsilon);
  }

  /** The replay module's config: uniform buffers get exponents 0 (every weight is 1 anyway). */
  public ReplayConfig toReplayConfig() {
    return prioritised
        ? new ReplayConfig(capacity, maxTransitions, true, priorityExponent, importanceExponent, epsilon)
        : new ReplayConfig(capacity, maxTransitions, false, 0.0, 0.0, 0.0);
  }

  private static void requireFiniteNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new UserInputException(key + ": found " + value + ", expected a finite value >= 0");
    }
  }
}
