package dev.elmrlaif.algorithms.rl.math;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Which baseline REINFORCE subtracts from returns, and its settings (YAML section {@code
 * baseline}); see {@link Baseline} for the formulas.
 */
@RecordBuilder
public record BaselineConfig(
    @Doc(
            "none, moving_average, leave_one_out (over the K samples of a context) or group_normalised")
        @Default("leave_one_out")
        Baseline kind,
    @Doc("moving_average only: decay d of m <- d*m + (1-d)*mean(R)")
        @Range(min = 0, max = 1, maxExclusive = true)
        @Default("0.9")
        double decay,
    @Doc("group_normalised only: eps in (R - mean) / (std + eps)")
        @Range(min = 0, minExclusive = true)
        @Default("1e-6")
        double epsilon)
    implements BaselineConfigBuilder.With {

  public BaselineConfig {
    if (kind == null) {
      throw new ConfigException(
          "kind", "missing, expected none, moving_average, leave_one_out or group_normalised");
    }
  }

  /** Leave-one-out (decay 0.9 and epsilon 1e-6 for the other kinds). */
  public static BaselineConfig defaults() {
    return ConfigKeys.defaults(BaselineConfig.class);
  }
}
