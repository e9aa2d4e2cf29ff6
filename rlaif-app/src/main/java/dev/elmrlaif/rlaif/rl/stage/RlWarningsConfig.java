package dev.elmrlaif.rlaif.rl.stage;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * When {@link TrainingHealth} warns (YAML section {@code rl.warnings}): the window of steps each
 * check averages over, and the thresholds of entropy collapse and length drift.
 */
public record RlWarningsConfig(
    @Doc("Steps each check averages over; the first window also fixes the starting entropy and length")
        @Range(min = 2) int window,
    @Doc("Entropy collapse: the window's mean entropy below this fraction of the starting entropy")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true) double entropyCollapseFraction,
    @Doc("Length drift: the window's mean length differs from the starting length by more than this fraction")
        @Range(min = 0, minExclusive = true) double lengthDriftFraction) {

  public RlWarningsConfig {
    if (window < 2) {
      throw new UserInputException("rl.warnings.window: found " + window + ", expected an integer >= 2");
    }
    if (!(entropyCollapseFraction > 0 && entropyCollapseFraction < 1)) {
      throw new UserInputException("rl.warnings.entropy_collapse_fraction: found " + entropyCollapseFraction
          + ", expected a value in (0, 1)");
    }
    if (!(lengthDriftFraction > 0) || Double.isInfinite(lengthDriftFraction)) {
      throw new UserInputException("rl.warnings.length_drift_fraction: found " + lengthDriftFraction
          + ", expected a finite value > 0");
    }
  }

  /** A window of 20 steps, collapse below 20 % of the starting entropy, drift beyond 50 % of the starting length. */
  public static RlWarningsConfig defaults() {
    return new RlWarningsConfig(20, 0.2, 0.5);
  }
}
