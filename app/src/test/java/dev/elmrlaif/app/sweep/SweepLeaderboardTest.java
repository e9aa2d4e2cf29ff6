package dev.elmrlaif.app.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leaderboard of a sweep over β from hand-written eval.json files: settings ranked by the mean
 * of the metric, mean ± sample std over seeds, each seed's RL − SFT paired interval, the frontier's
 * points (per setting: mean KL, mean SC ± std; per run) and its PNG; and the toy CoMDP's expected
 * reward {@code objective_trained + β·kl_to_reference}.
 */
class SweepLeaderboardTest {
  @TempDir Path dir;

  private SweepSpec spec(String yaml) throws IOException {
    Files.writeString(dir.resolve("base.yaml"), "seed: 1\n");
    return SweepSpec.load(
        Files.writeString(dir.resolve("sweep.yaml"), "config: base.yaml\n" + yaml));
  }

  /** A run folder whose eval.json has an RL stage's mean sc, kl and minus_sft sc interval. */
  private SweepResults.Row row(SweepSpec spec, SweepPoint point, double sc, double kl, double diff)
      throws IOException {
    Path run = Files.createDirectories(dir.resolve(point.id()));
    Files.writeString(
        run.resolve("eval.json"),
        "{\"stages\": {\"rl_reinforce\": {\"mean\": {\"sc\": "
            + sc
            + ", \"sc_ci\": ["
            + (sc - 0.05)
            + ", "
            + (sc + 0.05)
            + "], \"kl\": "
            + kl
            + "}, \"minus_sft\": {\"mean\": {\"sc\": "
            + diff
            + ", \"sc_ci\": ["
            + (diff - 0.01)
            + ", "
            + (diff + 0.01)
            + "]}}}}}");
    List<String> paths = spec.metrics();
    return new SweepResults.Row(
        point,
        new SweepState.Entry(SweepState.Status.DONE, 1, null, 0, null),
        SweepResults.figures(run.resolve("eval.json"), paths),
        run,
        SweepResults.reusedStages(run),
        SweepResults.paired(run.resolve("eval.json")));
  }

  @Test
  void ranksSettingsAndDrawsTheRewardVersusKlFrontierWithPairedIntervals() throws IOException {
    SweepSpec spec =
        spec(
            "grid:\n  reinforce.kl.controller.beta: [0.1, 1.0]\nseeds: [1, 2]\n"
                + "metric: {name: stages.rl_reinforce.mean.sc, goal: maximize}\n"
                + "metrics: [stages.rl_reinforce.mean.kl]\n");
    List<SweepPoint> points = spec.points();
    // beta 0.1: sc 0.50, 0.54 (kl 2, 4); beta 1.0: sc 0.30, 0.30 (kl 0.5, 0.7)
    List<SweepResults.Row> rows = new ArrayList<>();
    rows.add(row(spec, points.get(0), 0.50, 2.0, 0.10));
    rows.add(row(spec, points.get(1), 0.54, 4.0, 0.12));
    rows.add(row(spec, points.get(2), 0.30, 0.5, 0.03));
    rows.add(row(spec, points.get(3), 0.30, 0.7, -0.01));
    Files.writeString(
        dir.resolve("p01-s1").resolve(SweepResults.STAGE_REUSE_FILE),
        "{\"stages\": [{\"stage\": \"sft\", \"key\": \"k\", \"reused\": true, \"from\": \"x\"},"
            + " {\"stage\": \"rl\", \"key\": \"r\", \"reused\": false}]}");
    rows.set(2, row(spec, points.get(2), 0.30, 0.5, 0.03));
    assertEquals(List.of("sft"), rows.get(2).reusedStages());

    List<String> paths = spec.metrics();
    SweepResults.write(dir, spec, paths, rows);
    SweepLeaderboard.write(dir, spec, paths, rows);
    String md = Files.readString(dir.resolve(SweepLeaderboard.MARKDOWN_FILE));
    // mean 0.52, sample std sqrt(2 * 0.02^2 / 1) = 0.0283; kl mean 3, std sqrt(2) = 1.4142
    assertTrue(md.contains("| 1 | 0.1 | 2/2 | 0.5200 ± 0.0283 | 3.0000 ± 1.4142 |"), md);
    assertTrue(md.contains("| 2 | 1.0 | 2/2 | 0.3000 ± 0.0000 | 0.6000 ± 0.1414 |"), md);
    assertTrue(
        md.contains(
            "| 1.0 | rl_reinforce | sc | s1: 0.0300 [0.0200, 0.0400]; s2: -0.0100 [-0.0200,"
                + " 0.0000] | 0.0100 ± 0.0283 |"),
        md);
    assertTrue(Files.readString(dir.resolve("results.csv")).contains(",sft,"), "reused stages");
    assertTrue(
        Files.readString(dir.resolve("results.jsonl")).contains("\"reused_stages\":[\"sft\"]"));

    CurveFigure frontier =
        SweepLeaderboard.frontier(
            spec,
            SweepLeaderboard.frontierAxes(spec).orElseThrow(),
            SweepLeaderboard.groups(spec, paths, rows));
    CurveSeries settings = frontier.series().get(1);
    assertArrayEquals(new double[] {0.6, 3.0}, settings.x(), 1e-12, "mean KL, sorted");
    assertArrayEquals(new double[] {0.30, 0.52}, settings.y(), 1e-12);
    assertArrayEquals(new double[] {0.30, 0.52 - Math.sqrt(0.0008)}, settings.lo(), 1e-12);
    CurveSeries runs = frontier.series().get(0);
    assertArrayEquals(new double[] {0.50, 0.54, 0.30, 0.30}, runs.y(), 1e-12, "one point per run");
    assertArrayEquals(new double[] {0.45, 0.49, 0.25, 0.25}, runs.lo(), 1e-12, "its sc_ci");
    assertTrue(Files.size(dir.resolve(SweepLeaderboard.FRONTIER_PNG)) > 1000);
    String html = Files.readString(dir.resolve(SweepLeaderboard.HTML_FILE));
    assertTrue(html.contains("<img src=\"frontier.png\""), html);
    assertTrue(html.contains("0.5200 ± 0.0283"), html);
  }

  @Test
  void theToyFrontierPlotsExpectedRewardFromTheRegularisedObjective() throws IOException {
    SweepSpec spec =
        spec(
            "grid:\n  reinforce.kl.controller.beta: [0.5]\n"
                + "metric: {name: algorithms.reinforce.toy.objective_trained, goal: maximize}\n");
    Path run = Files.createDirectories(dir.resolve("p00"));
    // E[r] - beta * KL = 1.5 with beta 2 and KL 0.25: E[r] = 2.0
    Files.writeString(
        run.resolve("eval.json"),
        "{\"algorithms\": {\"reinforce\": {\"toy\": {\"objective_trained\": 1.5, \"beta\": 2.0,"
            + " \"kl_to_reference\": 0.25}}}}");
    SweepResults.Row row =
        new SweepResults.Row(
            spec.points().get(0),
            new SweepState.Entry(SweepState.Status.DONE, 1, null, 0, null),
            SweepResults.figures(run.resolve("eval.json"), spec.metrics()),
            run,
            List.of(),
            List.of());
    CurveFigure frontier =
        SweepLeaderboard.frontier(
            spec,
            SweepLeaderboard.frontierAxes(spec).orElseThrow(),
            SweepLeaderboard.groups(spec, spec.metrics(), List.of(row)));
    assertArrayEquals(new double[] {0.25}, frontier.series().get(0).x());
    assertArrayEquals(new double[] {2.0}, frontier.series().get(0).y());
  }

  @Test
  void aSweepOverOtherKeysHasNoFrontier() throws IOException {
    SweepSpec spec =
        spec("grid:\n  reinforce.learning_rate: [0.1]\nmetrics: [stages.sft.mean.sc]\n");
    assertTrue(SweepLeaderboard.frontierAxes(spec).isEmpty());
  }
}
