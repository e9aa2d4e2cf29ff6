package dev.elmrlaif.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The evaluation's result and its files in the run folder. {@code eval.json}, which scripts and
 * sweeps read:
 *
 * <pre>
 * {"split": "test", "decoding": "greedy (the most likely token at each step)",
 *  "interval": {"method": "bootstrap percentile (quantile definition R-7)", "confidence": 0.95,
 *               "resamples": 1000, "seed": s},
 *  "stages":    {"sft": {"tasks": {"&lt;task&gt;": {"sc": x, "sc_ci": [low, high], "bc": y or null,
 *                                          "bc_ci": [low, high] or null, "n": k, "words": x,
 *                                          "distinct_2": x, "distinct_2_ci": [low, high],
 *                                          "non_word_rate": x, "kl": x, "entropy": x}},
 *                        "mean": {the same figures but n and distinct_2_ci}},
 *                "rl_reinforce": {the same, and
 *                                 "minus_sft": {"tasks": {"&lt;task&gt;": {"sc": d, "sc_ci": [low, high],
 *                                                                  "bc": d or null, "bc_ci": ...,
 *                                                                  "distinct_2": d, "distinct_2_ci": ...,
 *                                                                  "n": k}},
 *                                               "mean": {"sc": d, "sc_ci": ..., "bc": d, "bc_ci": ...}}},
 *                "rl_sac": ..., "rl_soft_q": ...},
 *  "baselines": {"&lt;name&gt;": same shape as a stage, without kl, entropy and minus_sft}}
 * </pre>
 *
 * {@code *_ci} is the 95 % {@link Bootstrap} percentile interval over the held-out examples (for a
 * mean over tasks, each task's examples resampled independently; for distinct-2, shifted back by
 * the bootstrap bias, {@link TextFigures#distinct2Interval}); {@code minus_sft} is the stage's
 * {@link EvalComparison} with the supervised model, a paired interval over the same examples.
 * ({@link GenerationStats}: {@code kl} is the mean per-sequence exact KL of the stage's own
 * generations to the supervised model of the same kind, 0 for {@code sft} itself; {@link
 * TextFigures}: {@code words}, {@code distinct_2}, {@code non_word_rate}.) {@code eval.md}: the
 * same figures as tables with one row per task (the paper's Table 2 layout) and one column per
 * stage and baseline — SC, BC, then the text figures (distinct-2 with its interval) — then, when RL
 * stages were evaluated, an "SFT vs RL" table (SC, BC, RL − SFT of SC, BC and distinct-2, KL,
 * entropy, text figures per task and stage). {@code eval-samples.jsonl}: a few generations per
 * stage and task beside the ground truth, for reading. {@code generations.jsonl}: every held-out
 * generation of every stage, one JSON object a line ({@link Generation}).
 *
 * @param split the split the examples come from ({@code test}: held-out entities)
 * @param decoding how the models' texts were decoded ({@link HeldOutDecoding#describe})
 * @param stages tables of the trained models, by stage name
 * @param baselines tables of the baselines, by name
 * @param versusSft each stage but {@code sft} against the supervised model, by stage name
 * @param bootstrap how the intervals were computed
 * @param samples a few generations of the trained models
 * @param generations every generation of the trained models on the held-out examples
 */
public record EvalReport(
    String split,
    String decoding,
    Map<String, EvalTable> stages,
    Map<String, EvalTable> baselines,
    Map<String, EvalComparison> versusSft,
    Bootstrap bootstrap,
    List<Sample> samples,
    List<Generation> generations) {
  public static final String JSON_FILE = "eval.json";
  public static final String MARKDOWN_FILE = "eval.md";
  public static final String SAMPLES_FILE = "eval-samples.jsonl";
  public static final String GENERATIONS_FILE = "generations.jsonl";

  /**
   * One generation: the stage, the task, the entity indices, the prompt, the model's text and the
   * teacher's.
   */
  public record Sample(
      String stage,
      String task,
      List<Integer> entities,
      String prompt,
      String generated,
      String groundTruth) {}

  /**
   * An entity of a held-out example, as people know it: its kind, its index in the domain, its
   * external id (MovieLens: {@code movieId}, {@code userId}) and its display name (a movie's
   * title).
   */
  public record EntityRef(String kind, int index, long id, String name) {}

  /**
   * One held-out generation of a trained model: one line of {@code generations.jsonl}.
   *
   * @param stage {@code sft} or {@code rl_<algorithm>}
   * @param task the task's name
   * @param entities the example's entities, slot by slot
   * @param prompt the model-facing prompt (placeholders for the entities)
   * @param generated the model's text
   * @param groundTruth the teacher's text for the entities
   * @param sc the generation's semantic consistency
   * @param bc its behavioral consistency, or null when the task has none
   */
  public record Generation(
      String stage,
      String task,
      List<EntityRef> entities,
      String prompt,
      String generated,
      String groundTruth,
      double sc,
      Double bc) {
    public Generation {
      entities = List.copyOf(entities);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public EvalReport {
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    baselines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
    versusSft = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versusSft));
    samples = List.copyOf(samples);
    generations = List.copyOf(generations);
  }

  /** The {@code eval.json} tree. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("split", split);
    root.put("decoding", decoding);
    ObjectNode interval = root.putObject("interval");
    interval.put("method", "bootstrap percentile (quantile definition R-7) over held-out examples");
    interval.put("confidence", bootstrap.confidence());
    interval.put("resamples", bootstrap.resamples());
    interval.put("seed", bootstrap.seed());
    ObjectNode stageNode = root.putObject("stages");
    stages.forEach(
        (name, table) -> {
          ObjectNode node = tableJson(table);
          EvalComparison comparison = versusSft.get(name);
          if (comparison != null) {
            node.set("minus_sft", comparisonJson(comparison));
          }
          stageNode.set(name, node);
        });
    ObjectNode baselineNode = root.putObject("baselines");
    baselines.forEach((name, table) -> baselineNode.set(name, tableJson(table)));
    return root;
  }

  private static ObjectNode tableJson(EvalTable table) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode tasks = node.putObject("tasks");
    table
        .tasks()
        .forEach(
            (task, score) -> {
              ObjectNode t = tasks.putObject(task);
              putInterval(t, "sc", score.sc());
              putInterval(t, "bc", score.bc());
              t.put("n", score.n());
              if (score.text() != null) {
                putNumber(t, "words", score.text().words());
                putInterval(t, "distinct_2", score.distinct2());
                putNumber(t, "non_word_rate", score.text().nonWordRate());
              }
              if (score.entropy() != null) {
                putNumber(t, "kl", score.kl());
                putNumber(t, "entropy", score.entropy());
              }
            });
    ObjectNode mean = node.putObject("mean");
    putInterval(mean, "sc", table.meanSc());
    putInterval(mean, "bc", table.meanBc());
    putNumber(mean, "words", table.meanWords());
    putNumber(mean, "distinct_2", table.meanDistinct2());
    putNumber(mean, "non_word_rate", table.meanNonWordRate());
    if (table.meanEntropy() != null) {
      putNumber(mean, "kl", table.meanKl());
      putNumber(mean, "entropy", table.meanEntropy());
    }
    return node;
  }

  private static ObjectNode comparisonJson(EvalComparison comparison) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode tasks = node.putObject("tasks");
    comparison
        .tasks()
        .forEach(
            (task, difference) -> {
              ObjectNode t = tasks.putObject(task);
              putInterval(t, "sc", difference.sc());
              putInterval(t, "bc", difference.bc());
              putInterval(t, "distinct_2", difference.distinct2());
              t.put("n", difference.n());
            });
    ObjectNode mean = node.putObject("mean");
    putInterval(mean, "sc", comparison.meanSc());
    putInterval(mean, "bc", comparison.meanBc());
    return node;
  }

  /**
   * {@code key}: the estimate, {@code key_ci}: {@code [low, high]}; both null for a null interval.
   */
  private static void putInterval(ObjectNode node, String key, Bootstrap.Interval interval) {
    if (interval == null) {
      node.putNull(key);
      node.putNull(key + "_ci");
      return;
    }
    putNumber(node, key, interval.estimate());
    if (Double.isFinite(interval.low()) && Double.isFinite(interval.high())) {
      node.putArray(key + "_ci").add(interval.low()).add(interval.high());
    } else {
      node.putNull(key + "_ci");
    }
  }

  private static void putNumber(ObjectNode node, String key, Double value) {
    if (value == null || !Double.isFinite(value)) {
      node.putNull(key);
    } else {
      node.put(key, value);
    }
  }

  /** The {@code eval.md} text. */
  public String toMarkdown() {
    Map<String, EvalTable> columns = new LinkedHashMap<>(stages);
    baselines.forEach((name, table) -> columns.put("baseline: " + name, table));
    Set<String> tasks = new LinkedHashSet<>();
    columns.values().forEach(t -> tasks.addAll(t.tasks().keySet()));
    StringBuilder md =
        new StringBuilder("# Evaluation on held-out entities (split: " + split + ")\n\n");
    md.append(
        "Semantic consistency (SC): cosine between the text encoder's vector of a text and the embedding it"
            + " describes (tasks about an interactions row, such as a MovieLens user: the encoder's vector of the"
            + " ground-truth text). Behavioral consistency (BC): Spearman correlation between the ranking of candidate"
            + " items (the interactions' columns, such as movies) by similarity to the text and the row's interactions"
            + " (such as the user's ratings). Each figure is the mean over the task's n held-out examples, then in brackets its "
            + percent(bootstrap.confidence())
            + " bootstrap percentile interval over those examples ("
            + String.format(Locale.ROOT, "%,d", bootstrap.resamples())
            + " resamples, seed "
            + bootstrap.seed()
            + "); the mean over tasks weighs each task the same and resamples each task's examples independently."
            + " Two figures whose intervals do not overlap differ beyond the noise of the held-out sample.\n\n");
    md.append("Decoding of every model's texts (and of the random-embedding baseline): ")
        .append(decoding)
        .append(".\n\n");
    md.append("## Semantic consistency (SC)\n\n");
    md.append(consistencyTable(columns, tasks, EvalTable.TaskScore::sc, EvalTable::meanSc));
    Set<String> bcTasks = new LinkedHashSet<>();
    for (String task : tasks) {
      if (columns.values().stream()
          .map(t -> t.tasks().get(task))
          .anyMatch(s -> s != null && s.bc() != null)) {
        bcTasks.add(task);
      }
    }
    if (!bcTasks.isEmpty()) {
      md.append("\n## Behavioral consistency (BC)\n\n");
      md.append(consistencyTable(columns, bcTasks, EvalTable.TaskScore::bc, EvalTable::meanBc));
    }
    md.append("\n## Text figures\n\n");
    md.append(
        "Each cell is `words / distinct-2 / non-word rate`: the mean length in words (runs of letters and"
            + " digits), distinct word bigrams over all word bigrams of the task's texts, and the share of the texts'"
            + " words that never occur in the training corpus (the training split's task targets and entity texts;"
            + " 0 by construction for the baselines that copy training texts). Distinct-2 has in brackets its "
            + percent(bootstrap.confidence())
            + " bootstrap interval over the examples, shifted back by the bootstrap's bias (a resample repeats"
            + " some texts, which lowers its distinct-2); the mean over tasks has none.\n\n");
    md.append(header(columns.keySet()));
    for (String task : tasks) {
      int n = countOf(columns, task);
      List<String> cells = new ArrayList<>(List.of(task, Integer.toString(n)));
      for (EvalTable table : columns.values()) {
        EvalTable.TaskScore score = table.tasks().get(task);
        cells.add(
            score == null || score.text() == null
                ? ""
                : number(score.text().words(), "%.1f")
                    + " / "
                    + interval(score.distinct2(), false)
                    + " / "
                    + number(score.text().nonWordRate())
                    + ownCount(score, n));
      }
      md.append(row(cells));
    }
    List<String> textMean = new ArrayList<>(List.of("**mean**", ""));
    for (EvalTable table : columns.values()) {
      textMean.add(
          "**"
              + number(table.meanWords(), "%.1f")
              + " / "
              + number(table.meanDistinct2())
              + " / "
              + number(table.meanNonWordRate())
              + "**");
    }
    md.append(row(textMean));
    if (stages.keySet().stream().anyMatch(stage -> !stage.equals(ConsistencyEvaluator.SFT))) {
      md.append(sftVersusRl(tasks));
    }
    md.append(sideBySide());
    return md.toString();
  }

  /** Held-out examples per task shown side by side in {@code eval.md}. */
  public static final int SIDE_BY_SIDE_PER_TASK = 3;

  /**
   * For the first {@link #SIDE_BY_SIDE_PER_TASK} held-out examples of each task: the entities by
   * name, then each stage's text with its SC (and BC), then the ground truth, so a reader sees what
   * the figures above mean.
   */
  private String sideBySide() {
    Map<String, Map<List<EntityRef>, List<Generation>>> byTask = new LinkedHashMap<>();
    for (Generation generation : generations) {
      Map<List<EntityRef>, List<Generation>> examples =
          byTask.computeIfAbsent(generation.task(), t -> new LinkedHashMap<>());
      if (examples.containsKey(generation.entities()) || examples.size() < SIDE_BY_SIDE_PER_TASK) {
        examples.computeIfAbsent(generation.entities(), e -> new ArrayList<>()).add(generation);
      }
    }
    if (byTask.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("\n## Generations side by side\n\n");
    md.append("The first ")
        .append(SIDE_BY_SIDE_PER_TASK)
        .append(" held-out examples of each task (every generation is in `")
        .append(GENERATIONS_FILE)
        .append("`).\n");
    byTask.forEach(
        (task, examples) -> {
          md.append("\n### ").append(task).append("\n");
          examples.forEach(
              (entities, stageTexts) -> {
                md.append("\n**")
                    .append(
                        String.join(
                            " + ",
                            entities.stream()
                                .map(e -> e.name() + " (" + e.kind() + " " + e.id() + ")")
                                .toList()))
                    .append("**: `")
                    .append(stageTexts.get(0).prompt())
                    .append("`\n\n");
                for (Generation generation : stageTexts) {
                  md.append("- ")
                      .append(generation.stage())
                      .append(" (SC ")
                      .append(String.format(Locale.ROOT, "%.3f", generation.sc()))
                      .append(
                          generation.bc() == null
                              ? ""
                              : String.format(Locale.ROOT, ", BC %.3f", generation.bc()))
                      .append("): ")
                      .append(oneLine(generation.generated()))
                      .append("\n");
                }
                md.append("- ground truth: ")
                    .append(oneLine(stageTexts.get(0).groundTruth()))
                    .append("\n");
              });
        });
    return md.toString();
  }

  private static String oneLine(String text) {
    return text.isBlank() ? "(empty)" : text.replaceAll("\\s+", " ").trim();
  }

  /** One row per task and a mean row; a column per source; cells {@code estimate [low, high]}. */
  private static String consistencyTable(
      Map<String, EvalTable> columns,
      Set<String> tasks,
      java.util.function.Function<EvalTable.TaskScore, Bootstrap.Interval> figure,
      java.util.function.Function<EvalTable, Bootstrap.Interval> mean) {
    StringBuilder md = new StringBuilder(header(columns.keySet()));
    for (String task : tasks) {
      int n = countOf(columns, task);
      List<String> cells = new ArrayList<>(List.of(task, Integer.toString(n)));
      for (EvalTable table : columns.values()) {
        EvalTable.TaskScore score = table.tasks().get(task);
        cells.add(score == null ? "" : interval(figure.apply(score), false) + ownCount(score, n));
      }
      md.append(row(cells));
    }
    List<String> means = new ArrayList<>(List.of("**mean**", ""));
    for (EvalTable table : columns.values()) {
      String cell = interval(mean.apply(table), false);
      means.add(cell.isEmpty() ? "" : "**" + cell + "**");
    }
    md.append(row(means));
    return md.toString();
  }

  private static String header(Set<String> columns) {
    List<String> header = new ArrayList<>(List.of("task", "n"));
    header.addAll(columns);
    return row(header) + "|" + " --- |".repeat(header.size()) + "\n";
  }

  private static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  /**
   * One row per task and stage: SC, BC, RL − SFT for both and for distinct-2 with the paired
   * interval, the per-sequence KL to the supervised model, the per-sequence entropy, and the text
   * figures of the stage's own generations.
   */
  private String sftVersusRl(Set<String> tasks) {
    StringBuilder md = new StringBuilder("\n## SFT vs RL\n\n");
    md.append(
        "RL − SFT: the stage's mean minus the supervised model's on the same held-out examples, with the "
            + percent(bootstrap.confidence())
            + " paired bootstrap interval (the same examples resampled for both,"
            + " so what an example does to both cancels). An interval above 0 is a gain the held-out sample supports,"
            + " one that contains 0 is not told from noise; it does not measure the spread between training seeds."
            + " KL: mean over generations of the exact per-sequence KL sum_t KL(pi(.|s_t) || pi_sft(.|s_t)) to the"
            + " supervised model of the same kind, on the stage's own generations. Entropy: mean per-sequence"
            + " sum of the per-token entropies. Words, distinct-2, non-word rate: as in the text figures above;"
            + " RL − SFT (distinct-2) per task only, its replicates the difference of the two corpus distinct-2"
            + " on the same resampled examples.\n\n");
    md.append(
        "| task | stage | SC | BC | RL − SFT (SC) | RL − SFT (BC) | RL − SFT (distinct-2) | KL | entropy"
            + " | words | distinct-2 | non-word rate |\n");
    md.append("|" + " --- |".repeat(12) + "\n");
    for (String task : tasks) {
      stages.forEach(
          (stage, table) -> {
            EvalTable.TaskScore score = table.tasks().get(task);
            if (score != null) {
              EvalComparison.Difference difference =
                  versusSft.containsKey(stage) ? versusSft.get(stage).tasks().get(task) : null;
              TextFigures text = score.text();
              md.append(
                  row(
                      List.of(
                          task,
                          stage,
                          interval(score.sc(), false),
                          interval(score.bc(), false),
                          difference == null ? "" : interval(difference.sc(), true),
                          difference == null ? "" : interval(difference.bc(), true),
                          difference == null ? "" : interval(difference.distinct2(), true),
                          number(score.kl()),
                          number(score.entropy()),
                          text == null ? "" : number(text.words(), "%.1f"),
                          interval(score.distinct2(), false),
                          text == null ? "" : number(text.nonWordRate()))));
            }
          });
    }
    stages.forEach(
        (stage, table) -> {
          EvalComparison comparison = versusSft.get(stage);
          md.append(
              row(
                  List.of(
                      "**mean**",
                      stage,
                      interval(table.meanSc(), false),
                      interval(table.meanBc(), false),
                      comparison == null ? "" : interval(comparison.meanSc(), true),
                      comparison == null ? "" : interval(comparison.meanBc(), true),
                      "",
                      number(table.meanKl()),
                      number(table.meanEntropy()),
                      number(table.meanWords(), "%.1f"),
                      number(table.meanDistinct2()),
                      number(table.meanNonWordRate()))));
        });
    return md.toString();
  }

  /**
   * {@code x.xxx [low, high]} (signed when {@code signed}), empty for a null or undefined figure.
   */
  static String interval(Bootstrap.Interval interval, boolean signed) {
    if (interval == null || !Double.isFinite(interval.estimate())) {
      return "";
    }
    String format = signed ? "%+.3f" : "%.3f";
    return String.format(
        Locale.ROOT,
        format + " [" + format + ", " + format + "]",
        interval.estimate(),
        interval.low(),
        interval.high());
  }

  private static String percent(double confidence) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * confidence);
  }

  private static String number(Double value) {
    return number(value, "%.3f");
  }

  private static String number(Double value, String format) {
    return value == null || !Double.isFinite(value)
        ? ""
        : String.format(Locale.ROOT, format, value);
  }

  /**
   * {@code " (n 50)"} for a cell over fewer examples than its row's {@code n} (the random-embedding
   * baseline under {@code eval.random_embedding_per_task}), else empty.
   */
  private static String ownCount(EvalTable.TaskScore score, int rowCount) {
    return score.n() < rowCount ? " (n " + score.n() + ")" : "";
  }

  private static int countOf(Map<String, EvalTable> columns, String task) {
    return columns.values().stream()
        .map(t -> t.tasks().get(task))
        .filter(s -> s != null)
        .mapToInt(EvalTable.TaskScore::n)
        .max()
        .orElse(0);
  }

  /**
   * Writes {@code eval.json}, {@code eval.md}, {@code eval-samples.jsonl} and {@code
   * generations.jsonl} into {@code folder}, each atomically.
   */
  public void write(Path folder) {
    try {
      AtomicFiles.write(folder.resolve(JSON_FILE), JSON.writeValueAsBytes(toJson()));
      ObjectMapper compact =
          new ObjectMapper()
              .setPropertyNamingStrategy(
                  com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
      StringBuilder lines = new StringBuilder();
      for (Sample sample : samples) {
        lines.append(compact.writeValueAsString(sample)).append('\n');
      }
      AtomicFiles.writeString(folder.resolve(SAMPLES_FILE), lines.toString());
      StringBuilder all = new StringBuilder();
      for (Generation generation : generations) {
        all.append(compact.writeValueAsString(generationJson(compact, generation))).append('\n');
      }
      AtomicFiles.writeString(folder.resolve(GENERATIONS_FILE), all.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evaluation files into " + folder, e);
    }
    AtomicFiles.writeString(folder.resolve(MARKDOWN_FILE), toMarkdown());
  }

  /** One line of {@code generations.jsonl}: non-finite scores become null (JSON has no NaN). */
  private static ObjectNode generationJson(ObjectMapper mapper, Generation generation) {
    ObjectNode node = mapper.createObjectNode();
    node.put("stage", generation.stage());
    node.put("task", generation.task());
    com.fasterxml.jackson.databind.node.ArrayNode entities = node.putArray("entities");
    for (EntityRef entity : generation.entities()) {
      entities
          .addObject()
          .put("kind", entity.kind())
          .put("index", entity.index())
          .put("id", entity.id())
          .put("name", entity.name());
    }
    node.put("prompt", generation.prompt());
    node.put("generated", generation.generated());
    node.put("ground_truth", generation.groundTruth());
    putNumber(node, "sc", generation.sc());
    putNumber(node, "bc", generation.bc());
    return node;
  }

  /** Reads the {@code eval.json} of a run folder (for scripts and tests). */
  public static JsonNode readJson(Path folder) {
    Path file = folder.resolve(JSON_FILE);
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserInputException(
          file
              + ", line "
              + e.getLocation().getLineNr()
              + ": not valid JSON ("
              + e.getOriginalMessage()
              + "); expected the eval stage's eval.json",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
