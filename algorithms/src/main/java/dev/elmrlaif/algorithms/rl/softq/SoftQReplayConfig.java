package dev.elmrlaif.algorithms.rl.softq;

import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import dev.elmrlaif.replay.ReplayConfig;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The replay buffer of the soft-Q trainer as YAML describes it (section {@code soft_q.replay}),
 * mapped onto the replay module's {@link ReplayConfig} by {@link #toReplayConfig()}. The
 * prioritisation exponents are named {@code priority_exponent} and {@code importance_exponent} here
 * so they cannot be confused with the KL coefficient {@code α} of the same section.
 */
@RecordBuilder
public record SoftQReplayConfig(
    @Doc("Most trajectories kept; the oldest are evicted first") @Range(min = 1) @Default("4096")
        int capacity,
    @Doc("Most generated tokens kept over all trajectories; 0 means no limit")
        @Range(min = 0)
        @Default("0")
        long maxTransitions,
    @Doc(
            "Sample trajectories proportionally to their priority (mean |TD error|) instead of uniformly")
        @Default("false")
        boolean prioritised,
    @Doc("Prioritised only: priority exponent (0 uniform, 1 fully proportional)")
        @Range(min = 0)
        @Default("0.6")
        double priorityExponent,
    @Doc("Prioritised only: importance-sampling exponent (0 no correction, 1 full)")
        @Range(min = 0, max = 1)
        @Default("0.4")
        double importanceExponent,
    @Doc("Prioritised only: added to every priority so none has zero probability")
        @Range(min = 0)
        @Default("1e-6")
        double epsilon)
    implements SoftQReplayConfigBuilder.With {

  /**
   * A uniform buffer of 4096 trajectories, no token limit (exponents as the prioritised defaults).
   */
  public static SoftQReplayConfig defaults() {
    return ConfigKeys.defaults(SoftQReplayConfig.class);
  }

  /** The replay module's config: uniform buffers get exponents 0 (every weight is 1 anyway). */
  public ReplayConfig toReplayConfig() {
    return prioritised
        ? new ReplayConfig(
            capacity, maxTransitions, true, priorityExponent, importanceExponent, epsilon)
        : new ReplayConfig(capacity, maxTransitions, false, 0.0, 0.0, 0.0);
  }
}
