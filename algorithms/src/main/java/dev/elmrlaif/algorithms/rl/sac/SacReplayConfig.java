package dev.elmrlaif.algorithms.rl.sac;

import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import dev.elmrlaif.replay.ReplayConfig;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The SAC trainer's replay buffer (YAML section {@code sac.replay}): how many trajectories it keeps
 * and whether it samples them uniformly or by priority (the mean absolute TD error of the Q critic
 * on the trajectory, with the replay module's usual exponents).
 */
@RecordBuilder
public record SacReplayConfig(
    @Doc("Most trajectories kept; the oldest are evicted first") @Range(min = 1) @Default("4096")
        int capacity,
    @Doc("Sample trajectories by priority (mean |TD error| of Q) instead of uniformly")
        @Default("false")
        boolean prioritised)
    implements SacReplayConfigBuilder.With {

  /** A uniform buffer of 4096 trajectories. */
  public static SacReplayConfig defaults() {
    return ConfigKeys.defaults(SacReplayConfig.class);
  }

  /**
   * The replay module's config: {@link ReplayConfig#uniform} or {@link ReplayConfig#prioritised}
   * (priority exponent 0.6, importance exponent 0.4, ε = 1e-6).
   */
  public ReplayConfig toReplayConfig() {
    return prioritised ? ReplayConfig.prioritised(capacity) : ReplayConfig.uniform(capacity);
  }
}
