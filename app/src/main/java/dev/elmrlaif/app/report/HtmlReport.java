package dev.elmrlaif.app.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code report.html}: the page a researcher opens to decide whether to trust a run, built from the
 * run folder alone (so {@code rlaif report RUN_DIR} rebuilds it at any time). It shows what was run
 * (provenance, the resolved config), each stage's wall time, the per-task SC/BC table with its
 * bootstrap intervals ({@code eval.json}), SFT against each RL stage (the paired differences {@code
 * eval.json} holds), a plot of every metric {@code metrics.jsonl} logged at two or more steps,
 * grouped by the stage that logged it, the experiment curves ({@code experiments/*.json}) and, per
 * task, a few held-out generations side by side ({@code generations.jsonl}).
 *
 * <p>The plots are PNG files ({@link Charts}) in {@code RUN_DIR/report/}, beside the page, not
 * embedded as data: URIs: the page stays small and readable as text, each plot can be reused in a
 * paper or slide as it is, and a browser opens both offline. The page uses no JavaScript and loads
 * nothing from the network. A missing piece (no evaluation yet, no RL stage) is one sentence. The
 * images are written first and the page last, each atomically, so a run killed meanwhile leaves the
 * previous page (or none), never half of one.
 */
public final class HtmlReport {
  /** The page's file name in the run folder. */
  public static final String FILE = "report.html";

  /** The folder of the run folder that holds the page's PNG files. */
  public static final String IMAGE_FOLDER = "report";

  /** Held-out examples per task shown side by side. */
  static final int GENERATIONS_PER_TASK = 3;

  /** Most points drawn per metric curve (longer curves are thinned evenly, the last kept). */
  static final int MAX_POINTS = 2000;

  private static final Logger LOG = LogManager.getLogger(HtmlReport.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path runDir;
  private final HtmlPage page;

  /** The PNG files of the page, by file name, in the order they appear. */
  private final Map<String, byte[]> images = new LinkedHashMap<>();

  private HtmlReport(Path runDir, String title) {
    this.runDir = runDir;
    this.page = new HtmlPage(title);
  }

  /**
   * Builds the page of a run folder and writes it, with its images, into the folder; returns the
   * page's path. Images of an earlier build that the new page no longer shows are deleted.
   */
  public static Path write(Path runDir) throws IOException {
    // 1. Build everything in memory first: nothing is written if reading the folder fails.
    JsonNode config = readConfig(runDir);
    String name = config.path("name").asText("");
    HtmlReport report =
        new HtmlReport(
            runDir, "Run report: " + (name.isEmpty() ? runDir.getFileName().toString() : name));
    report.whatWasRun(config);
    report.stageTimes(config);
    JsonNode eval = report.readEval();
    report.evaluation(eval);
    report.sftVersusRl(eval);
    report.trainingCurves();
    report.experiments();
    report.generations();
    String html = report.page.render();

    // 2. The images, each atomically, then the page: a kill leaves the old page or the new one.
    Path folder = runDir.resolve(IMAGE_FOLDER);
    Files.createDirectories(folder);
    AtomicFiles.removeLeftovers(folder);
    for (Map.Entry<String, byte[]> image : report.images.entrySet()) {
      AtomicFiles.write(folder.resolve(image.getKey()), image.getValue());
    }
    Path file = runDir.resolve(FILE);
    AtomicFiles.writeString(file, html);

    // 3. Plots an earlier build drew that this page no longer shows.
    try (Stream<Path> old = Files.list(folder)) {
      for (Path png : old.filter(p -> p.toString().endsWith(".png")).toList()) {
        if (!report.images.containsKey(png.getFileName().toString())) {
          Files.deleteIfExists(png);
        }
      }
    }
    LOG.info("report: {} with {} plots in {}/", file, report.images.size(), IMAGE_FOLDER);
    return file;
  }

  /** The resolved {@code config.yaml} as a tree (empty when absent). */
  private static JsonNode readConfig(Path runDir) throws IOException {
    Path file = runDir.resolve(RunDirectory.CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      return JSON.createObjectNode();
    }
    JsonNode tree = new YAMLMapper().readTree(file.toFile());
    return tree == null ? JSON.createObjectNode() : tree;
  }

  // ---------------------------------------------------------------------------------------------
  // 1. What was run: provenance and the resolved config.

  private void whatWasRun(JsonNode config) throws IOException {
    page.heading(2, "What was run");
    Path provenance = runDir.resolve(RunDirectory.PROVENANCE_FILE);
    if (Files.isRegularFile(provenance)) {
      List<List<String>> rows = new ArrayList<>();
      flatten("", JSON.readTree(provenance.toFile()), rows);
      page.table(List.of("provenance", "value"), rows);
    } else {
      page.paragraph("No provenance.json in this folder.");
    }
    Path configFile = runDir.resolve(RunDirectory.CONFIG_FILE);
    if (Files.isRegularFile(configFile)) {
      page.details(
          "The resolved config (config.yaml; every key with its value and description)",
          Files.readString(configFile, StandardCharsets.UTF_8));
    } else {
      page.paragraph("No config.yaml in this folder.");
    }
  }

  /** One row per leaf of a JSON tree: dotted path, value (arrays of scalars joined by commas). */
  private static void flatten(String prefix, JsonNode node, List<List<String>> rows) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(
            prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(),
            rows);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
      rows.add(List.of(prefix, String.join(", ", items)));
    } else {
      rows.add(List.of(prefix, node.isNull() ? "—" : format(node)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Stage times, from the completion markers in stages/.

  private void stageTimes(JsonNode config) throws IOException {
    page.heading(2, "Stages");
    Set<String> configured = new LinkedHashSet<>();
    config.path("stages").forEach(stage -> configured.add(stage.asText()));
    List<List<String>> rows = new ArrayList<>();
    for (StageName stage : StageName.values()) {
      Path marker = runDir.resolve("stages").resolve(stage.key() + ".json");
      if (!Files.isRegularFile(marker)) {
        if (configured.contains(stage.key())) {
          rows.add(
              List.of(
                  stage.key(),
                  "",
                  stage == StageName.REPORT ? "running (writes this page)" : "not run (yet)"));
        }
        continue;
      }
      JsonNode record = JSON.readTree(marker.toFile());
      List<List<String>> fields = new ArrayList<>();
      flatten("", record, fields);
      List<String> outcome = new ArrayList<>();
      for (List<String> field : fields) {
        if (!List.of("stage", "seconds", "finished_at").contains(field.get(0))) {
          outcome.add(field.get(0) + " = " + field.get(1));
        }
      }
      rows.add(
          List.of(
              stage.key(),
              format(record.path("seconds")),
              outcome.isEmpty() ? "done" : String.join("; ", outcome)));
    }
    if (rows.isEmpty()) {
      page.paragraph("No stage has finished in this folder yet.");
    } else {
      page.table(List.of("stage", "seconds", "outcome"), rows);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. The evaluation: per task, SC and BC with their intervals, for every stage and baseline.

  /** {@code eval.json}, or null when the eval stage has not run. */
  private JsonNode readEval() throws IOException {
    Path file = runDir.resolve("eval.json");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      page.paragraph("eval.json could not be read: " + e.getOriginalMessage());
      return null;
    }
  }

  private void evaluation(JsonNode eval) {
    page.heading(2, "Evaluation on held-out entities");
    if (eval == null) {
      page.paragraph("No evaluation yet: the eval stage has not written eval.json.");
      return;
    }
    if (!eval.has("stages")) {
      // the synthetic CoMDP's evaluation: distances to the exact optimum, one row per figure
      List<List<String>> rows = new ArrayList<>();
      flatten("", eval, rows);
      page.paragraph("The evaluation's figures (eval.json):");
      page.table(List.of("figure", "value"), rows);
      return;
    }
    JsonNode interval = eval.path("interval");
    page.paragraph(
        "Each figure is the mean over the task's n held-out examples, then in brackets its "
            + percent(interval.path("confidence").asDouble(0.95))
            + " bootstrap percentile interval ("
            + interval.path("resamples").asText("?")
            + " resamples). SC: cosine of the text encoder's vector of a text to the embedding it"
            + " describes; BC: Spearman correlation of candidates ranked by similarity to the text"
            + " with the entity's interactions. eval.md has the same figures and the text"
            + " figures.");
    if (eval.hasNonNull("decoding")) {
      page.paragraph("Decoding of every model's texts: " + eval.path("decoding").asText() + ".");
    }
    Map<String, JsonNode> columns = new LinkedHashMap<>();
    eval.path("stages").fields().forEachRemaining(f -> columns.put(f.getKey(), f.getValue()));
    eval.path("baselines")
        .fields()
        .forEachRemaining(f -> columns.put("baseline: " + f.getKey(), f.getValue()));
    Set<String> tasks = new LinkedHashSet<>();
    columns
        .values()
        .forEach(table -> table.path("tasks").fieldNames().forEachRemaining(tasks::add));
    for (String figure : List.of("sc", "bc")) {
      List<List<String>> rows = new ArrayList<>();
      for (String task : tasks) {
        List<String> row = new ArrayList<>(List.of(task));
        boolean any = false;
        int n = 0;
        for (JsonNode table : columns.values()) {
          JsonNode score = table.path("tasks").path(task);
          n = Math.max(n, score.path("n").asInt(0));
          String cell = interval(score, figure, false);
          any |= !cell.isEmpty();
          row.add(cell);
        }
        row.add(1, Integer.toString(n));
        if (any) {
          rows.add(row);
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      List<String> mean = new ArrayList<>(List.of("mean", ""));
      columns.values().forEach(table -> mean.add(interval(table.path("mean"), figure, false)));
      rows.add(mean);
      List<String> header = new ArrayList<>(List.of("task", "n"));
      header.addAll(columns.keySet());
      page.heading(
          3, figure.equals("sc") ? "Semantic consistency (SC)" : "Behavioral consistency (BC)");
      page.table(header, rows);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 4. SFT against each RL stage: the paired differences of eval.json (EvalComparison).

  private void sftVersusRl(JsonNode eval) {
    page.heading(2, "SFT vs RL");
    if (eval == null || !eval.has("stages")) {
      page.paragraph("No comparison: there is no held-out evaluation of trained models yet.");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    eval.path("stages")
        .fields()
        .forEachRemaining(
            stage -> {
              JsonNode minus = stage.getValue().path("minus_sft");
              if (minus.isMissingNode()) {
                return;
              }
              minus
                  .path("tasks")
                  .fields()
                  .forEachRemaining(
                      task -> {
                        JsonNode own = stage.getValue().path("tasks").path(task.getKey());
                        rows.add(
                            List.of(
                                task.getKey(),
                                stage.getKey(),
                                interval(task.getValue(), "sc", true),
                                interval(task.getValue(), "bc", true),
                                interval(task.getValue(), "distinct_2", true),
                                format(own.path("kl")),
                                format(own.path("entropy")),
                                task.getValue().path("n").asText("")));
                      });
              JsonNode mean = stage.getValue().path("mean");
              rows.add(
                  List.of(
                      "mean",
                      stage.getKey(),
                      interval(minus.path("mean"), "sc", true),
                      interval(minus.path("mean"), "bc", true),
                      interval(minus.path("mean"), "distinct_2", true),
                      format(mean.path("kl")),
                      format(mean.path("entropy")),
                      ""));
            });
    if (rows.isEmpty()) {
      page.paragraph("No RL stage was evaluated, so there is nothing to compare with SFT.");
      return;
    }
    page.paragraph(
        "RL − SFT: the stage's mean minus the supervised model's on the same held-out examples,"
            + " with the paired bootstrap interval (an interval above 0 is a gain the held-out"
            + " sample supports; one containing 0 is not told from noise); for distinct-2, per task"
            + " only. KL: mean per-sequence"
            + " KL of the stage's own generations to the supervised model; entropy: mean"
            + " per-sequence entropy.");
    page.table(
        List.of(
            "task",
            "stage",
            "RL − SFT (SC)",
            "RL − SFT (BC)",
            "RL − SFT (distinct-2)",
            "KL",
            "entropy",
            "n"),
        rows);
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Training curves: every metric of metrics.jsonl over steps, grouped by the stage logging it.

  /** One metric's points in the order they were logged. */
  private record Curve(List<Double> steps, List<Double> values) {
    Curve() {
      this(new ArrayList<>(), new ArrayList<>());
    }
  }

  private void trainingCurves() throws IOException {
    page.heading(2, "Training curves");
    Map<String, Map<String, Curve>> byStage =
        readMetrics(runDir.resolve(RunDirectory.METRICS_FILE));
    if (byStage.isEmpty()) {
      page.paragraph("No metrics were logged (metrics.jsonl is absent or empty).");
      return;
    }
    page.paragraph(
        "Every metric logged at two or more steps, by the stage that logged it; a metric"
            + " logged once (a stage's wall time, an evaluation figure) is in the table under its"
            + " stage.");
    for (Map.Entry<String, Map<String, Curve>> stage : byStage.entrySet()) {
      page.heading(3, stage.getKey());
      List<List<String>> once = new ArrayList<>();
      for (Map.Entry<String, Curve> metric : stage.getValue().entrySet()) {
        Curve curve = metric.getValue();
        if (curve.values().size() < 2) {
          once.add(List.of(metric.getKey(), format(curve.values().get(0))));
          continue;
        }
        String title = stage.getKey() + ": " + metric.getKey();
        CurveFigure figure =
            new CurveFigure(
                "metric",
                title,
                "step",
                metric.getKey(),
                CurveFigure.Kind.LINE,
                List.of(thinned(metric.getKey(), curve)));
        page.figure(image("metric-" + stage.getKey() + "-" + metric.getKey(), figure), title);
      }
      if (!once.isEmpty()) {
        page.table(List.of("metric logged once", "value"), once);
      }
    }
  }

  /**
   * The numeric fields of {@code metrics.jsonl} by stage and metric, in order of first appearance;
   * an unreadable line (a run killed while writing it) is skipped.
   */
  private static Map<String, Map<String, Curve>> readMetrics(Path file) throws IOException {
    Map<String, Map<String, Curve>> byStage = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return byStage;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          LOG.warn("report: skipping an unreadable line of {}: {}", file, e.getOriginalMessage());
          continue;
        }
        double step = node.path("step").asDouble(0);
        Map<String, Curve> metrics =
            byStage.computeIfAbsent(node.path("stage").asText("?"), k -> new LinkedHashMap<>());
        node.fields()
            .forEachRemaining(
                field -> {
                  String key = field.getKey();
                  if (field.getValue().isNumber()
                      && !key.equals("step")
                      && !key.equals("time")
                      && !key.equals("stage")) {
                    Curve curve = metrics.computeIfAbsent(key, k -> new Curve());
                    curve.steps().add(step);
                    curve.values().add(field.getValue().asDouble());
                  }
                });
      }
    }
    byStage.values().removeIf(Map::isEmpty);
    return byStage;
  }

  /** At most {@link #MAX_POINTS} evenly spaced points of the curve, its last point included. */
  private static CurveSeries thinned(String name, Curve curve) {
    int n = curve.values().size();
    int stride = (n + MAX_POINTS - 1) / MAX_POINTS;
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < n; i += stride) {
      keep.add(i);
    }
    if (keep.get(keep.size() - 1) != n - 1) {
      keep.add(n - 1);
    }
    double[] x = keep.stream().mapToDouble(i -> curve.steps().get(i)).toArray();
    double[] y = keep.stream().mapToDouble(i -> curve.values().get(i)).toArray();
    return CurveSeries.of(name, x, y);
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Experiments: every experiments/<name>.json, drawn with Charts.

  private void experiments() {
    page.heading(2, "Experiments");
    List<ExperimentFigures> all;
    try {
      all = ExperimentFigures.readAll(runDir);
    } catch (IOException e) {
      page.paragraph(
          "The experiments' files (" + ExperimentFigures.FOLDER + "/) could not be read: " + e);
      return;
    }
    if (all.isEmpty()) {
      page.paragraph(
          "No experiment has been run on this folder ("
              + ExperimentFigures.FOLDER
              + "/ holds no file).");
      return;
    }
    for (ExperimentFigures experiment : all) {
      page.heading(3, experiment.experiment());
      if (!experiment.summary().isBlank()) {
        page.paragraph(experiment.summary());
      }
      for (CurveFigure figure : experiment.figures()) {
        page.figure(
            image("experiment-" + experiment.experiment() + "-" + figure.id(), figure),
            figure.title());
      }
      if (!experiment.samples().isEmpty()) {
        List<String> header = new ArrayList<>(experiment.samples().get(0).keySet());
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, String> sample : experiment.samples()) {
          rows.add(header.stream().map(column -> sample.getOrDefault(column, "")).toList());
        }
        page.table(header, rows);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Generations side by side: per task, the same held-out examples from every stage.

  private void generations() throws IOException {
    page.heading(2, "Generations side by side");
    Path all = runDir.resolve("generations.jsonl");
    Path samples = runDir.resolve("eval-samples.jsonl");
    Path file = Files.isRegularFile(all) ? all : samples;
    if (!Files.isRegularFile(file)) {
      page.paragraph(
          "No generations yet: the eval stage writes generations.jsonl (and eval-samples.jsonl).");
      return;
    }
    // task -> example (its entities and prompt) -> stage -> the stage's line
    Map<String, Map<String, Map<String, JsonNode>>> byTask = new LinkedHashMap<>();
    Map<String, JsonNode> firstLine = new LinkedHashMap<>();
    Set<String> stages = new LinkedHashSet<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = JSON.readTree(line);
        String task = node.path("task").asText();
        String example = node.path("entities").toString() + "\n" + node.path("prompt").asText();
        Map<String, Map<String, JsonNode>> examples =
            byTask.computeIfAbsent(task, k -> new LinkedHashMap<>());
        if (!examples.containsKey(example) && examples.size() >= GENERATIONS_PER_TASK) {
          continue;
        }
        examples.computeIfAbsent(example, k -> new LinkedHashMap<>());
        examples.get(example).put(node.path("stage").asText(), node);
        firstLine.putIfAbsent(task + "\n" + example, node);
        stages.add(node.path("stage").asText());
      }
    }
    page.paragraph(
        "The first "
            + GENERATIONS_PER_TASK
            + " held-out examples of each task (from "
            + file.getFileName()
            + "): the prompt, the teacher's ground truth and each stage's greedy text with its SC"
            + " (and BC).");
    for (Map.Entry<String, Map<String, Map<String, JsonNode>>> task : byTask.entrySet()) {
      page.heading(3, task.getKey());
      List<String> header = new ArrayList<>(List.of("entities", "prompt", "ground truth"));
      header.addAll(stages);
      List<List<String>> rows = new ArrayList<>();
      for (Map.Entry<String, Map<String, JsonNode>> example : task.getValue().entrySet()) {
        JsonNode first = firstLine.get(task.getKey() + "\n" + example.getKey());
        List<String> row = new ArrayList<>();
        row.add(entities(first.path("entities")));
        row.add(first.path("prompt").asText());
        row.add(first.path("ground_truth").asText());
        for (String stage : stages) {
          JsonNode line = example.getValue().get(stage);
          row.add(line == null ? "" : generated(line));
        }
        rows.add(row);
      }
      page.table(header, rows);
    }
  }

  /** The example's entities as people know them: names with ids, or bare indices. */
  private static String entities(JsonNode entities) {
    List<String> parts = new ArrayList<>();
    for (JsonNode entity : entities) {
      if (entity.isObject()) {
        String name = entity.path("name").asText("");
        String id = entity.path("kind").asText() + " " + entity.path("id").asText();
        parts.add(name.isEmpty() ? id : name + " (" + id + ")");
      } else {
        parts.add("#" + entity.asText());
      }
    }
    return String.join("; ", parts);
  }

  /** A generated text followed by its scores, e.g. {@code "... [SC 0.412, BC 0.130]"}. */
  private static String generated(JsonNode line) {
    List<String> scores = new ArrayList<>();
    if (line.path("sc").isNumber()) {
      scores.add("SC " + format(line.path("sc")));
    }
    if (line.path("bc").isNumber()) {
      scores.add("BC " + format(line.path("bc")));
    }
    String text = line.path("generated").asText();
    return scores.isEmpty() ? text : text + " [" + String.join(", ", scores) + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  /**
   * Draws a figure into the page's images under a file-name-safe, unique name; returns its path
   * relative to the page.
   */
  private String image(String stem, CurveFigure figure) {
    String safe = stem.replaceAll("[^A-Za-z0-9_.-]+", "_");
    String name = safe + ".png";
    for (int k = 2; images.containsKey(name); k++) {
      name = safe + "-" + k + ".png";
    }
    images.put(name, Charts.png(figure));
    return IMAGE_FOLDER + "/" + name;
  }

  /** {@code x.xxx [low, high]} from {@code node.key} and {@code node.key_ci}; empty when null. */
  private static String interval(JsonNode node, String key, boolean signed) {
    JsonNode value = node.path(key);
    if (!value.isNumber()) {
      return "";
    }
    String f = signed ? "%+.3f" : "%.3f";
    JsonNode ci = node.path(key + "_ci");
    if (ci.isArray() && ci.size() == 2) {
      return String.format(
          Locale.ROOT,
          f + " [" + f + ", " + f + "]",
          value.asDouble(),
          ci.get(0).asDouble(),
          ci.get(1).asDouble());
    }
    return String.format(Locale.ROOT, f, value.asDouble());
  }

  private static String format(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (node.isIntegralNumber()) {
      return node.asText();
    }
    if (node.isNumber()) {
      return format(node.asDouble());
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static String format(double value) {
    double magnitude = Math.abs(value);
    return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6)
        ? String.format(Locale.ROOT, "%.4g", value)
        : String.format(Locale.ROOT, "%.4f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static String percent(double confidence) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * confidence);
  }
}
