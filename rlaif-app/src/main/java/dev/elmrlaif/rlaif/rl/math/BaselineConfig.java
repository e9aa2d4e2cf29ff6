package dev.elmrlaif.rlaif.rl.math;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * Which baseline REINFORCE subtracts from returns, and its settings (YAML section
 * {@code baseline}); see {@link Baseline} for the formulas.
 */
public record BaselineConfig(
    @Doc("none, moving_average, leave_one_out (over the K samples of a context) or group_normalised")
        Baseline kind,
    @Doc("moving_average only: decay d of m <- d*m + (1-d)*mean(R)") @Range(min = 0, max = 1, maxExclusive = true)
        double decay,
    @Doc("group_normalised only: eps in (R - mean) / (std + eps)") @Range(min = 0, minExclusive = true)
        double epsilon) {

  public BaselineConfig {
    if (kind == null) {
      throw new UserInputException(
          "baseline.kind: missing, expected none, moving_average, leave_one_out or group_normalised");
    }
    if (!(decay >= 0 && decay < 1)) {
      throw new UserInputException("baseline.decay: found " + decay + ", expected a value in [0, 1)");
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new UserInputException("baseline.epsilon: found " + epsilon + ", expected a finite value > 0");
    }
  }

  /** Leave-one-out (decay 0.9 and epsilon 1e-6 for the other kinds). */
  public static BaselineConfig defaults() {
    return new BaselineConfig(Baseline.LEAVE_ONE_OUT, 0.9, 1e-6);
  }
}
