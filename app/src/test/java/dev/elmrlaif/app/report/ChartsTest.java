package dev.elmrlaif.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  @TempDir Path dir;

  private static final CurveFigure FIGURE =
      new CurveFigure(
          "movies-summary",
          "SC along the interpolation",
          "weight",
          "SC",
          CurveFigure.Kind.LINE,
          List.of(
              new CurveSeries(
                  "ELM",
                  new double[] {0, 0.5, 1},
                  new double[] {0.4, 0.45, Double.NaN},
                  new double[] {0.35, 0.4, 0.4},
                  new double[] {0.45, 0.5, 0.5}),
              CurveSeries.of("nearest neighbour", new double[] {0, 1}, new double[] {0.5, 0.5})));

  @Test
  void drawsAPngOfTheStatedSizeThatIsNotBlank() throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(Charts.png(FIGURE)));
    assertEquals(Charts.WIDTH, image.getWidth());
    assertEquals(Charts.HEIGHT, image.getHeight());
    int first = image.getRGB(0, 0);
    long differing = 0;
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        differing += image.getRGB(x, y) != first ? 1 : 0;
      }
    }
    assertTrue(differing > 500, "the plot draws axes, curves and text: " + differing);
  }

  @Test
  void aLongTitleShrinksUntilItFitsAndOnlyThenIsCut() {
    Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    String shortTitle = "SC along the interpolation";
    assertEquals(base, Charts.titleFont(shortTitle, base, 620), "a title that fits keeps its font");
    assertEquals(shortTitle, Charts.fittedTitle(shortTitle, base, 620));

    String longTitle = "rl_reinforce/movie: " + "reward_components/cross_context ".repeat(2);
    assertTrue(Charts.width(longTitle, base) > 400, "the title must not fit at 14 points");
    Font shrunk = Charts.titleFont(longTitle, base, 400);
    assertTrue(shrunk.getSize2D() < 14 && shrunk.getSize2D() >= Charts.MIN_TITLE_POINTS);
    assertTrue(
        Charts.width(longTitle, shrunk) <= 400 || shrunk.getSize2D() == Charts.MIN_TITLE_POINTS,
        "shrunk until it fits, or to the smallest size");
    if (Charts.width(longTitle, shrunk) <= 400) {
      Font oneLarger = shrunk.deriveFont(shrunk.getSize2D() + 1f);
      assertTrue(Charts.width(longTitle, oneLarger) > 400, "the largest size that fits");
    }

    String hopeless = "x".repeat(500);
    Font smallest = Charts.titleFont(hopeless, base, 400);
    assertEquals(Charts.MIN_TITLE_POINTS, smallest.getSize2D());
    String cut = Charts.fittedTitle(hopeless, smallest, 400);
    assertTrue(cut.endsWith("…") && cut.length() < hopeless.length(), cut);
    assertTrue(Charts.width(cut, smallest) <= 400, "the cut title fits");
    assertTrue(
        Charts.width(hopeless.substring(0, cut.length()) + "…", smallest) > 400,
        "one more character would not fit");
  }

  @Test
  void experimentFiguresRoundTripThroughTheRunFolder() throws IOException {
    ExperimentFigures written =
        new ExperimentFigures(
            "interpolation",
            "SC falls toward the middle.",
            List.of(FIGURE),
            List.of(Map.of("weight", "0.5", "text", "A film about ...")));
    written.write(dir);
    assertEquals(List.of(written), ExperimentFigures.readAll(dir));
  }

  @Test
  void rejectsMismatchedLengthsAndUnsafeIds() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CurveSeries.of("a", new double[] {0, 1}, new double[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CurveFigure("../x", "t", "x", "y", CurveFigure.Kind.LINE, List.of()));
  }
}
