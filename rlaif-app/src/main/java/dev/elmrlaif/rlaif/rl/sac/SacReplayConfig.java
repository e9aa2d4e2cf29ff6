package dev.elmrlaif.rlaif.rl.sac;

import dev.elmrlaif.replay.ReplayConfig;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * The SAC trainer's replay buffer (YAML section {@code sac.replay}): how many trajectories it keeps
 * and whether it samples them uniformly or by priority (the mean absolute TD error of the Q critic
 * on the trajectory, with the replay module's usual exponents).
 */
public record SacReplayConfig(
    @Doc("Most trajectories kept; the oldest are evicted first") @Range(min = 1) int capacity,
    @Doc("Sample trajectories by priority (mean |TD error| of Q) instead of uniformly") boolean prioritised) {

  public SacReplayConfig {
    if (capacity < 1) {
      throw new UserInputException("sac.replay.capacity: found " + capacity + ", expected an integer >= 1");
    }
  }

  /** A uniform buffer of 4096 trajectories. */
  public static SacReplayConfig defaults() {
    return new SacReplayConfig(4096, false);
  }

  /**
   * The replay module's config: {@link ReplayConfig#uniform} or {@link ReplayConfig#prioritised}
   * (priority exponent 0.6, importance exponent 0.4, ε = 1e-6).
   */
  public ReplayConfig toReplayConfig() {
    return prioritised ? ReplayConfig.prioritised(capacity) : ReplayConfig.uniform(capacity);
  }
}
