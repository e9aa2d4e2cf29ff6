package dev.elmrlaif.rlaif.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.rlaif.UserInputException;
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
 * The evaluation's result and its two files in the run folder. {@code eval.json}, which scripts and
 * sweeps read:
 *
 * <pre>
 * {"split": "test",
 *  "stages":    {"sft": {"tasks": {"&lt;task&gt;": {"sc": x, "bc": y or null, "n": k,
 *                                          "kl": x, "entropy": x, "distinct_2": x}},
 *                        "mean": {"sc": x, "bc": y, "kl": x, "entropy": x, "distinct_2": x}},
 *                "rl_reinforce": same shape, "rl_sac": ..., "rl_soft_q": ...},
 *  "baselines": {"&lt;name&gt;": same shape as a stage, without kl, entropy and distinct_2}}
 * </pre>
 *
 * ({@link GenerationStats}: {@code kl} is the mean per-sequence exact KL of the stage's own
 * generations to the supervised model of the same kind, 0 for {@code sft} itself.) {@code eval.md}:
 * the same consistency figures as a table with one row per task (the paper's Table 2 layout) and
 * one column per stage and baseline, then, when RL stages were evaluated, an "SFT vs RL" table
 * (SC, BC, KL, entropy, distinct-2 per task and stage); and {@code eval-samples.jsonl}, a few
 * generations per stage and task beside the ground truth, for reading.
 *
 * @param split the split the examples come from ({@code test}: held-out entities)
 * @param stages tables of the trained models, by stage name
 * @param baselines tables of the baselines, by name
 * @param samples a few generations of the trained models
 */
public record EvalReport(
    String split, Map<String, EvalTable> stages, Map<String, EvalTable> baselines, List<Sample> samples) {
  public static final String JSON_FILE = "eval.json";
  public static final String MARKDOWN_FILE = "eval.md";
  public static final String SAMPLES_FILE = "eval-samples.jsonl";

  /** One generation: the stage, the task, the entity indices, the prompt, the model's text and the teacher's. */
  public record Sample(
      String stage, String task, List<Integer> entities, String prompt, String generated, String groundTruth) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public EvalReport {
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    baselines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
    samples = List.copyOf(samples);
  }

  /** The {@code eval.json} tree. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("split", split);
    ObjectNode stageNode = root.putObject("stages");
    stages.forEach((name, table) -> stageNode.set(name, tableJson(table)));
    ObjectNode baselineNode = root.putObject("baselines");
    baselines.forEach((name, table) -> baselineNode.set(name, tableJson(table)));
    return root;
  }

  private static ObjectNode tableJson(EvalTable table) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode tasks = node.putObject("tasks");
    table.tasks().forEach((task, score) -> {
      ObjectNode t = tasks.putObject(task);
      putNumber(t, "sc", score.sc());
      putNumber(t, "bc", score.bc());
      t.put("n", score.n());
      if (score.entropy() != null) {
        putNumber(t, "kl", score.kl());
        putNumber(t, "entropy", score.entropy());
        putNumber(t, "distinct_2", score.distinct2());
      }
    });
    ObjectNode mean = node.putObject("mean");
    putNumber(mean, "sc", table.meanSc());
    putNumber(mean, "bc", table.meanBc());
    if (table.meanEntropy() != null) {
      putNumber(mean, "kl", table.meanKl());
      putNumber(mean, "entropy", table.meanEntropy());
      putNumber(mean, "distinct_2", table.meanDistinct2());
    }
    return node;
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
    StringBuilder md = new StringBuilder("# Evaluation on held-out entities (split: " + split + ")\n\n");
    md.append("Semantic consistency (SC): cosine between the text encoder's vector of a text and the embedding it"
        + " describes (user tasks: the encoder's vector of the ground-truth profile). Behavioral consistency (BC):"
        + " Spearman correlation between the ranking of candidate movies by similarity to the text and the user's"
        + " ratings. Each cell is `SC` or `SC / BC`.\n\n");
    List<String> header = new ArrayList<>(List.of("task", "n"));
    header.addAll(columns.keySet());
    md.append("| ").append(String.join(" | ", header)).append(" |\n");
    md.append("|").append(" --- |".repeat(header.size())).append("\n");
    for (String task : tasks) {
      List<String> cells = new ArrayList<>(List.of(task, Integer.toString(countOf(columns, task))));
      for (EvalTable table : columns.values()) {
        EvalTable.TaskScore score = table.tasks().get(task);
        cells.add(score == null ? "" : cell(score.sc(), score.bc()));
      }
      md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    List<String> mean = new ArrayList<>(List.of("**mean**", ""));
    for (EvalTable table : columns.values()) {
      mean.add("**" + cell(table.meanSc(), table.meanBc()) + "**");
    }
    md.append("| ").append(String.join(" | ", mean)).append(" |\n");
    if (stages.keySet().stream().anyMatch(stage -> !stage.equals(ConsistencyEvaluator.SFT))) {
      md.append(sftVersusRl(tasks));
    }
    return md.toString();
  }

  /**
   * One row per task and stage: SC, BC, the per-sequence KL to the supervised model, the
   * per-sequence entropy and distinct-2 of the stage's own generations.
   */
  private String sftVersusRl(Set<String> tasks) {
    StringBuilder md = new StringBuilder("\n## SFT vs RL\n\n");
    md.append("KL: mean over generations of the exact per-sequence KL sum_t KL(pi(.|s_t) || pi_sft(.|s_t)) to the"
        + " supervised model of the same kind, on the stage's own greedy generations. Entropy: mean per-sequence"
        + " sum of the per-token entropies. Distinct-2: distinct word bigrams over all word bigrams of the task's"
        + " generations.\n\n");
    md.append("| task | stage | SC | BC | KL | entropy | distinct-2 |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (String task : tasks) {
      stages.forEach((stage, table) -> {
        EvalTable.TaskScore score = table.tasks().get(task);
        if (score != null) {
          md.append("| ").append(String.join(" | ", task, stage, number(score.sc()), number(score.bc()),
              number(score.kl()), number(score.entropy()), number(score.distinct2()))).append(" |\n");
        }
      });
    }
    stages.forEach((stage, table) -> md.append("| ").append(String.join(" | ", "**mean**", stage,
        number(table.meanSc()), number(table.meanBc()), number(table.meanKl()), number(table.meanEntropy()),
        number(table.meanDistinct2()))).append(" |\n"));
    return md.toString();
  }

  private static String number(Double value) {
    return value == null || !Double.isFinite(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static int countOf(Map<String, EvalTable> columns, String task) {
    return columns.values().stream().map(t -> t.tasks().get(task)).filter(s -> s != null)
        .mapToInt(EvalTable.TaskScore::n).max().orElse(0);
  }

  private static String cell(double sc, Double bc) {
    String text = String.format(Locale.ROOT, "%.3f", sc);
    return bc == null ? text : text + " / " + String.format(Locale.ROOT, "%.3f", bc);
  }

  /** Writes {@code eval.json}, {@code eval.md} and {@code eval-samples.jsonl} into {@code folder}, each atomically. */
  public void write(Path folder) {
    try {
      AtomicFiles.write(folder.resolve(JSON_FILE), JSON.writeValueAsBytes(toJson()));
      StringBuilder lines = new StringBuilder();
      ObjectMapper compact = new ObjectMapper().setPropertyNamingStrategy(
          com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
      for (Sample sample : samples) {
        lines.append(compact.writeValueAsString(sample)).append('\n');
      }
      AtomicFiles.writeString(folder.resolve(SAMPLES_FILE), lines.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evaluation files into " + folder, e);
    }
    AtomicFiles.writeString(folder.resolve(MARKDOWN_FILE), toMarkdown());
  }

  /** Reads the {@code eval.json} of a run folder (for scripts and tests). */
  public static JsonNode readJson(Path folder) {
    Path file = folder.resolve(JSON_FILE);
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserInputException(file + ", line " + e.getLocation().getLineNr() + ": not valid JSON ("
          + e.getOriginalMessage() + "); expected the eval stage's eval.json", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
