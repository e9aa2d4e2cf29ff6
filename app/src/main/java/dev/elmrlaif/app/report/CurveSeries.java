package dev.elmrlaif.app.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;

/**
 * One named curve of a figure: points {@code (x[i], y[i])} and, optionally, a confidence interval
 * {@code [lo[i], hi[i]]} around each point (drawn as error bars). Experiments write these into
 * their {@link ExperimentFigures} file and {@link Charts} draws them; the interval arrays are null
 * when a curve has none.
 *
 * @param name the legend entry, e.g. {@code "ELM summary"} or {@code "nearest neighbour"}
 * @param x the points' abscissae, e.g. the mixing weights 0, 0.1, ..., 1
 * @param y the points' values
 * @param lo the lower interval ends, or null
 * @param hi the upper interval ends, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CurveSeries(String name, double[] x, double[] y, double[] lo, double[] hi) {
  public CurveSeries {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "series " + name + ": " + x.length + " x values but " + y.length + " y values");
    }
    if ((lo == null) != (hi == null)) {
      throw new IllegalArgumentException("series " + name + ": give both interval ends or none");
    }
    if (lo != null && (lo.length != x.length || hi.length != x.length)) {
      throw new IllegalArgumentException(
          "series " + name + ": interval arrays must have " + x.length + " values");
    }
  }

  /** A curve without intervals. */
  public static CurveSeries of(String name, double[] x, double[] y) {
    return new CurveSeries(name, x, y, null, null);
  }

  /** Whether the curve carries an interval at each point. */
  public boolean hasIntervals() {
    return lo != null;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CurveSeries s
        && name.equals(s.name)
        && Arrays.equals(x, s.x)
        && Arrays.equals(y, s.y)
        && Arrays.equals(lo, s.lo)
        && Arrays.equals(hi, s.hi);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(x)) + Arrays.hashCode(y);
  }

  @Override
  public String toString() {
    return "CurveSeries[" + name + ", " + x.length + " points]";
  }
}
