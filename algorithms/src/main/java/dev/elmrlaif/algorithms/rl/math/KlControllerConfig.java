package dev.elmrlaif.algorithms.rl.math;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * How the KL coefficient {@code β} of H1 is chosen: fixed, or adapted toward a target KL ({@link
 * KlController}). YAML keys: {@code kind, beta, target, horizon, gain}.
 */
@RecordBuilder
public record KlControllerConfig(
    @Doc(
            "fixed: beta stays constant; adaptive: beta is steered so the measured KL approaches target")
        @Default("fixed")
        Kind kind,
    @Doc("KL coefficient beta (the initial value when adaptive)") @Range(min = 0) @Default("0.05")
        double beta,
    @Doc("Adaptive only: KL per sequence to steer toward")
        @Range(min = 0, minExclusive = true)
        @Default("6.0")
        double target,
    @Doc("Adaptive only: samples over which a full clipped error changes beta by gain*0.2")
        @Range(min = 0, minExclusive = true)
        @Default("10000")
        double horizon,
    @Doc("Adaptive only: proportional gain K_beta")
        @Range(min = 0, minExclusive = true)
        @Default("0.1")
        double gain)
    implements KlControllerConfigBuilder.With {

  /** Which controller. */
  public enum Kind {
    /** {@code β} stays constant. */
    FIXED,
    /** {@code β} is steered so the measured KL approaches the target (Ziegler et al. 2019). */
    ADAPTIVE
  }

  public KlControllerConfig {
    if (kind == null) {
      throw new ConfigException("kind", "missing, expected fixed or adaptive");
    }
    if (kind == Kind.ADAPTIVE && !(beta > 0)) {
      throw new ConfigException(
          "beta",
          "found " + beta + ", expected > 0 for the adaptive controller (it multiplies beta)");
    }
  }

  /**
   * Fixed {@code β = 0.05}; adaptive settings as Ziegler et al. (target 6 nats, horizon 10000,
   * 0.1).
   */
  public static KlControllerConfig defaults() {
    return ConfigKeys.defaults(KlControllerConfig.class);
  }
}
