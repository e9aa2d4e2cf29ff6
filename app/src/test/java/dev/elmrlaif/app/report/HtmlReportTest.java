package dev.elmrlaif.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structure of {@code report.html} (no browser needed): every metric curve has a plot, every
 * image exists and decodes as a PNG, every text is escaped, the figures are eval.json's, and a
 * folder with nothing in it yet gives one sentence per missing piece.
 */
class HtmlReportTest {
  @TempDir Path dir;

  private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\" alt=\"([^\"]*)\"");

  private static List<String> imageSources(String html) {
    List<String> sources = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      sources.add(m.group(1));
    }
    return sources;
  }

  @Test
  void everyMetricCurveAndExperimentFigureIsAPngBesideThePage() throws IOException {
    Path run = ReportFixture.writeRun(dir.resolve("run"));
    Path page = HtmlReport.write(run);
    assertEquals(run.resolve("report.html"), page);
    String html = Files.readString(page);

    List<String> sources = imageSources(html);
    // five metric curves (pretrain: loss, learning_rate; rl: reward, kl_k3, beta) + one experiment
    assertEquals(ReportFixture.CURVES.size() + 1, sources.size(), sources.toString());
    for (List<String> curve : ReportFixture.CURVES) {
      String caption = curve.get(0) + ": " + curve.get(1);
      assertTrue(html.contains("alt=\"" + caption + "\""), "a plot of " + caption);
    }
    assertTrue(html.contains("alt=\"SC against the mixing weight\""), "the experiment's figure");
    for (String source : sources) {
      assertTrue(source.startsWith("report/") && source.endsWith(".png"), source);
      Path file = run.resolve(source);
      assertTrue(Files.isRegularFile(file), source + " exists");
      BufferedImage image = ImageIO.read(file.toFile());
      assertNotNull(image, source + " decodes as an image");
      assertEquals(Charts.WIDTH, image.getWidth());
      assertEquals(Charts.HEIGHT, image.getHeight());
    }
    try (Stream<Path> files = Files.list(run.resolve(HtmlReport.IMAGE_FOLDER))) {
      assertEquals(sources.size(), files.count(), "no image the page does not show");
    }
    // logged once: a table row, not a plot; text fields and the torn last line are ignored
    assertTrue(html.contains("<td>train_examples</td><td class=\"num\">12</td>"), html);
    assertTrue(html.contains("<td>sc_summary</td><td class=\"num\">0.3</td>"), html);
    assertFalse(html.contains("alt=\"pretrain: note\""));
    assertFalse(html.contains("<script"), "no JavaScript, no injected markup");
  }

  @Test
  void theTablesAreEvalJsonsFiguresWithTheirIntervals() throws IOException {
    String html = Files.readString(HtmlReport.write(ReportFixture.writeRun(dir.resolve("run"))));
    // SC: task, n, sft, rl_reinforce, baseline: ground_truth
    assertTrue(
        html.contains(
            "<tr><td>summary</td><td class=\"num\">4</td><td class=\"num\">0.300 [0.250, 0.350]</td>"
                + "<td class=\"num\">0.350 [0.300, 0.400]</td><td class=\"num\">0.800 [0.750, 0.850]</td></tr>"),
        html);
    // BC only for the task that has it
    assertTrue(
        html.contains(
            "<tr><td>user_profile</td><td class=\"num\">3</td><td class=\"num\">0.125 [0.063, 0.188]</td>"
                + "<td></td><td></td></tr>"),
        html);
    // SFT vs RL: the paired differences (SC, no BC, distinct-2), KL and entropy of the RL stage
    assertTrue(
        html.contains(
            "<tr><td>summary</td><td>rl_reinforce</td><td class=\"num\">+0.050 [+0.010, +0.090]</td>"
                + "<td></td><td class=\"num\">-0.020 [-0.040, +0.000]</td><td class=\"num\">0.75</td><td class=\"num\">2.5</td><td class=\"num\">4</td></tr>"),
        html);
    // stage times from the markers; configured stages without one are 'not run'
    assertTrue(html.contains("<tr><td>pretrain</td><td class=\"num\">2.25</td><td>done</td></tr>"));
    assertTrue(html.contains("<tr><td>sft</td><td></td><td>not run (yet)</td></tr>"), html);
    assertTrue(html.contains("<td>extra.text_encoder</td><td>tfidf &lt;v1&gt;</td>"), html);
  }

  @Test
  void generationsSitSideBySideEscaped() throws IOException {
    String html = Files.readString(HtmlReport.write(ReportFixture.writeRun(dir.resolve("run"))));
    assertTrue(
        html.contains(
            "<th>entities</th><th>prompt</th><th>ground truth</th><th>sft</th><th>rl_reinforce</th>"),
        html);
    assertTrue(
        html.contains(
            "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Sons (1999) (movie 100)</td>"),
        html);
    assertTrue(
        html.contains("<td>text 1 of sft [SC 0.2]</td><td>text 1 of rl_reinforce [SC 0.2]</td>"));
    assertTrue(html.contains("text 2 of sft"), "three examples per task");
    assertFalse(html.contains("text 3 of sft"), "only " + HtmlReport.GENERATIONS_PER_TASK);
    assertTrue(html.contains("a &lt;b&gt;bold&lt;/b&gt; mix"), "experiment samples escaped too");
  }

  @Test
  void theEvaluationSaysHowTheTextsWereDecoded() throws IOException {
    String html = Files.readString(HtmlReport.write(ReportFixture.writeRun(dir.resolve("run"))));
    assertTrue(
        html.contains(
            "Decoding of every model&#39;s texts: best of 2 samples per prompt (temperature 0.5)."),
        html);
  }

  @Test
  void aFolderWithNothingYetGetsOneSentencePerMissingPiece() throws IOException {
    Path run = ReportFixture.writeBareRun(dir.resolve("bare"));
    String html = Files.readString(HtmlReport.write(run));
    for (String sentence :
        List.of(
            "No provenance.json in this folder.",
            "No evaluation yet: the eval stage has not written eval.json.",
            "No comparison: there is no held-out evaluation of trained models yet.",
            "No metrics were logged (metrics.jsonl is absent or empty).",
            "No experiment has been run on this folder (experiments/ holds no file).",
            "No generations yet:")) {
      assertTrue(html.contains(sentence), sentence + "\n" + html);
    }
    assertTrue(html.contains("<tr><td>eval</td><td></td><td>not run (yet)</td></tr>"), html);
    assertTrue(imageSources(html).isEmpty());
  }

  @Test
  void aRebuildDropsPlotsOfMetricsNoLongerLoggedAndTheSyntheticEvalIsATable() throws IOException {
    Path run = ReportFixture.writeRun(dir.resolve("run"));
    HtmlReport.write(run);
    Files.writeString(
        run.resolve("metrics.jsonl"),
        "{\"stage\":\"rl/sac/toy\",\"step\":1,\"alpha\":0.5}\n"
            + "{\"stage\":\"rl/sac/toy\",\"step\":2,\"alpha\":0.25}\n");
    Files.writeString(
        run.resolve("eval.json"),
        "{\"environment\": \"synthetic\", \"toy\": {\"tv_to_optimum\": 0.0125}}");
    String html = Files.readString(HtmlReport.write(run));
    try (Stream<Path> files = Files.list(run.resolve(HtmlReport.IMAGE_FOLDER))) {
      assertEquals(
          List.of("experiment-interpolation-movies-summary.png", "metric-rl_sac_toy-alpha.png"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertTrue(html.contains("<td>toy.tv_to_optimum</td><td class=\"num\">0.0125</td>"), html);
    assertTrue(html.contains("No comparison"), html);
  }
}
