package dev.elmrlaif.app.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.util.Arrays;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link CurveFigure} as a PNG with XChart, headless (no display needed), for {@code
 * report.html} and the sweep report. Intervals are drawn as error bars; non-finite values (a metric
 * not logged at some step) are left out of their series.
 */
public final class Charts {
  /** Pixel size of every plot: readable in a two-column HTML page. */
  public static final int WIDTH = 640;

  /** Pixel height of every plot. */
  public static final int HEIGHT = 400;

  /** The smallest title font, in points, before a title is cut instead of shrunk further. */
  static final float MIN_TITLE_POINTS = 9f;

  /**
   * How text is measured: no transform, no antialiasing or fractional metrics, the context a new
   * image's graphics start with.
   */
  private static final FontRenderContext MEASURE = new FontRenderContext(null, false, false);

  private Charts() {}

  /** The figure as PNG bytes. */
  public static byte[] png(CurveFigure figure) {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .xAxisTitle(figure.xLabel())
            .yAxisTitle(figure.yLabel())
            .build();
    XYStyler styler = chart.getStyler();
    int titleWidth = WIDTH - 2 * styler.getChartPadding();
    styler.setChartTitleFont(titleFont(figure.title(), styler.getChartTitleFont(), titleWidth));
    chart.setTitle(fittedTitle(figure.title(), styler.getChartTitleFont(), titleWidth));
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesVisible(true);
    styler.setMarkerSize(figure.kind() == CurveFigure.Kind.SCATTER ? 8 : 4);
    styler.setDefaultSeriesRenderStyle(
        figure.kind() == CurveFigure.Kind.SCATTER
            ? XYSeries.XYSeriesRenderStyle.Scatter
            : XYSeries.XYSeriesRenderStyle.Line);
    boolean any = false;
    for (CurveSeries series : figure.series()) {
      int[] keep =
          java.util.stream.IntStream.range(0, series.x().length)
              .filter(i -> Double.isFinite(series.x()[i]) && Double.isFinite(series.y()[i]))
              .toArray();
      if (keep.length == 0) {
        continue;
      }
      double[] x = Arrays.stream(keep).mapToDouble(i -> series.x()[i]).toArray();
      double[] y = Arrays.stream(keep).mapToDouble(i -> series.y()[i]).toArray();
      XYSeries drawn;
      if (series.hasIntervals()) {
        // XChart's error bars are symmetric; an asymmetric (bootstrap) interval is drawn as its
        // larger half-width so the bar always covers the interval.
        double[] halfWidth =
            Arrays.stream(keep)
                .mapToDouble(
                    i -> Math.max(series.hi()[i] - series.y()[i], series.y()[i] - series.lo()[i]))
                .map(w -> Double.isFinite(w) ? Math.max(w, 0) : 0)
                .toArray();
        drawn = chart.addSeries(series.name(), x, y, halfWidth);
      } else {
        drawn = chart.addSeries(series.name(), x, y);
      }
      drawn.setMarker(SeriesMarkers.CIRCLE);
      any = true;
    }
    if (!any) {
      chart.addSeries("(no finite values)", new double[] {0}, new double[] {0});
    }
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new IllegalStateException("could not encode the plot '" + figure.title() + "'", e);
    }
  }

  /**
   * {@code base}, shrunk a point at a time down to {@link #MIN_TITLE_POINTS} until {@code title}
   * fits {@code width} pixels: XChart neither wraps nor shrinks a title, it clips it at the plot's
   * edges (a stage and metric name such as {@code rl_reinforce/movie: reward_components/...} is
   * longer than 640 pixels at its 14 points).
   */
  static Font titleFont(String title, Font base, int width) {
    Font font = base;
    while (font.getSize2D() > MIN_TITLE_POINTS && width(title, font) > width) {
      font = font.deriveFont(Math.max(MIN_TITLE_POINTS, font.getSize2D() - 1f));
    }
    return font;
  }

  /**
   * {@code title} if it fits {@code width} pixels in {@code font}, else its longest beginning that
   * fits with "…" after it (the full title stays in the HTML caption under the plot).
   */
  static String fittedTitle(String title, Font font, int width) {
    if (width(title, font) <= width) {
      return title;
    }
    int end = title.length();
    while (end > 0 && width(title.substring(0, end) + "…", font) > width) {
      end--;
    }
    return title.substring(0, end) + "…";
  }

  /** The advance width in pixels of {@code text} in {@code font}. */
  static double width(String text, Font font) {
    return font.getStringBounds(text, MEASURE).getWidth();
  }
}
