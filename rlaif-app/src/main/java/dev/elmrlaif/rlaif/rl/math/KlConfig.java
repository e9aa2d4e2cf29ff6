package dev.elmrlaif.rlaif.rl.math;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * The KL regulariser of H1 as a trainer configures it (YAML section {@code kl}): which estimator,
 * its clipping, where the penalty goes ({@link KlPlacement}: {@code reward} or {@code loss}), at
 * which granularity when in the reward ({@link KlLevel}: {@code token} or {@code sequence}), and
 * how {@code β} is chosen.
 */
public record KlConfig(
    @Doc("Per-token KL estimator: k1 = log p/q, k2 = (log p/q)^2/2, k3 = q/p - 1 - log q/p")
        KlEstimator estimator,
    @Doc("Clip each per-token estimate to [-clip, clip]; 0 disables clipping") @Range(min = 0)
        double clip,
    @Doc("token: KL charged per token (reward-to-go); sequence: summed KL charged at the end")
        KlLevel level,
    @Doc("reward: estimate subtracted from the reward; loss: exact full-vocabulary KL loss term")
        KlPlacement placement,
    @Doc("How beta is chosen (fixed or adaptive)") KlControllerConfig controller) {

  public KlConfig {
    if (estimator == null || level == null || placement == null || controller == null) {
      throw new UserInputException("kl: estimator, level, placement and controller must all be set;"
          + " found estimator=" + estimator + " level=" + level + " placement=" + placement
          + " controller=" + controller);
    }
    if (!(clip >= 0)) {
      throw new UserInputException("kl.clip: found " + clip + ", expected >= 0 (0 disables)");
    }
  }

  /** k3, unclipped, per token, in the reward, fixed beta 0.05. */
  public static KlConfig defaults() {
    return new KlConfig(KlEstimator.K3, 0, KlLevel.TOKEN, KlPlacement.REWARD,
        KlControllerConfig.defaults());
  }

  /** The clip bound {@link KlDivergence#perToken} takes: {@code +∞} when clipping is off. */
  public double clipBound() {
    return clip == 0 ? Double.POSITIVE_INFINITY : clip;
  }
}
