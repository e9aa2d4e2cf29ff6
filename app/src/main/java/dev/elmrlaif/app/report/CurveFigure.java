package dev.elmrlaif.app.report;

import java.util.List;

/**
 * One plot: a title, axis labels and its curves. The unit in which experiments hand their results
 * to the report ({@code report.html} draws each with {@link Charts#png}).
 *
 * @param id a file-name-safe identifier, unique within its experiment, e.g. {@code movies-summary}
 * @param title the plot's title
 * @param xLabel the x axis label
 * @param yLabel the y axis label
 * @param kind {@code line} (points joined in x order) or {@code scatter} (points only, e.g. one per
 *     sweep run in a reward-versus-KL frontier)
 * @param series the curves
 */
public record CurveFigure(
    String id, String title, String xLabel, String yLabel, Kind kind, List<CurveSeries> series) {
  /** How the points of each series are drawn. */
  public enum Kind {
    /** Points joined by lines, in x order. */
    LINE,
    /** Unconnected markers. */
    SCATTER
  }

  public CurveFigure {
    if (!id.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("figure id '" + id + "' must be file-name safe");
    }
    series = List.copyOf(series);
  }
}
