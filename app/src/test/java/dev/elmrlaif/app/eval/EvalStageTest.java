package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.train.RunArtifacts;
import dev.elmrlaif.algorithms.train.TinyElmWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eval stage on the tiny world: eval.json's shape, closed-form baselines, and the `rlaif eval`
 * command.
 */
class EvalStageTest {
  @TempDir Path dir;

  @Test
  void evaluatesMovieAndUserModelsBesideTheBaselinesAndTheCommandRewritesTheTables()
      throws Exception {
    SupervisedTinyRun trained = SupervisedTinyRun.train(dir);
    Path runDir = trained.runDir();
    RunContext context = trained.context();
    Map<String, Object> record = new EvalStage(trained.setup()).run(context);
    context.metrics().close();

    JsonNode eval = EvalReport.readJson(runDir);
    assertEquals("test", eval.get("split").asText());
    JsonNode sftTable = eval.get("stages").get("sft");
    assertEquals(6, sftTable.get("tasks").get("summary").get("n").asInt(), "every held-out movie");
    assertEquals(
        3, sftTable.get("tasks").get("user_profile").get("n").asInt(), "every held-out user");
    assertEquals(
        3,
        sftTable.get("tasks").get("pair").get("n").asInt(),
        "every held-out pair, two placeholders each");
    assertTrue(
        sftTable.get("tasks").get("summary").get("bc").isNull(),
        "no behavioral ground truth for movies");
    assertTrue(
        sftTable.get("tasks").get("user_profile").get("bc").isNumber(), "BC for the user task");
    assertTrue(sftTable.get("mean").get("sc").isNumber());
    for (String baseline :
        List.of(
            "random_train_text", "random_embedding", "nearest_neighbour_text", "ground_truth")) {
      assertTrue(eval.get("baselines").has(baseline), baseline);
    }
    // Closed forms: a movie's semantic embedding is E_txt of its one text, so the ground truth's SC
    // is cos(E_txt(y), E_txt(y)) = 1; the user task's SC target is E_txt of the ground truth
    // itself.
    JsonNode truth = eval.get("baselines").get("ground_truth").get("tasks");
    assertEquals(1.0, truth.get("summary").get("sc").asDouble(), 1e-5);
    assertEquals(1.0, truth.get("user_profile").get("sc").asDouble(), 1e-5);
    assertTrue(
        eval.get("baselines")
                .get("random_train_text")
                .get("tasks")
                .get("summary")
                .get("sc")
                .asDouble()
            < 0.99,
        "another movie's text is not this movie's");
    assertEquals(record.get("sft_mean_sc"), sftTable.get("mean").get("sc").asDouble());
    String markdown = Files.readString(runDir.resolve(EvalReport.MARKDOWN_FILE));
    assertTrue(markdown.contains("| summary | 6 |"), markdown);
    assertTrue(markdown.contains("baseline: ground_truth"), markdown);
    assertEquals("greedy (the most likely token at each step)", eval.get("decoding").asText());
    assertTrue(
        markdown.contains(
            "Decoding of every model's texts (and of the random-embedding baseline): greedy"),
        markdown);
    // eval.md shows the first held-out examples of each task side by side with the ground truth
    String sideBySide = markdown.substring(markdown.indexOf("## Generations side by side"));
    assertTrue(sideBySide.contains("### summary"), sideBySide);
    assertTrue(sideBySide.contains("### user_profile"), sideBySide);
    assertTrue(
        sideBySide.contains(
            "- ground truth: " + TinyElmWorld.movieText(0).replaceAll("\\s+", " ").trim()),
        sideBySide);
    assertEquals(
        3 + 3 + 3,
        sideBySide.lines().filter(l -> l.startsWith("- sft (SC ")).count(),
        "three examples of each of the three tasks, one stage");
    List<String> samples = Files.readAllLines(runDir.resolve(EvalReport.SAMPLES_FILE));
    assertEquals(3 * 3, samples.size(), "three generations for each of the three tasks");
    JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(samples.get(0));
    assertEquals(TinyElmWorld.movieText(0), first.get("ground_truth").asText());
    assertTrue(first.has("generated"));

    // Every SC and BC figure carries its bootstrap interval, which generations.jsonl reproduces.
    JsonNode interval = eval.get("interval");
    assertEquals(1000, interval.get("resamples").asInt());
    assertEquals(0.95, interval.get("confidence").asDouble(), 0.0);
    Bootstrap bootstrap = new Bootstrap(1000, 0.95, interval.get("seed").asLong());
    List<JsonNode> generations = jsonLines(runDir.resolve(EvalReport.GENERATIONS_FILE));
    assertEquals(
        6 + 3 + 3, generations.size(), "one line per held-out example of each task (sft only)");
    List<double[]> scByTask = new ArrayList<>();
    Map<String, List<String>> textsByTask = new java.util.HashMap<>();
    for (String task : List.of("summary", "pair", "user_profile")) {
      List<JsonNode> lines =
          generations.stream().filter(g -> g.get("task").asText().equals(task)).toList();
      JsonNode figures = sftTable.get("tasks").get(task);
      assertEquals(figures.get("n").asInt(), lines.size(), task);
      double[] sc = lines.stream().mapToDouble(g -> g.get("sc").asDouble()).toArray();
      scByTask.add(sc);
      assertInterval(bootstrap.mean(sc), figures, "sc");
      if (task.equals("user_profile")) {
        assertInterval(
            bootstrap.mean(lines.stream().mapToDouble(g -> g.get("bc").asDouble()).toArray()),
            figures,
            "bc");
      } else {
        assertTrue(lines.stream().allMatch(g -> g.get("bc").isNull()), task + ": no BC, null");
        assertTrue(figures.get("bc_ci").isNull(), task);
      }
      List<String> texts = lines.stream().map(g -> g.get("generated").asText()).toList();
      TextFigures text = TextFigures.of(texts, TrainingVocabulary.ofTrainingSplit(trained.data()));
      assertFigure(text.words(), figures.get("words"), task);
      assertFigure(text.nonWordRate(), figures.get("non_word_rate"), task);
      assertFigure(text.distinct2(), figures.get("distinct_2"), task);
      // distinct-2's interval: the texts of generations.jsonl resampled by the same bootstrap
      assertIntervalOrNull(TextFigures.distinct2Interval(texts, bootstrap), figures, "distinct_2");
      textsByTask.put(task, texts);
    }
    assertInterval(bootstrap.meanOfMeans(scByTask), sftTable.get("mean"), "sc");
    for (int m = 0;
        m < 6;
        m++) { // held-out movies 0-5 in their stored order, with their ids and names
      JsonNode line = generations.get(m);
      assertEquals("sft", line.get("stage").asText());
      assertEquals("summary", line.get("task").asText());
      JsonNode entity = line.get("entities").get(0);
      assertEquals("movie", entity.get("kind").asText());
      assertEquals(m, entity.get("index").asInt());
      assertEquals(trained.data().domain().entities("movie").id(m), entity.get("id").asLong());
      assertEquals("movie " + (m + 1), entity.get("name").asText());
      assertEquals("Describe <|entity_0|> :", line.get("prompt").asText());
      assertEquals(TinyElmWorld.movieText(m), line.get("ground_truth").asText());
      assertTrue(line.get("generated").isTextual());
    }
    JsonNode pairLine =
        generations.stream()
            .filter(g -> g.get("task").asText().equals("pair"))
            .findFirst()
            .orElseThrow();
    assertEquals(2, pairLine.get("entities").size(), "a two-movie example names both movies");
    assertEquals("movie 2", pairLine.get("entities").get(1).get("name").asText());
    for (String baseline :
        List.of(
            "random_train_text", "random_embedding", "nearest_neighbour_text", "ground_truth")) {
      JsonNode table = eval.get("baselines").get(baseline);
      for (String task : List.of("summary", "pair", "user_profile")) {
        JsonNode figures = table.get("tasks").get(task);
        double low = figures.get("sc_ci").get(0).asDouble();
        double high = figures.get("sc_ci").get(1).asDouble();
        assertTrue(
            low <= figures.get("sc").asDouble() + 1e-12
                && figures.get("sc").asDouble() <= high + 1e-12,
            baseline + " " + task + ": " + figures);
        // teacher texts always have words; the tiny model's own texts may have none (null,
        // undefined)
        assertTrue(
            baseline.equals("random_embedding")
                ? figures.has("non_word_rate")
                : figures.get("non_word_rate").isNumber(),
            baseline + " " + task);
      }
      assertTrue(table.get("mean").get("sc_ci").isArray(), baseline);
      assertTrue(table.get("mean").get("bc_ci").isArray(), baseline + ": user_profile has BC");
    }
    // texts copied from the training split have no unseen word; the ground truth's SC is 1 for
    // every movie
    for (String copied : List.of("random_train_text", "nearest_neighbour_text")) {
      assertEquals(
          0.0,
          eval.get("baselines")
              .get(copied)
              .get("tasks")
              .get("summary")
              .get("non_word_rate")
              .asDouble(),
          0.0,
          copied);
    }
    JsonNode truthSummary = truth.get("summary");
    assertEquals(
        1.0, truthSummary.get("sc_ci").get(0).asDouble(), 1e-5, "a constant sample: zero width");
    assertEquals(1.0, truthSummary.get("sc_ci").get(1).asDouble(), 1e-5);
    assertTrue(markdown.contains("## Semantic consistency (SC)"), markdown);
    assertTrue(markdown.contains("## Behavioral consistency (BC)"), markdown);
    assertTrue(markdown.contains("## Text figures"), markdown);
    assertTrue(
        markdown.contains(
            "| summary | 6 | "
                + EvalReport.interval(bootstrap.mean(scByTask.get(0)), false)
                + " |"),
        markdown);
    // the text figures' distinct-2 cell carries its interval; the mean over tasks has none
    assertTrue(
        markdown.contains(
            " / "
                + EvalReport.interval(
                    TextFigures.distinct2Interval(textsByTask.get("summary"), bootstrap), false)
                + " / "),
        markdown);
    assertFalse(sftTable.get("mean").has("distinct_2_ci"), sftTable.get("mean").toString());
    assertFalse(markdown.contains("SFT vs RL"), "no RL stage");
    assertTrue(record.get("generations").equals(12), record.toString());

    // rlaif eval RUN_DIR recomputes the same tables from the run folder alone
    Files.delete(runDir.resolve(EvalReport.JSON_FILE));
    StringWriter out = new StringWriter();
    picocli.CommandLine cli =
        dev.elmrlaif.app.cli.RlaifCommand.commandLine(
            new picocli.CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> cls) throws Exception {
                return picocli.CommandLine.defaultFactory().create(cls);
              }
            });
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("eval", runDir.toString()));
    assertTrue(out.toString().contains("| summary | 6 |"), out.toString());
    // the command uses the default eval section (more BC candidates); the SC of the texts is the
    // same
    assertEquals(
        truth.get("summary"),
        EvalReport.readJson(runDir)
            .get("baselines")
            .get("ground_truth")
            .get("tasks")
            .get("summary"));
  }

  /** {@code figures.<key>} is the interval's estimate and {@code figures.<key>_ci} its bounds. */
  static void assertInterval(Bootstrap.Interval expected, JsonNode figures, String key) {
    assertEquals(expected.estimate(), figures.get(key).asDouble(), 1e-12, key + " of " + figures);
    assertEquals(
        expected.low(),
        figures.get(key + "_ci").get(0).asDouble(),
        1e-12,
        key + "_ci of " + figures);
    assertEquals(
        expected.high(),
        figures.get(key + "_ci").get(1).asDouble(),
        1e-12,
        key + "_ci of " + figures);
    assertTrue(
        expected.low() <= expected.estimate() + 1e-12
            && expected.estimate() <= expected.high() + 1e-12);
  }

  /**
   * As {@link #assertInterval}, or {@code figures.<key>} and {@code figures.<key>_ci} null where
   * the figure is undefined (distinct-2 of the tiny model's texts, which may hold no bigram).
   */
  static void assertIntervalOrNull(Bootstrap.Interval expected, JsonNode figures, String key) {
    if (Double.isNaN(expected.estimate())) {
      assertTrue(figures.get(key).isNull(), key + " of " + figures);
      assertTrue(figures.get(key + "_ci").isNull(), key + "_ci of " + figures);
    } else {
      assertInterval(expected, figures, key);
    }
  }

  /** A figure of eval.json: the number, or null where it is undefined (NaN). */
  private static void assertFigure(double expected, JsonNode actual, String what) {
    if (Double.isNaN(expected)) {
      assertTrue(actual.isNull(), what + ": " + actual);
    } else {
      assertEquals(expected, actual.asDouble(), 1e-12, what);
    }
  }

  static List<JsonNode> jsonLines(Path file) throws java.io.IOException {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(json.readTree(line));
    }
    return lines;
  }

  @Test
  void evalOfAFolderThatIsNoRunExitsTwoNamingIt() {
    StringWriter err = new StringWriter();
    picocli.CommandLine cli =
        dev.elmrlaif.app.cli.RlaifCommand.commandLine(picocli.CommandLine.defaultFactory());
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("eval", dir.resolve("nothing").toString()));
    assertTrue(
        err.toString().contains("nothing: not a run folder (no config.yaml in it)"),
        err.toString());
  }

  /**
   * eval.random_embedding_per_task: the random-embedding baseline decodes the first k examples of
   * each task, exactly as an evaluation of k examples a task does, and nothing else changes.
   */
  @Test
  void theRandomEmbeddingBaselineDecodesOnlyTheFirstExamplesWhenAskedAndNothingElseMoves()
      throws Exception {
    SupervisedTinyRun trained = SupervisedTinyRun.train(dir);
    Map<String, Path> models =
        Map.of(
            "movie", RunArtifacts.sftModel(trained.context().run(), "movie"),
            "user", RunArtifacts.sftModel(trained.context().run(), "user"));
    long seed = trained.context().config().seed() + 77;
    EvalConfig everyExample = TinyElmWorld.eval().with(b -> b.batchSize(3));
    EvalReport full = evaluate(trained, everyExample, models, seed);
    EvalReport firstThree =
        evaluate(trained, everyExample.with(b -> b.randomEmbeddingPerTask(3)), models, seed);
    EvalReport threeEverywhere =
        evaluate(trained, everyExample.with(b -> b.maxPerTask(3)), models, seed);
    JsonNode subset = firstThree.toJson();
    JsonNode randomEmbedding = subset.get("baselines").get("random_embedding").get("tasks");
    assertEquals(3, randomEmbedding.get("summary").get("n").asInt(), "3 of the 6 held-out movies");
    assertEquals(
        threeEverywhere.toJson().get("baselines").get("random_embedding").get("tasks"),
        randomEmbedding,
        "the same texts as an evaluation of the first 3 examples a task");
    JsonNode every = full.toJson();
    assertEquals(
        6,
        every
            .get("baselines")
            .get("random_embedding")
            .get("tasks")
            .get("summary")
            .get("n")
            .asInt());
    assertEquals(every.get("stages"), subset.get("stages"));
    for (String baseline : List.of("random_train_text", "nearest_neighbour_text", "ground_truth")) {
      assertEquals(
          every.get("baselines").get(baseline), subset.get("baselines").get(baseline), baseline);
    }
    String markdown = firstThree.toMarkdown();
    String summaryRow =
        markdown.lines().filter(l -> l.startsWith("| summary | 6 |")).findFirst().orElseThrow();
    assertTrue(summaryRow.contains(" (n 3) |"), "the cell gives its own n: " + summaryRow);
    assertFalse(
        full.toMarkdown().contains("(n "), "no cell has its own n when every source has the row's");
  }

  private static EvalReport evaluate(
      SupervisedTinyRun trained, EvalConfig eval, Map<String, Path> models, long seed) {
    return new ConsistencyEvaluator(trained.data(), eval, seed)
        .evaluate(models, trained.context().compute().device());
  }
}
