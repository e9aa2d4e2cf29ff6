package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * When {@link TrainingHealth} warns (YAML section {@code rl.warnings}): the window of steps each
 * check averages over, and the thresholds of entropy collapse and length drift.
 */
@RecordBuilder
public record RlWarningsConfig(
    @Doc(
            "Steps each check averages over; the first window also fixes the starting entropy and length")
        @Range(min = 2)
        @Default("20")
        int window,
    @Doc("Entropy collapse: the window's mean entropy below this fraction of the starting entropy")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true)
        @Default("0.2")
        double entropyCollapseFraction,
    @Doc(
            "Length drift: the window's mean length differs from the starting length by more than this fraction")
        @Range(min = 0, minExclusive = true)
        @Default("0.5")
        double lengthDriftFraction)
    implements RlWarningsConfigBuilder.With {

  /**
   * A window of 20 steps, collapse below 20 % of the starting entropy, drift beyond 50 % of the
   * starting length.
   */
  public static RlWarningsConfig defaults() {
    return ConfigKeys.defaults(RlWarningsConfig.class);
  }
}
