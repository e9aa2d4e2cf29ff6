package dev.elmrlaif.algorithms.rl.math;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The KL regulariser of H1 as a trainer configures it (YAML section {@code kl}): which estimator,
 * its clipping, where the penalty goes ({@link KlPlacement}: {@code reward} or {@code loss}), at
 * which granularity when in the reward ({@link KlLevel}: {@code token} or {@code sequence}), and
 * how {@code β} is chosen.
 */
@RecordBuilder
public record KlConfig(
    @Doc("Per-token KL estimator: k1 = log p/q, k2 = (log p/q)^2/2, k3 = q/p - 1 - log q/p")
        @Default("k3")
        KlEstimator estimator,
    @Doc("Clip each per-token estimate to [-clip, clip]; 0 disables clipping")
        @Range(min = 0)
        @Default("0")
        double clip,
    @Doc("token: KL charged per token (reward-to-go); sequence: summed KL charged at the end")
        @Default("token")
        KlLevel level,
    @Doc("reward: estimate subtracted from the reward; loss: exact full-vocabulary KL loss term")
        @Default("reward")
        KlPlacement placement,
    @Doc("How beta is chosen (fixed or adaptive)") KlControllerConfig controller)
    implements KlConfigBuilder.With {

  public KlConfig {
    if (estimator == null || level == null || placement == null || controller == null) {
      throw new ConfigException(
          "",
          "estimator, level, placement and controller must all be set;"
              + " found estimator="
              + estimator
              + " level="
              + level
              + " placement="
              + placement
              + " controller="
              + controller);
    }
  }

  /** k3, unclipped, per token, in the reward, fixed beta 0.05. */
  public static KlConfig defaults() {
    return ConfigKeys.defaults(KlConfig.class);
  }

  /** The clip bound {@link KlDivergence#perToken} takes: {@code +∞} when clipping is off. */
  public double clipBound() {
    return clip == 0 ? Double.POSITIVE_INFINITY : clip;
  }
}
