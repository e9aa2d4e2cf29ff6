package dev.elmrlaif.app.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The table a sweep leaves behind, one row per trial, rewritten after every start and end so a
 * killed sweep still shows where it stood: {@code results.csv} and {@code results.jsonl} (the trial
 * id, status, attempts, seed, searched values, every {@code eval.json} figure asked for, the run
 * folder, the stages it reused from a stage store, and the last error), then the {@link
 * SweepLeaderboard} ({@code leaderboard.md}, {@code report.html}).
 */
public final class SweepResults {
  /** One row per trial, comma-separated. */
  public static final String CSV_FILE = "results.csv";

  /** One JSON object per trial and line. */
  public static final String JSONL_FILE = "results.jsonl";

  /** Written by {@code train --stage-store}: which stages a run took from the store. */
  public static final String STAGE_REUSE_FILE = "stage_reuse.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An RL stage's paired difference from the supervised model in one run ({@code
   * stages.<stage>.minus_sft.mean} of eval.json: {@code app.eval.EvalComparison}).
   *
   * @param stage the RL stage's table, e.g. {@code rl_reinforce}
   * @param figure {@code sc} or {@code bc}
   * @param difference {@code mean(stage) − mean(sft)} over the held-out examples
   * @param lo the lower end of its 95 % paired bootstrap interval
   * @param hi the upper end
   */
  public record Paired(String stage, String figure, double difference, double lo, double hi) {}

  /**
   * One trial.
   *
   * @param point its settings and seed
   * @param entry its status, attempts and error
   * @param figures the figures asked for (NaN where eval.json lacks one)
   * @param runDir its run folder
   * @param reusedStages the stages it took from a stage store (empty when none or unknown)
   * @param paired its RL − SFT differences with their intervals
   */
  public record Row(
      SweepPoint point,
      SweepState.Entry entry,
      Map<String, Double> figures,
      Path runDir,
      List<String> reusedStages,
      List<Paired> paired) {}

  private SweepResults() {}

  /**
   * The figures to collect: the sweep's {@code metrics}, or else every number under {@code
   * stages.<stage>.mean} and {@code toy} of the first eval.json found.
   */
  public static List<String> metricPaths(SweepSpec spec, List<Path> evalFiles) {
    if (!spec.metrics().isEmpty()) {
      return spec.metrics();
    }
    for (Path file : evalFiles) {
      Optional<JsonNode> root = read(file);
      if (root.isEmpty()) {
        continue;
      }
      List<String> paths = new ArrayList<>();
      JsonNode stages = root.get().path("stages");
      for (Iterator<String> names = stages.fieldNames(); names.hasNext(); ) {
        String stage = names.next();
        numericLeaves(stages.get(stage).path("mean"), "stages." + stage + ".mean", paths);
      }
      numericLeaves(root.get().path("toy"), "toy", paths);
      return paths;
    }
    return List.of();
  }

  /** The figure at a dotted path of an eval.json, NaN when absent or not a number. */
  public static double figure(JsonNode root, String dottedPath) {
    JsonNode node = root;
    for (String part : dottedPath.split("\\.")) {
      node = node.path(part);
    }
    return node.isNumber() ? node.asDouble() : Double.NaN;
  }

  /** Reads a JSON file when it exists and parses. */
  public static Optional<JsonNode> read(Path json) {
    if (!Files.isRegularFile(json)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(json.toFile()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The figures of one run at the given paths (every one NaN when eval.json is missing). */
  public static Map<String, Double> figures(Path evalJson, List<String> paths) {
    Map<String, Double> figures = new LinkedHashMap<>();
    Optional<JsonNode> root = read(evalJson);
    for (String path : paths) {
      figures.put(path, root.map(r -> figure(r, path)).orElse(Double.NaN));
    }
    return figures;
  }

  /** Every RL stage's {@code minus_sft.mean} SC and BC difference of an eval.json. */
  public static List<Paired> paired(Path evalJson) {
    List<Paired> paired = new ArrayList<>();
    read(evalJson)
        .ifPresent(
            root ->
                root.path("stages")
                    .fields()
                    .forEachRemaining(
                        stage -> {
                          JsonNode mean = stage.getValue().path("minus_sft").path("mean");
                          for (String figure : List.of("sc", "bc")) {
                            JsonNode ci = mean.path(figure + "_ci");
                            if (mean.path(figure).isNumber() && ci.size() == 2) {
                              paired.add(
                                  new Paired(
                                      stage.getKey(),
                                      figure,
                                      mean.path(figure).asDouble(),
                                      ci.get(0).asDouble(),
                                      ci.get(1).asDouble()));
                            }
                          }
                        }));
    return paired;
  }

  /**
   * The stages a run took from a stage store, from {@code RUN_DIR/stage_reuse.json} ({@code
   * {"stages": [{"stage": .., "key": .., "reused": true|false, "from": ..}]}}); empty when absent.
   */
  public static List<String> reusedStages(Path runDir) {
    List<String> reused = new ArrayList<>();
    read(runDir.resolve(STAGE_REUSE_FILE))
        .ifPresent(
            root ->
                root.path("stages")
                    .forEach(
                        s -> {
                          if (s.path("reused").asBoolean(false)) {
                            reused.add(s.path("stage").asText());
                          }
                        }));
    return reused;
  }

  /** Writes results.csv and results.jsonl into {@code folder}, each atomically. */
  public static void write(Path folder, SweepSpec spec, List<String> paths, List<Row> rows) {
    AtomicFiles.writeString(folder.resolve(CSV_FILE), csv(spec, paths, rows));
    AtomicFiles.writeString(folder.resolve(JSONL_FILE), jsonl(spec, paths, rows));
  }

  static String csv(SweepSpec spec, List<String> paths, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("id", "status", "attempts", "seed"));
    header.addAll(spec.searchKeys());
    header.addAll(paths);
    header.addAll(List.of("run_dir", "reused_stages", "error"));
    out.append(String.join(",", header.stream().map(SweepResults::csvCell).toList())).append('\n');
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.point().id());
      cells.add(row.entry().status().name().toLowerCase(Locale.ROOT));
      cells.add(String.valueOf(row.entry().attempts()));
      cells.add(row.point().seed() == null ? "" : row.point().seed().toString());
      for (String key : spec.searchKeys()) {
        cells.add(row.point().settings().get(key));
      }
      for (String path : paths) {
        double value = row.figures().getOrDefault(path, Double.NaN);
        cells.add(Double.isNaN(value) ? "" : Double.toString(value));
      }
      cells.add(row.runDir().toString());
      cells.add(String.join(";", row.reusedStages()));
      cells.add(row.entry().error() == null ? "" : row.entry().error());
      out.append(String.join(",", cells.stream().map(SweepResults::csvCell).toList())).append('\n');
    }
    return out.toString();
  }

  static String jsonl(SweepSpec spec, List<String> paths, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    for (Row row : rows) {
      ObjectNode node = JSON.createObjectNode();
      node.put("id", row.point().id());
      node.put("status", row.entry().status().name().toLowerCase(Locale.ROOT));
      node.put("attempts", row.entry().attempts());
      if (row.point().seed() == null) {
        node.putNull("seed");
      } else {
        node.put("seed", row.point().seed());
      }
      ObjectNode parameters = node.putObject("parameters");
      spec.searchKeys().forEach(key -> parameters.put(key, row.point().settings().get(key)));
      ObjectNode figures = node.putObject("figures");
      for (String path : paths) {
        double value = row.figures().getOrDefault(path, Double.NaN);
        if (Double.isNaN(value)) {
          figures.putNull(path);
        } else {
          figures.put(path, value);
        }
      }
      var paired = node.putArray("minus_sft");
      for (Paired p : row.paired()) {
        paired
            .addObject()
            .put("stage", p.stage())
            .put("figure", p.figure())
            .put("difference", p.difference())
            .put("lo", p.lo())
            .put("hi", p.hi());
      }
      node.put("run_dir", row.runDir().toString());
      var reused = node.putArray("reused_stages");
      row.reusedStages().forEach(reused::add);
      node.put("error", row.entry().error());
      try {
        out.append(JSON.writeValueAsString(node)).append('\n');
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }

  private static String csvCell(String value) {
    return value.contains(",") || value.contains("\"") || value.contains("\n")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }

  private static void numericLeaves(JsonNode node, String prefix, List<String> into) {
    if (node.isNumber()) {
      into.add(prefix);
    } else if (node.isObject()) {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        numericLeaves(node.get(name), prefix + "." + name, into);
      }
    }
  }
}
