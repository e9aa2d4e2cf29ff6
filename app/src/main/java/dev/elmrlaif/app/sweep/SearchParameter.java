package dev.elmrlaif.app.sweep;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One parameter of a {@code method: random} sweep: a config key and the distribution its values are
 * drawn from, named as in Optuna, Ray Tune and W&B sweeps. {@code uniform}: a real number in {@code
 * [low, high)}; {@code loguniform}: {@code exp(u)} with {@code u} uniform in {@code [ln low, ln
 * high)} (for learning rates and KL coefficients, which matter by orders of magnitude); {@code
 * int}: an integer in {@code [low, high]}, both ends included (Optuna's {@code suggest_int});
 * {@code choice}: one of {@code values}, each equally likely.
 *
 * @param key the config key, e.g. {@code reinforce.kl.controller.beta}
 * @param distribution how values are drawn
 * @param low the smallest value (not for choice)
 * @param high the largest value (not for choice)
 * @param values the choices as YAML text (choice only; empty otherwise)
 * @param line the sweep file's line of the key, for error messages
 */
public record SearchParameter(
    String key, Distribution distribution, double low, double high, List<String> values, int line) {

  /** The distributions a random sweep draws from. */
  public enum Distribution {
    UNIFORM,
    LOGUNIFORM,
    INT,
    CHOICE
  }

  public SearchParameter {
    values = List.copyOf(values);
  }

  /**
   * Why the parameter cannot be drawn from (low above high, loguniform not above 0, int bounds that
   * are not integers, no choices), or null when it can.
   */
  public String problem() {
    return switch (distribution) {
      case CHOICE -> values.isEmpty() ? "choice needs at least one value in `values`" : null;
      case UNIFORM -> low > high ? "low " + low + " is above high " + high : null;
      case LOGUNIFORM ->
          low <= 0
              ? "loguniform needs low > 0 (its logarithm is drawn uniformly), found low " + low
              : low > high ? "low " + low + " is above high " + high : null;
      case INT ->
          low != Math.rint(low) || high != Math.rint(high)
              ? "int needs integer low and high, found " + low + " and " + high
              : low > high ? "low " + (long) low + " is above high " + (long) high : null;
    };
  }

  /**
   * One value, as the YAML text of a {@code --set key=value} override; real numbers are rounded to
   * 6 significant digits (kept within {@code [low, high]}) so run names and tables stay readable.
   */
  public String sample(SplittableRandom random) {
    return switch (distribution) {
      case CHOICE -> values.get(random.nextInt(values.size()));
      case UNIFORM -> readable(low == high ? low : random.nextDouble(low, high));
      case LOGUNIFORM ->
          readable(low == high ? low : Math.exp(random.nextDouble(Math.log(low), Math.log(high))));
      case INT -> Long.toString(random.nextLong((long) low, (long) high + 1));
    };
  }

  private String readable(double value) {
    java.math.BigDecimal rounded =
        new java.math.BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros();
    if (rounded.doubleValue() < low || rounded.doubleValue() > high) {
      rounded = new java.math.BigDecimal(Math.min(high, Math.max(low, value)));
    }
    // plain digits with a point (0.000602087, not 6.02087E-4): YAML reads it as a real number
    String text = rounded.toPlainString();
    return text.contains(".") ? text : text + ".0";
  }
}
