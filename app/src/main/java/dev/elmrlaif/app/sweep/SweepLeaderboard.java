package dev.elmrlaif.app.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.app.report.Charts;
import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * A sweep's leaderboard: trials grouped by their searched values, each figure as mean ± sample
 * standard deviation over the seeds, the best setting first by the sweep's metric and goal; each
 * run's RL − SFT paired intervals ({@code minus_sft} of its eval.json) and their mean ± std over
 * the seeds; and, for a sweep over a KL coefficient (a searched key with a {@code beta} or {@code
 * alpha} segment), the reward-versus-KL frontier: held-out reward against the KL to the supervised
 * model, one point per setting with its spread over seeds, and one per run. Written as {@code
 * leaderboard.md}, and as {@code report.html} with the frontier drawn by {@link Charts} into {@code
 * frontier.png} beside it (plain HTML, readable offline). Nothing in it depends on where the trials
 * ran, so a sweep run locally and on Slurm with the same seeds gives the same leaderboard.
 */
public final class SweepLeaderboard {
  /** The Markdown leaderboard. */
  public static final String MARKDOWN_FILE = "leaderboard.md";

  /** The HTML report of the sweep. */
  public static final String HTML_FILE = "report.html";

  /** The frontier plot, beside the report. */
  public static final String FRONTIER_PNG = "frontier.png";

  /**
   * One setting: its values, its runs, and mean and std over its finished runs of each figure.
   *
   * @param settings the searched values
   * @param rows its runs (one per seed)
   * @param done how many of them finished
   * @param mean per figure path, the mean over finished runs (NaN when none has it)
   * @param std per figure path, the sample std (NaN for fewer than two values)
   */
  public record Group(
      Map<String, String> settings,
      List<SweepResults.Row> rows,
      int done,
      Map<String, Double> mean,
      Map<String, Double> std) {}

  /**
   * The reward-versus-KL frontier's axes, as read from each run's eval.json.
   *
   * @param rewardLabel the y axis, e.g. {@code stages.rl_reinforce.mean.sc}
   * @param klLabel the x axis, e.g. {@code stages.rl_reinforce.mean.kl}
   * @param prefix the figures' common prefix ({@code stages.rl_x.mean.}, {@code toy.}, ...)
   * @param toy whether the reward is the synthetic CoMDP's expected reward, {@code
   *     objective_trained + β·kl_to_reference} (H1)
   */
  record FrontierAxes(String rewardLabel, String klLabel, String prefix, boolean toy) {
    double reward(JsonNode eval) {
      if (!toy) {
        return SweepResults.figure(eval, rewardLabel);
      }
      return SweepResults.figure(eval, prefix + "objective_trained")
          + SweepResults.figure(eval, prefix + "beta")
              * SweepResults.figure(eval, prefix + "kl_to_reference");
    }

    double kl(JsonNode eval) {
      return SweepResults.figure(eval, klLabel);
    }

    /**
     * The run's own 95 % interval of the reward ({@code <reward>_ci} beside it in eval.json: the
     * bootstrap over held-out examples), or the reward itself at both ends when there is none.
     */
    double[] rewardInterval(JsonNode eval, double reward) {
      if (!toy) {
        JsonNode node = eval;
        String[] parts = rewardLabel.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
          node = node.path(parts[i]);
        }
        JsonNode ci = node.path(parts[parts.length - 1] + "_ci");
        if (ci.size() == 2 && ci.get(0).isNumber() && ci.get(1).isNumber()) {
          return new double[] {ci.get(0).asDouble(), ci.get(1).asDouble()};
        }
      }
      return new double[] {reward, reward};
    }
  }

  private SweepLeaderboard() {}

  /** Writes leaderboard.md, report.html and (for a sweep over β or α) frontier.png. */
  public static void write(
      Path folder, SweepSpec spec, List<String> paths, List<SweepResults.Row> rows) {
    List<Group> groups = groups(spec, paths, rows);
    Optional<FrontierAxes> axes = frontierAxes(spec);
    Optional<CurveFigure> frontier = axes.map(a -> frontier(spec, a, groups));
    AtomicFiles.writeString(
        folder.resolve(MARKDOWN_FILE), markdown(spec, paths, rows, groups, axes));
    frontier.ifPresent(f -> AtomicFiles.write(folder.resolve(FRONTIER_PNG), Charts.png(f)));
    AtomicFiles.writeString(
        folder.resolve(HTML_FILE), html(spec, paths, rows, groups, frontier.isPresent()));
  }

  /** The settings, best first by the sweep's metric (in sweep order when it names none). */
  public static List<Group> groups(
      SweepSpec spec, List<String> paths, List<SweepResults.Row> rows) {
    Map<Map<String, String>, List<SweepResults.Row>> bySetting = new LinkedHashMap<>();
    for (SweepResults.Row row : rows) {
      bySetting.computeIfAbsent(row.point().settings(), k -> new ArrayList<>()).add(row);
    }
    List<Group> groups = new ArrayList<>();
    bySetting.forEach(
        (settings, members) -> {
          List<SweepResults.Row> done =
              members.stream().filter(r -> r.entry().status() == SweepState.Status.DONE).toList();
          Map<String, Double> mean = new LinkedHashMap<>();
          Map<String, Double> std = new LinkedHashMap<>();
          for (String path : paths) {
            double[] values =
                done.stream()
                    .mapToDouble(r -> r.figures().getOrDefault(path, Double.NaN))
                    .filter(v -> !Double.isNaN(v))
                    .toArray();
            mean.put(path, values.length == 0 ? Double.NaN : new Mean().evaluate(values));
            std.put(
                path, values.length < 2 ? Double.NaN : new StandardDeviation().evaluate(values));
          }
          groups.add(new Group(settings, members, done.size(), mean, std));
        });
    if (spec.objective() != null) {
      String metric = spec.objective().name();
      Comparator<Group> byMetric =
          Comparator.comparingDouble(
              g -> spec.objective().maximize() ? -g.mean().get(metric) : g.mean().get(metric));
      // settings without a value go last, in sweep order (the sort is stable)
      groups.sort(
          Comparator.<Group>comparingInt(g -> Double.isNaN(g.mean().get(metric)) ? 1 : 0)
              .thenComparing(byMetric));
    }
    return groups;
  }

  /**
   * The frontier's axes for a sweep over a KL coefficient (a searched key with a segment {@code
   * beta} or {@code alpha}), taken from the metric's stage; empty for other sweeps.
   */
  static Optional<FrontierAxes> frontierAxes(SweepSpec spec) {
    boolean overKl =
        spec.searchKeys().stream()
            .anyMatch(
                k ->
                    Arrays.asList(k.split("[.,]")).stream()
                        .anyMatch(s -> s.equals("beta") || s.equals("alpha")));
    if (!overKl) {
      return Optional.empty();
    }
    String metric =
        spec.objective() != null
            ? spec.objective().name()
            : spec.metrics().isEmpty() ? null : spec.metrics().get(0);
    if (metric == null) {
      return Optional.empty();
    }
    String[] parts = metric.split("\\.");
    if (parts[0].equals("stages") && parts.length == 4 && parts[2].equals("mean")) {
      String prefix = "stages." + parts[1] + ".mean.";
      return Optional.of(new FrontierAxes(metric, prefix + "kl", prefix, false));
    }
    if (parts[0].equals("toy") || parts[0].equals("algorithms")) {
      String prefix = metric.substring(0, metric.lastIndexOf('.') + 1);
      return Optional.of(
          new FrontierAxes(prefix + "expected_reward", prefix + "kl_to_reference", prefix, true));
    }
    return Optional.empty();
  }

  /**
   * One point per setting (mean over seeds, ± std of the reward) and one per finished run (with its
   * held-out 95 % interval when eval.json has one).
   */
  static CurveFigure frontier(SweepSpec spec, FrontierAxes axes, List<Group> groups) {
    List<double[]> perSetting = new ArrayList<>(); // x, y, lo, hi
    List<double[]> perRun = new ArrayList<>();
    for (Group group : groups) {
      List<double[]> points = new ArrayList<>();
      for (SweepResults.Row row : group.rows()) {
        if (row.entry().status() != SweepState.Status.DONE) {
          continue;
        }
        Optional<JsonNode> eval = SweepResults.read(row.runDir().resolve(EvalReport.JSON_FILE));
        eval.map(
                e -> {
                  double reward = axes.reward(e);
                  double[] ci = axes.rewardInterval(e, reward);
                  return new double[] {axes.kl(e), reward, ci[0], ci[1]};
                })
            .filter(p -> Double.isFinite(p[0]) && Double.isFinite(p[1]))
            .ifPresent(points::add);
      }
      perRun.addAll(points);
      if (!points.isEmpty()) {
        double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
        double y = new Mean().evaluate(ys);
        double sd = ys.length < 2 ? 0 : new StandardDeviation().evaluate(ys);
        perSetting.add(new double[] {new Mean().evaluate(xs), y, y - sd, y + sd});
      }
    }
    perSetting.sort(Comparator.comparingDouble(p -> p[0]));
    CurveSeries settings =
        new CurveSeries(
            "setting (mean ± std over seeds)",
            perSetting.stream().mapToDouble(p -> p[0]).toArray(),
            perSetting.stream().mapToDouble(p -> p[1]).toArray(),
            perSetting.stream().mapToDouble(p -> p[2]).toArray(),
            perSetting.stream().mapToDouble(p -> p[3]).toArray());
    boolean runIntervals = perRun.stream().anyMatch(p -> p[2] != p[1] || p[3] != p[1]);
    CurveSeries runs =
        new CurveSeries(
            runIntervals ? "run (95 % interval over held-out examples)" : "run",
            perRun.stream().mapToDouble(p -> p[0]).toArray(),
            perRun.stream().mapToDouble(p -> p[1]).toArray(),
            runIntervals ? perRun.stream().mapToDouble(p -> p[2]).toArray() : null,
            runIntervals ? perRun.stream().mapToDouble(p -> p[3]).toArray() : null);
    // the runs first, so each setting's marker and interval are drawn on top of its runs
    return new CurveFigure(
        "frontier",
        "Reward versus KL: " + spec.name(),
        axes.toy()
            ? "KL to the reference policy (kl_to_reference)"
            : "KL to SFT (" + axes.klLabel() + ")",
        axes.toy() ? "expected reward E[r]" : axes.rewardLabel(),
        CurveFigure.Kind.SCATTER,
        List.of(runs, settings));
  }

  // ------------------------------------------------------------------ Markdown

  static String markdown(
      SweepSpec spec,
      List<String> paths,
      List<SweepResults.Row> rows,
      List<Group> groups,
      Optional<FrontierAxes> axes) {
    StringBuilder out = new StringBuilder("# Sweep ").append(spec.name()).append("\n\n");
    out.append(summaryLine(spec, rows)).append("\n\n");
    out.append("## Leaderboard\n\n");
    out.append(objectiveLine(spec)).append("\n\n");
    List<String> header = new ArrayList<>(List.of("rank"));
    header.addAll(spec.searchKeys());
    header.add("runs done");
    header.addAll(paths);
    table(out, header, leaderboardCells(spec, paths, groups));
    List<List<String>> paired = pairedCells(spec, groups);
    if (!paired.isEmpty()) {
      out.append("\n## RL − SFT, paired 95 % intervals per seed\n\n");
      out.append(
          "Each run's RL stage minus the supervised model on the same held-out examples"
              + " (eval.json `minus_sft`): the difference [interval]; then mean ± std over"
              + " seeds.\n\n");
      List<String> pairedHeader = new ArrayList<>(spec.searchKeys());
      pairedHeader.addAll(List.of("stage", "figure", "per seed", "mean ± std over seeds"));
      table(out, pairedHeader, paired);
    }
    axes.ifPresent(
        a ->
            out.append("\n## Reward versus KL\n\n")
                .append("`" + FRONTIER_PNG + "` (in `" + HTML_FILE + "`): ")
                .append(
                    a.toy()
                        ? "expected reward objective_trained + β·kl_to_reference"
                        : a.rewardLabel())
                .append(" against ")
                .append(a.klLabel())
                .append(", one point per setting (± std over seeds) and per run.\n"));
    return out.toString();
  }

  private static String summaryLine(SweepSpec spec, List<SweepResults.Row> rows) {
    Map<SweepState.Status, Long> counts = new LinkedHashMap<>();
    rows.forEach(r -> counts.merge(r.entry().status(), 1L, Long::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((s, n) -> parts.add(n + " " + s.name().toLowerCase(Locale.ROOT)));
    return "Base config `"
        + spec.baseConfig()
        + "`; "
        + spec.method().name().toLowerCase(Locale.ROOT)
        + " search, "
        + rows.size()
        + " trials ("
        + String.join(", ", parts)
        + ").";
  }

  private static String objectiveLine(SweepSpec spec) {
    return spec.objective() == null
        ? "Settings in sweep order (the sweep names no `metric`); mean ± sample std over seeds."
        : "Best first by `"
            + spec.objective().name()
            + "` ("
            + (spec.objective().maximize() ? "maximize" : "minimize")
            + "); mean ± sample std over seeds.";
  }

  private static List<List<String>> leaderboardCells(
      SweepSpec spec, List<String> paths, List<Group> groups) {
    List<List<String>> cells = new ArrayList<>();
    int rank = 1;
    for (Group group : groups) {
      List<String> row = new ArrayList<>();
      row.add(String.valueOf(rank++));
      spec.searchKeys().forEach(k -> row.add(group.settings().get(k)));
      row.add(group.done() + "/" + group.rows().size());
      for (String path : paths) {
        row.add(meanAndStd(group.mean().get(path), group.std().get(path)));
      }
      cells.add(row);
    }
    return cells;
  }

  private static List<List<String>> pairedCells(SweepSpec spec, List<Group> groups) {
    List<List<String>> cells = new ArrayList<>();
    for (Group group : groups) {
      Map<String, List<SweepResults.Paired>> byStageFigure = new LinkedHashMap<>();
      Map<String, List<String>> seedsOf = new LinkedHashMap<>();
      for (SweepResults.Row row : group.rows()) {
        if (row.entry().status() != SweepState.Status.DONE) {
          continue;
        }
        for (SweepResults.Paired p : row.paired()) {
          String key = p.stage() + " " + p.figure();
          byStageFigure.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
          seedsOf
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(
                  (row.point().seed() == null ? "" : "s" + row.point().seed() + ": ")
                      + format(p.difference())
                      + " ["
                      + format(p.lo())
                      + ", "
                      + format(p.hi())
                      + "]");
        }
      }
      byStageFigure.forEach(
          (key, list) -> {
            List<String> row = new ArrayList<>();
            spec.searchKeys().forEach(k -> row.add(group.settings().get(k)));
            row.add(list.get(0).stage());
            row.add(list.get(0).figure());
            row.add(String.join("; ", seedsOf.get(key)));
            double[] d = list.stream().mapToDouble(SweepResults.Paired::difference).toArray();
            row.add(
                meanAndStd(
                    new Mean().evaluate(d),
                    d.length < 2 ? Double.NaN : new StandardDeviation().evaluate(d)));
            cells.add(row);
          });
    }
    return cells;
  }

  /** {@code mean ± std}, the mean alone when there is no std, empty when there is no mean. */
  static String meanAndStd(double mean, double std) {
    if (Double.isNaN(mean)) {
      return "";
    }
    return Double.isNaN(std) ? format(mean) : format(mean) + " ± " + format(std);
  }

  private static void table(StringBuilder out, List<String> header, List<List<String>> rows) {
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append("|").append(" --- |".repeat(header.size())).append('\n');
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
  }

  static String format(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
  }

  // ------------------------------------------------------------------ HTML

  static String html(
      SweepSpec spec,
      List<String> paths,
      List<SweepResults.Row> rows,
      List<Group> groups,
      boolean frontier) {
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.append("<title>Sweep ").append(escape(spec.name())).append("</title>\n");
    out.append(
        "<style>body{font-family:sans-serif;margin:2em;max-width:75em}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
            + "padding:.25em .6em;text-align:right}th{background:#f3f3f3}"
            + "td.text{text-align:left}</style></head><body>\n");
    out.append("<h1>Sweep ").append(escape(spec.name())).append("</h1>\n");
    out.append("<p>").append(escape(summaryLine(spec, rows))).append("</p>\n");
    out.append("<h2>Leaderboard</h2>\n<p>").append(escape(objectiveLine(spec))).append("</p>\n");
    List<String> header = new ArrayList<>(List.of("rank"));
    header.addAll(spec.searchKeys());
    header.add("runs done");
    header.addAll(paths);
    htmlTable(out, header, leaderboardCells(spec, paths, groups));
    if (frontier) {
      out.append("<h2>Reward versus KL to the supervised model</h2>\n");
      out.append("<img src=\"")
          .append(FRONTIER_PNG)
          .append("\" width=\"")
          .append(Charts.WIDTH)
          .append("\" height=\"")
          .append(Charts.HEIGHT)
          .append("\" alt=\"reward versus KL frontier\">\n");
    }
    List<List<String>> paired = pairedCells(spec, groups);
    if (!paired.isEmpty()) {
      out.append("<h2>RL − SFT, paired 95 % intervals per seed</h2>\n");
      List<String> pairedHeader = new ArrayList<>(spec.searchKeys());
      pairedHeader.addAll(List.of("stage", "figure", "per seed", "mean ± std over seeds"));
      htmlTable(out, pairedHeader, paired);
    }
    out.append("<h2>Trials</h2>\n");
    List<String> trialHeader = new ArrayList<>(List.of("trial", "status", "attempts", "seed"));
    trialHeader.addAll(spec.searchKeys());
    trialHeader.addAll(paths);
    trialHeader.add("error");
    List<List<String>> trialCells = new ArrayList<>();
    for (SweepResults.Row row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.point().id());
      cells.add(row.entry().status().name().toLowerCase(Locale.ROOT));
      cells.add(String.valueOf(row.entry().attempts()));
      cells.add(row.point().seed() == null ? "" : row.point().seed().toString());
      spec.searchKeys().forEach(k -> cells.add(row.point().settings().get(k)));
      paths.forEach(p -> cells.add(format(row.figures().getOrDefault(p, Double.NaN))));
      cells.add(row.entry().error() == null ? "" : row.entry().error());
      trialCells.add(cells);
    }
    htmlTable(out, trialHeader, trialCells);
    out.append("</body></html>\n");
    return out.toString();
  }

  private static void htmlTable(StringBuilder out, List<String> header, List<List<String>> rows) {
    out.append("<table><tr>");
    header.forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
    out.append("</tr>\n");
    for (List<String> row : rows) {
      out.append("<tr>");
      for (String cell : row) {
        boolean text = !cell.matches("[-+0-9.,/ ±]*");
        out.append(text ? "<td class=\"text\">" : "<td>").append(escape(cell)).append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</table>\n");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
