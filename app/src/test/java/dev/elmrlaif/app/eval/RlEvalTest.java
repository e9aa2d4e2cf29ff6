package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.math.LogProbs;
import dev.elmrlaif.algorithms.train.RunArtifacts;
import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.app.sweep.SweepSpec;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation of RL policies beside the supervised models: {@code rl_<algorithm>} stages in
 * eval.json with KL to the SFT model, entropy and distinct-2, the SFT-vs-RL table, baselines that
 * do not change; and the figures themselves checked against independent computations.
 */
class RlEvalTest {
  @TempDir Path dir;

  @Test
  void rlPoliciesAreEvaluatedBesideTheSupervisedModelsWithTheirKlToIt() throws Exception {
    SupervisedTinyRun trained = SupervisedTinyRun.train(dir);
    PreparedData data = trained.data();
    Path runDir = trained.runDir();
    RunContext context = trained.context();
    Path sftMovie = RunArtifacts.sftModel(context.run(), "movie");
    // rl/sac: the supervised movie model unchanged; rl/reinforce: the movie model moved away from
    // it.
    copyModel(sftMovie, runDir.resolve("rl/sac/movie/model"), 0);
    copyModel(sftMovie, runDir.resolve("rl/reinforce/movie/model"), 0.3);
    Files.createDirectories(
        runDir.resolve("rl/reinforce/toy/model")); // no task describes "toy": ignored
    Files.createDirectories(runDir.resolve("rl/soft_q/movie")); // no model.safetensors: ignored

    Map<String, Object> record = new EvalStage(trained.setup()).run(context);
    context.metrics().close();

    JsonNode eval = EvalReport.readJson(runDir);
    JsonNode stages = eval.get("stages");
    assertEquals(List.of("sft", "rl_reinforce", "rl_sac"), fieldNames(stages));
    // every number of the stage and baseline tables is a figure a sweep may ask for
    List<String> figures = new ArrayList<>();
    numberPaths("stages", stages, figures);
    numberPaths("baselines", eval.get("baselines"), figures);
    assertTrue(figures.contains("stages.rl_reinforce.minus_sft.mean.sc"), figures.toString());
    assertTrue(figures.contains("stages.rl_reinforce.mean.non_word_rate"), figures.toString());
    for (String figure : figures) {
      assertNull(SweepSpec.metricProblem(figure), figure);
    }
    JsonNode sftSummary = stages.get("sft").get("tasks").get("summary");
    assertEquals(0.0, sftSummary.get("kl").asDouble(), 1e-6, "the supervised model against itself");
    assertEquals(
        0.0, stages.get("sft").get("tasks").get("user_profile").get("kl").asDouble(), 1e-6);
    assertTrue(sftSummary.get("entropy").asDouble() > 0, sftSummary.toString());
    assertTrue(sftSummary.has("distinct_2"), sftSummary.toString());
    assertEquals(6, sftSummary.get("n").asInt());

    JsonNode sac = stages.get("rl_sac").get("tasks");
    assertEquals(
        List.of("summary", "pair"),
        fieldNames(sac),
        "only the kinds with an RL model: movie tasks");
    for (String task : List.of("summary", "pair")) {
      JsonNode same = stages.get("sft").get("tasks").get(task);
      assertEquals(
          same.get("sc").asDouble(),
          sac.get(task).get("sc").asDouble(),
          1e-9,
          "an identical model");
      assertEquals(0.0, sac.get(task).get("kl").asDouble(), 1e-6);
      assertEquals(same.get("entropy").asDouble(), sac.get(task).get("entropy").asDouble(), 1e-4);
      assertEquals(
          same.get("distinct_2").asDouble(), sac.get(task).get("distinct_2").asDouble(), 1e-12);
    }
    JsonNode moved = stages.get("rl_reinforce").get("tasks").get("summary");
    assertTrue(moved.get("kl").asDouble() > 1e-3, "a moved policy has a positive KL: " + moved);
    assertEquals(
        stages.get("rl_reinforce").get("mean").get("kl").asDouble(),
        record.get("rl_reinforce_mean_kl"));
    assertFalse(
        eval.get("baselines").get("ground_truth").get("tasks").get("summary").has("kl"),
        "baselines have consistency only");

    // The baselines are those of an evaluation of the supervised models alone.
    EvalReport sftOnly =
        new ConsistencyEvaluator(data, TinyElmWorld.eval(), context.config().seed() + 77)
            .evaluate(
                Map.of("movie", sftMovie, "user", RunArtifacts.sftModel(context.run(), "user")),
                context.compute().device());
    assertEquals(sftOnly.toJson().get("baselines"), eval.get("baselines"));
    assertEquals(sftOnly.toJson().get("stages").get("sft"), stages.get("sft"));

    String markdown = Files.readString(runDir.resolve(EvalReport.MARKDOWN_FILE));
    assertTrue(markdown.contains("## SFT vs RL"), markdown);
    assertTrue(
        markdown.contains(
            "| task | stage | SC | BC | RL − SFT (SC) | RL − SFT (BC) | RL − SFT (distinct-2) | KL"
                + " | entropy | words | distinct-2 | non-word rate |"),
        markdown);
    assertTrue(
        markdown.contains(
            "| summary | rl_sac | "
                + EvalReport.interval(
                    bootstrapOf(eval).mean(scOf(runDir, "rl_sac", "summary")), false)
                + " |  | +0.000 [+0.000, +0.000] |  | "
                // the same texts: +0.000 [+0.000, +0.000], empty where they hold no bigram
                + EvalReport.interval(
                    TextFigures.pairedDistinct2Difference(
                        textsOf(runDir, "rl_sac", "summary"),
                        textsOf(runDir, "sft", "summary"),
                        bootstrapOf(eval)),
                    true)
                + " | "),
        markdown);
    assertTrue(markdown.contains("| summary | rl_reinforce | "), markdown);
    assertTrue(markdown.contains("| user_profile | sft | "), markdown);
    assertFalse(sftOnly.toMarkdown().contains("SFT vs RL"), "no RL stage, no SFT-vs-RL table");
    List<String> samples = Files.readAllLines(runDir.resolve(EvalReport.SAMPLES_FILE));
    assertEquals(3 * 3 + 2 * 2 * 3, samples.size(), "three generations per stage and task");
    assertEquals(
        2 * 3,
        samples.stream().filter(line -> line.contains("\"stage\":\"rl_sac\"")).count(),
        "" + samples);

    // RL − SFT: a paired interval over the same held-out examples, per task and for the mean
    assertFalse(stages.get("sft").has("minus_sft"));
    JsonNode sacMinus = stages.get("rl_sac").get("minus_sft");
    assertEquals(
        List.of("summary", "pair"),
        fieldNames(sacMinus.get("tasks")),
        "the tasks both were evaluated on");
    for (JsonNode difference :
        List.of(
            sacMinus.get("tasks").get("summary"),
            sacMinus.get("tasks").get("pair"),
            sacMinus.get("mean"))) {
      assertEquals(0.0, difference.get("sc").asDouble(), 0.0, "an identical model: " + difference);
      assertEquals(
          0.0, difference.get("sc_ci").get(0).asDouble(), 0.0, "identical samples: [0, 0]");
      assertEquals(0.0, difference.get("sc_ci").get(1).asDouble(), 0.0);
      assertTrue(difference.get("bc").isNull(), "movie tasks have no BC");
    }
    for (String task : List.of("summary", "pair")) {
      // the same texts: a difference of exactly 0 [0, 0], or undefined (null) when the tiny
      // model's texts hold no bigram
      JsonNode difference = sacMinus.get("tasks").get(task);
      if (stages.get("sft").get("tasks").get(task).get("distinct_2").isNumber()) {
        assertEquals(0.0, difference.get("distinct_2").asDouble(), 0.0, task);
        assertEquals(0.0, difference.get("distinct_2_ci").get(0).asDouble(), 0.0);
        assertEquals(0.0, difference.get("distinct_2_ci").get(1).asDouble(), 0.0);
      } else {
        assertTrue(difference.get("distinct_2").isNull(), task + ": " + difference);
        assertTrue(difference.get("distinct_2_ci").isNull(), task + ": " + difference);
      }
    }
    assertFalse(sacMinus.get("mean").has("distinct_2"), "distinct-2 differs per task only");
    Bootstrap bootstrap = bootstrapOf(eval);
    List<double[]> reinforced = new ArrayList<>();
    List<double[]> reference = new ArrayList<>();
    for (String task : List.of("summary", "pair")) {
      double[] rl = scOf(runDir, "rl_reinforce", task);
      double[] sft = scOf(runDir, "sft", task);
      reinforced.add(rl);
      reference.add(sft);
      JsonNode difference = stages.get("rl_reinforce").get("minus_sft").get("tasks").get(task);
      assertEquals(
          stages.get("rl_reinforce").get("tasks").get(task).get("sc").asDouble()
              - stages.get("sft").get("tasks").get(task).get("sc").asDouble(),
          difference.get("sc").asDouble(),
          1e-12);
      EvalStageTest.assertInterval(bootstrap.pairedDifference(rl, sft), difference, "sc");
      EvalStageTest.assertIntervalOrNull(
          TextFigures.pairedDistinct2Difference(
              textsOf(runDir, "rl_reinforce", task), textsOf(runDir, "sft", task), bootstrap),
          difference,
          "distinct_2");
    }
    EvalStageTest.assertInterval(
        bootstrap.pairedDifferenceOfMeans(reinforced, reference),
        stages.get("rl_reinforce").get("minus_sft").get("mean"),
        "sc");
    List<JsonNode> generations =
        EvalStageTest.jsonLines(runDir.resolve(EvalReport.GENERATIONS_FILE));
    assertEquals(
        (6 + 3 + 3) + 2 * (6 + 3),
        generations.size(),
        "one line per held-out generation per stage");
    for (String stage : List.of("rl_reinforce", "rl_sac")) {
      assertEquals(
          6 + 3,
          generations.stream().filter(g -> g.get("stage").asText().equals(stage)).count(),
          stage);
    }
    for (JsonNode line : generations) {
      assertEquals(
          List.of("stage", "task", "entities", "prompt", "generated", "ground_truth", "sc", "bc"),
          fieldNames(line));
    }
  }

  @Test
  void klAndEntropyAreTheSumsOverTheGeneratedStepsOfTheExactPerTokenFigures() throws Exception {
    TinyElmWorld.Pretrained world = TinyElmWorld.pretrained(dir);
    try (Elm model = ElmCheckpoint.load(world.lm(), ai.djl.Device.cpu(), DataType.FLOAT32);
        Elm moved = ElmCheckpoint.load(world.lm(), ai.djl.Device.cpu(), DataType.FLOAT32)) {
      perturb(moved, 0.2);
      List<ElmPrompt> prompts = new ArrayList<>();
      for (int m = 0; m < 5; m++) {
        prompts.add(new ElmPrompt(new int[] {5, 6 + m, 7}, new float[0][]));
      }
      SampleResult sampled = Sampler.sample(model, prompts, SamplingConfig.greedy(9), 3);
      List<int[]> continuations = new ArrayList<>();
      for (int row = 0; row < sampled.rows(); row++) {
        continuations.add(sampled.continuation(row));
      }
      GenerationStats stats = GenerationStats.measure(model, moved, prompts, continuations, 2);
      GenerationStats itself = GenerationStats.measure(model, model, prompts, continuations, 3);
      try (NDManager scope = model.manager().newSubManager()) {
        ContinuationLogProbs p = model.continuationLogProbs(scope, prompts, continuations, true);
        ContinuationLogProbs q = moved.continuationLogProbs(scope, prompts, continuations, true);
        int vocabulary = (int) p.logSoftmax().getShape().get(2);
        double[] logp = p.logSoftmax().toType(DataType.FLOAT64, false).toDoubleArray();
        double[] logq = q.logSoftmax().toType(DataType.FLOAT64, false).toDoubleArray();
        int width = (int) p.logSoftmax().getShape().get(1);
        for (int row = 0; row < prompts.size(); row++) {
          double kl = 0;
          double entropy = 0;
          double sampledEntropy = 0;
          for (int t = 0; t < continuations.get(row).length; t++) {
            int from = (row * width + t) * vocabulary;
            double[] pt = Arrays.copyOfRange(logp, from, from + vocabulary);
            kl += KlDivergence.exact(pt, Arrays.copyOfRange(logq, from, from + vocabulary));
            entropy += LogProbs.entropy(pt);
            sampledEntropy += sampled.entropies()[row][t];
          }
          assertEquals(kl, stats.kl()[row], 1e-4 * Math.max(1, kl), "row " + row);
          assertEquals(entropy, stats.entropy()[row], 1e-4 * Math.max(1, entropy), "row " + row);
          assertEquals(
              sampledEntropy,
              stats.entropy()[row],
              1e-3 * Math.max(1, entropy),
              "the sampler's own entropies, row " + row);
          assertTrue(stats.kl()[row] > 0, "a moved model differs");
          assertEquals(0.0, itself.kl()[row], 1e-7, "a model against itself");
        }
      }
      assertNull(
          GenerationStats.measure(model, null, prompts, continuations, 4).kl(),
          "no supervised model, no KL");
    }
  }

  @Test
  void distinctTwoIsDistinctWordBigramsOverAllWordBigramsOfTheGenerations() {
    // bigrams: the cat, cat sat, sat on, on the, the cat | the cat, cat ran -> 5 distinct of 7
    assertEquals(
        5.0 / 7.0,
        TextFigures.distinctN(List.of("the cat sat on the cat", "The  cat ran"), 2),
        1e-12);
    // bigrams never cross from one generation to the next: "a b" + "b a" has 2 bigrams, both
    // distinct
    assertEquals(1.0, TextFigures.distinctN(List.of("a b", "b a"), 2), 1e-12);
    assertEquals(
        0.25, TextFigures.distinctN(List.of("go go go go go"), 2), 1e-12, "1 distinct of 4");
    assertTrue(
        Double.isNaN(TextFigures.distinctN(List.of("one", "", "  "), 2)), "no bigram at all");
    assertEquals(
        2.0 / 3.0,
        TextFigures.distinctN(List.of("x y x y"), 2),
        1e-12,
        "x y, y x of x y, y x, x y");
  }

  /**
   * The dotted path of every number under {@code node} (arrays, such as the intervals, are not
   * figures).
   */
  private static void numberPaths(String path, JsonNode node, List<String> into) {
    if (node.isNumber()) {
      into.add(path);
    } else if (node.isObject()) {
      node.properties()
          .forEach(field -> numberPaths(path + "." + field.getKey(), field.getValue(), into));
    }
  }

  /** The bootstrap eval.json says it used. */
  private static Bootstrap bootstrapOf(JsonNode eval) {
    JsonNode interval = eval.get("interval");
    return new Bootstrap(
        interval.get("resamples").asInt(),
        interval.get("confidence").asDouble(),
        interval.get("seed").asLong());
  }

  /**
   * The per-example SC of a stage's generations of a task, from generations.jsonl, in example
   * order.
   */
  private static double[] scOf(Path runDir, String stage, String task) throws java.io.IOException {
    return generationsOf(runDir, stage, task).stream()
        .mapToDouble(g -> g.get("sc").asDouble())
        .toArray();
  }

  /** The texts of a stage's generations of a task, from generations.jsonl, in example order. */
  private static List<String> textsOf(Path runDir, String stage, String task)
      throws java.io.IOException {
    return generationsOf(runDir, stage, task).stream()
        .map(g -> g.get("generated").asText())
        .toList();
  }

  private static List<JsonNode> generationsOf(Path runDir, String stage, String task)
      throws java.io.IOException {
    return EvalStageTest.jsonLines(runDir.resolve(EvalReport.GENERATIONS_FILE)).stream()
        .filter(g -> g.get("stage").asText().equals(stage) && g.get("task").asText().equals(task))
        .toList();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * Saves the model in {@code from} to {@code to}, its parameters moved by {@code noise} times a
   * fixed pattern.
   */
  private static void copyModel(Path from, Path to, double noise) throws Exception {
    try (Elm elm = ElmCheckpoint.load(from, ai.djl.Device.cpu(), DataType.FLOAT32)) {
      perturb(elm, noise);
      ElmCheckpoint.save(elm, to, from.resolve(ElmCheckpoint.TOKENIZER_FILE));
    }
  }

  /**
   * Adds {@code noise · sin(i)} to every element i of every parameter, in place ({@code
   * NDArray.set} on a parameter misled later gradient checks in the same JVM).
   */
  private static void perturb(Elm elm, double noise) {
    if (noise == 0) {
      return;
    }
    for (NDArray parameter : elm.parameters().values()) {
      float[] delta = new float[Math.toIntExact(parameter.size())];
      for (int i = 0; i < delta.length; i++) {
        delta[i] = (float) (noise * Math.sin(i + 1));
      }
      try (NDManager scope = elm.manager().newSubManager()) {
        parameter.addi(
            scope.create(delta, parameter.getShape()).toType(parameter.getDataType(), false));
      }
    }
  }
}
