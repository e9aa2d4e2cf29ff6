package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.config.SftSchedule;
import dev.elmrlaif.algorithms.config.Stage2Parameters;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-stage ELM training: which parameters each stage moves, and a loss over target tokens only.
 */
class SftStageTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  private static TinyElmWorld.Pretrained world;

  @BeforeAll
  static void pretrainOnce() throws Exception {
    world = TinyElmWorld.pretrained(shared);
  }

  /** A run folder holding a copy of the pretrained LM, trained with {@code sft}. */
  private Path trainSft(String name, SftConfig sft) throws Exception {
    RunContext context = TinyElmWorld.contextWithLm(dir.resolve(name), world.config(), world.lm());
    Map<String, Object> record = new SftStage(TinyElmWorld.setup(world.data(), sft)).run(context);
    context.metrics().close();
    assertTrue(record.containsKey("movie"), record.toString());
    return RunArtifacts.sftModel(context.run(), "movie");
  }

  private static SftConfig sft(SftSchedule schedule, Stage2Parameters stage2) {
    SftConfig base = TinyElmWorld.sft();
    return SftConfig.defaults()
        .with(
            b ->
                b.schedule(schedule)
                    .models(List.of("movie"))
                    .stage1Steps(6)
                    .stage2Steps(6)
                    .stage1LearningRate(base.stage1LearningRate())
                    .stage2LearningRate(base.stage2LearningRate())
                    .stage2Trains(stage2)
                    .loraRank(base.loraRank())
                    .loraAlpha(base.loraAlpha())
                    .evalEvery(0)
                    .evalExamples(base.evalExamples())
                    .minLearningRateRatio(base.minLearningRateRatio()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void keepBestSavesTheStageTwoWeightsOfTheLowestHeldOutLoss() throws Exception {
    Path config = dir.resolve("keep-best.yaml");
    java.nio.file.Files.writeString(
        config,
        java.nio.file.Files.readString(world.config())
            .replace("trainer:\n", "trainer:\n  keep_best: true\n"));
    RunContext context = TinyElmWorld.contextWithLm(dir.resolve("best"), config, world.lm());
    assertTrue(context.config().trainer().keepBest());
    SftConfig sft =
        sft(SftSchedule.TWO_STAGE, Stage2Parameters.FULL)
            .with(b -> b.stage2Steps(12).stage2LearningRate(0.05).evalEvery(2));
    Map<String, Object> record = new SftStage(TinyElmWorld.setup(world.data(), sft)).run(context);
    context.metrics().close();
    Map<String, Object> stage2 =
        (Map<String, Object>) ((Map<String, Object>) record.get("movie")).get("stage2");

    // the held-out losses the loop logged for stage 2, and the earliest lowest of them
    Map<Long, Double> losses = new java.util.TreeMap<>();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : java.nio.file.Files.readAllLines(context.run().metricsFile())) {
      com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
      if (node.has("held_out_loss") && line.contains("sft/movie/stage2")) {
        losses.put(node.get("step").asLong(), node.get("held_out_loss").asDouble());
      }
    }
    assertEquals(6, losses.size(), "an evaluation every 2 of 12 steps: " + losses);
    long best = -1;
    for (Map.Entry<Long, Double> e : losses.entrySet()) {
      if (best < 0 || e.getValue() < losses.get(best)) {
        best = e.getKey();
      }
    }
    assertEquals(best, ((Number) stage2.get("best_step")).longValue(), stage2.toString());
    assertEquals(losses.get(best), (Double) stage2.get("best_held_out_loss"), 1e-6);
    // (where the selected step lies is up to the data: KeepBestTest makes the loss rise)
    Map<String, Object> stage1 =
        (Map<String, Object>) ((Map<String, Object>) record.get("movie")).get("stage1");
    assertTrue(stage1.containsKey("best_step") && stage1.containsKey("best_held_out_loss"));
    // the sft model is the best weights kept beside the checkpoints, bit for bit
    Path bestModel =
        RunArtifacts.checkpoints(context.run(), "sft/movie/stage2")
            .resolve(BestWeights.FOLDER)
            .resolve(String.format("step-%08d", best))
            .resolve("model");
    try (Elm saved = load(RunArtifacts.sftModel(context.run(), "movie"));
        Elm kept = load(bestModel)) {
      for (Map.Entry<String, NDArray> p : kept.parameters().entrySet()) {
        assertArrayEquals(
            p.getValue().toFloatArray(),
            saved.parameters().get(p.getKey()).toFloatArray(),
            p.getKey());
      }
    }
  }

  @Test
  void stageOneMovesOnlyTheAdapterAndFullStageTwoMovesTheLm() throws Exception {
    Path stage1 = trainSft("stage1", sft(SftSchedule.STAGE1_ONLY, Stage2Parameters.FULL));
    Path both = trainSft("both", sft(SftSchedule.TWO_STAGE, Stage2Parameters.FULL));
    try (Elm lm = load(world.lm());
        Elm afterStage1 = load(stage1);
        Elm afterBoth = load(both)) {
      for (Map.Entry<String, NDArray> p : lm.parameters().entrySet()) {
        float[] original = p.getValue().toFloatArray();
        float[] one = afterStage1.parameters().get(p.getKey()).toFloatArray();
        if (p.getKey().equals("wte.weight")) {
          // the adapter's model starts from the LM; the tokenizer already had the placeholders, so
          // no rows grew
          assertEquals(original.length, one.length);
        }
        assertArrayEquals(original, one, p.getKey() + " is frozen in stage 1");
        assertFalse(
            Arrays.equals(original, afterBoth.parameters().get(p.getKey()).toFloatArray()),
            p.getKey() + " trains in stage 2");
      }
      assertTrue(
          afterStage1.parameters().keySet().stream()
              .anyMatch(n -> ParameterGroup.of(n) == ParameterGroup.ADAPTER));
    }
  }

  @Test
  void loraStageTwoLeavesEmbeddingsAndNormsAndMovesOnlyProjections() throws Exception {
    Path lora = trainSft("lora", sft(SftSchedule.TWO_STAGE, Stage2Parameters.LORA));
    try (Elm lm = load(world.lm());
        Elm merged = load(lora)) {
      assertEquals(null, merged.lora(), "the saved model has the LoRA merged in");
      for (Map.Entry<String, NDArray> p : lm.parameters().entrySet()) {
        String name = p.getKey();
        boolean projection =
            name.endsWith("c_attn.weight")
                || name.endsWith("c_proj.weight")
                || name.endsWith("c_fc.weight");
        boolean same =
            Arrays.equals(
                p.getValue().toFloatArray(), merged.parameters().get(name).toFloatArray());
        assertEquals(
            !projection,
            same,
            name + (projection ? " carries the merged LoRA update" : " is frozen"));
      }
    }
  }

  @Test
  void theLossAveragesTheLogProbsOfTargetTokensOnly() throws Exception {
    try (ElmTokenizer tokenizer =
            ElmTokenizer.load(world.lm().resolve(ElmCheckpoint.TOKENIZER_FILE));
        Elm lm = load(world.lm())) {
      List<Integer> placeholders = new ArrayList<>();
      for (long id : tokenizer.placeholderIds()) {
        placeholders.add((int) id);
      }
      try (Elm elm =
          lm.withNewAdapter(
              new dev.elmrlaif.policy.model.AdapterConfig(6, 16, 0.02),
              placeholders,
              tokenizer.vocabSize(),
              3)) {
        ElmExamples encoder =
            new ElmExamples(
                world.data().tasks(),
                world.data().domain(),
                tokenizer,
                64,
                elm.config().endTokenId());
        List<ElmExamples.Encoded> batch =
            List.of(
                encoder.encode(world.data().trainExamples().get("summary").get(0)),
                encoder.encode(world.data().trainExamples().get("summary").get(5)));
        try (NDManager scope = elm.manager().newSubManager()) {
          double loss =
              SftStage.TargetLossObjective.targetLoss(elm, scope, batch).loss().getFloat();
          // By hand: score prompt-tail + target as one continuation after the prefix that holds the
          // placeholder, and keep only the last target.length log-probs of each row.
          double sum = 0;
          int count = 0;
          for (ElmExamples.Encoded example : batch) {
            int[] prompt = example.prompt().tokenIds();
            int cut = 0;
            while (!tokenizer.isPlaceholder(prompt[cut])) {
              cut++;
            }
            int[] prefix = Arrays.copyOf(prompt, cut + 1);
            int[] rest = new int[prompt.length - cut - 1 + example.target().length];
            System.arraycopy(prompt, cut + 1, rest, 0, prompt.length - cut - 1);
            System.arraycopy(
                example.target(), 0, rest, prompt.length - cut - 1, example.target().length);
            ContinuationLogProbs all =
                elm.continuationLogProbs(
                    scope,
                    List.of(new ElmPrompt(prefix, example.prompt().entities())),
                    List.of(rest),
                    false);
            float[] row = all.tokenLogProbs().toFloatArray();
            for (int t = rest.length - example.target().length; t < rest.length; t++) {
              sum += row[t];
              count++;
            }
          }
          assertEquals(-sum / count, loss, 1e-5);
        }
      }
    }
  }

  private Elm load(Path folder) {
    return ElmCheckpoint.load(folder, ai.djl.Device.cpu(), DataType.FLOAT32);
  }
}
