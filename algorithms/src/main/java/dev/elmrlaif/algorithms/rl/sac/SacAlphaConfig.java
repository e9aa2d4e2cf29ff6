package dev.elmrlaif.algorithms.rl.sac;

import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.DeprecatedAlias;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * SAC's temperature {@code α} (YAML section {@code sac.alpha}): the coefficient of the KL term in
 * the soft values and the policy loss (paper App. B, Eqs. 2-4, with {@code α} in the role of H1's
 * {@code β}), fixed or steered toward a KL target by the controller REINFORCE uses for {@code β}
 * ({@link #toController()}). Its value is {@code value}; the key was called {@code beta}, after the
 * controller's field, which still reads with a deprecation warning.
 */
@RecordBuilder
public record SacAlphaConfig(
    @Doc(
            "fixed: beta stays constant; adaptive: beta is steered so the measured KL approaches target")
        @Default("fixed")
        KlControllerConfig.Kind kind,
    @Doc(
            "alpha, the temperature of the soft values (the initial value when adaptive); formerly beta")
        @Range(min = 0, minExclusive = true, reason = "alpha is the temperature of the soft values")
        @DeprecatedAlias("beta")
        @Default("0.05")
        double value,
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
    implements SacAlphaConfigBuilder.With {

  /**
   * Fixed {@code α = 0.05}; adaptive settings as REINFORCE's controller (target 6 nats, horizon
   * 10000, 0.1).
   */
  public static SacAlphaConfig defaults() {
    return ConfigKeys.defaults(SacAlphaConfig.class);
  }

  /** A fixed {@code α}. */
  public static SacAlphaConfig fixed(double value) {
    return defaults().withValue(value);
  }

  /** The controller that steers {@code α}, as REINFORCE's steers its {@code β}. */
  public KlControllerConfig toController() {
    return KlControllerConfig.defaults()
        .with(b -> b.kind(kind).beta(value).target(target).horizon(horizon).gain(gain));
  }
}
