package dev.elmrlaif.app.report;

import java.awt.Color;
import java.io.IOException;
import java.util.Arrays;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
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

  private Charts() {}

  /** The figure as PNG bytes. */
  public static byte[] png(CurveFigure figure) {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(figure.title())
            .xAxisTitle(figure.xLabel())
            .yAxisTitle(figure.yLabel())
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setMarkerSize(figure.kind() == CurveFigure.Kind.SCATTER ? 8 : 4);
    chart
        .getStyler()
        .setDefaultSeriesRenderStyle(
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
}
