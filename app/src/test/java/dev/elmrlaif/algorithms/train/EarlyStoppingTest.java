package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.TrainerConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainer.patience}: on {@link KeepBestTest}'s world (a tiny LM memorises a token cycle
 * while its held-out copy has every eighth token corrupted, so the held-out loss falls, then rises)
 * the loop stops at the first evaluation that is the P-th in a row without a new lowest held-out
 * loss, computed by hand from the held-out losses of a run without early stopping; it ends with the
 * best weights; and a run killed before that step and resumed stops at the same step, as does a
 * call on a sub-stage that already stopped.
 */
class EarlyStoppingTest {
  private static final int STEPS = 60;
  private static final int EVAL_EVERY = 3;
  private static final int PATIENCE = 2;
  private static final int LENGTH = 16;

  @TempDir Path dir;
  private RunContext context;
  private Path tokenizer;
  private List<int[]> train;
  private List<int[]> heldOut;

  @BeforeEach
  void world() throws Exception {
    PreparedData data = TinyElmWorld.data(dir);
    context = TinyElmWorld.context(dir.resolve("run"), TinyElmWorld.writeConfig(dir));
    TinyElmWorld.writeTokenizer(context.run(), data);
    tokenizer = RunArtifacts.tokenizerFile(context.run());
    train = new ArrayList<>();
    heldOut = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (int s = 0; s < 8; s++) {
      int[] clean = new int[LENGTH];
      int[] corrupted = new int[LENGTH];
      for (int t = 0; t < LENGTH; t++) {
        clean[t] = 10 + (s + t) % 10;
        corrupted[t] = t % 8 == 7 ? 100 + random.nextInt(100) : clean[t];
      }
      train.add(clean);
      heldOut.add(corrupted);
    }
  }

  @Test
  void stopsAtThePatiencethEvaluationWithoutANewBestAndResumesToTheSameStep() {
    // 1. The reference: every held-out loss of the whole schedule, no early stopping.
    Recording full = new Recording(plan("full", 0, 0), -1);
    OptimizationLoop.run(plan("full", 0, 0), fresh(), full, context).model().close();
    // The rule by hand: track the lowest loss (strictly lower replaces it) and count the
    // evaluations since; stop at the evaluation where the count reaches P (not at the last step).
    long bestStep = -1;
    long expectedStop = -1;
    long expectedBest = -1;
    int stall = 0;
    for (Map.Entry<Long, Double> e : full.losses.entrySet()) {
      if (bestStep < 0 || e.getValue() < full.losses.get(bestStep)) {
        bestStep = e.getKey();
        stall = 0;
      } else if (++stall == PATIENCE && e.getKey() < STEPS) {
        expectedStop = e.getKey();
        expectedBest = bestStep;
        break;
      }
    }
    assertTrue(
        expectedStop > 2 * EVAL_EVERY && expectedStop < STEPS,
        "the premise: the loss falls, then stops improving; losses " + full.losses);

    // 2. With patience: the loop stops there, having run no later step, with the best weights.
    OptimizationLoop.Plan plan = plan("patient", PATIENCE, 0);
    Recording patient = new Recording(plan, -1);
    OptimizationLoop.Outcome outcome = OptimizationLoop.run(plan, fresh(), patient, context);
    try (Elm model = outcome.model()) {
      assertEquals(expectedStop, outcome.stoppedEarlyAtStep());
      assertEquals(expectedStop, patient.done, "no step after the early stop runs");
      assertEquals(expectedStop, outcome.stepsRun());
      assertEquals(expectedBest, outcome.bestStep());
      assertSameWeights(patient.snapshots.get(expectedBest), model);
    }
    assertEquals(
        expectedStop,
        TrainingCheckpoints.latest(plan.checkpointDir()).orElseThrow().state().step(),
        "the early stop leaves a checkpoint at its step");

    // 3. A second call on the stopped sub-stage runs nothing and returns the same choice.
    Recording again = new Recording(plan, -1);
    OptimizationLoop.Outcome reused = OptimizationLoop.run(plan, fresh(), again, context);
    try (Elm model = reused.model()) {
      assertEquals(0, reused.stepsRun());
      assertEquals(-1, again.done, "no step runs again");
      assertEquals(expectedStop, reused.stoppedEarlyAtStep());
      assertEquals(expectedBest, reused.bestStep());
      assertSameWeights(patient.snapshots.get(expectedBest), model);
    }

    // 4. Killed two steps before the stop, after a checkpoint (every evaluation), then resumed:
    // the same stop step and best step as the uninterrupted run.
    OptimizationLoop.Plan killed = plan("killed", PATIENCE, EVAL_EVERY);
    Recording crashing = new Recording(killed, expectedStop - 2);
    assertThrows(
        IllegalStateException.class,
        () -> OptimizationLoop.run(killed, fresh(), crashing, context));
    Recording resumedRecording = new Recording(killed, -1);
    OptimizationLoop.Outcome resumed =
        OptimizationLoop.run(killed, fresh(), resumedRecording, context);
    try (Elm model = resumed.model()) {
      assertTrue(resumed.resumedFromStep() > 0 && resumed.resumedFromStep() < expectedStop);
      assertEquals(expectedStop, resumed.stoppedEarlyAtStep());
      assertEquals(expectedStop, resumedRecording.done);
      assertEquals(expectedBest, resumed.bestStep());
    }
  }

  @Test
  void patienceNeedsKeepBest() {
    TrainerConfig trainer = TrainerConfig.defaults();
    assertEquals(0, trainer.patience(), "off by default");
    ConfigException e = assertThrows(ConfigException.class, () -> trainer.withPatience(3));
    assertTrue(e.getMessage().contains("patience") && e.getMessage().contains("keep_best"));
    assertEquals(3, trainer.withKeepBest(true).withPatience(3).patience());
  }

  /** The objective, remembering the held-out loss and the weights of every evaluation. */
  private final class Recording implements OptimizationLoop.Objective {
    final OptimizationLoop.Objective inner;
    final long crashAt;
    final Map<Long, Double> losses = new TreeMap<>();
    final Map<Long, Map<String, float[]>> snapshots = new TreeMap<>();
    long done = -1;

    Recording(OptimizationLoop.Plan plan, long crashAt) {
      this.inner = new PretrainStage.PackedLmObjective(train, heldOut, plan.order(), 100);
      this.crashAt = crashAt;
    }

    @Override
    public OptimizationLoop.BatchLoss loss(Elm elm, NDManager scope, long step) {
      if (step == crashAt) {
        throw new IllegalStateException("simulated crash at step " + step);
      }
      done = step + 1;
      return inner.loss(elm, scope, step);
    }

    @Override
    public double heldOutLoss(Elm elm) {
      double loss = inner.heldOutLoss(elm);
      losses.put(done, loss);
      Map<String, float[]> values = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> p : elm.parameters().entrySet()) {
        values.put(p.getKey(), p.getValue().toFloatArray());
      }
      snapshots.put(done, values);
      return loss;
    }
  }

  private OptimizationLoop.Plan plan(String name, int patience, int checkpointEvery) {
    TrainerConfig trainer = context.config().trainer();
    return new OptimizationLoop.Plan(
        "pretrain-" + name,
        STEPS,
        EnumSet.of(ParameterGroup.EMBEDDINGS, ParameterGroup.BODY),
        LearningRateSchedule.warmupCosine(0.01, 2, STEPS, 1.0),
        PretrainStage.adamW(trainer),
        0,
        checkpointEvery,
        10,
        EVAL_EVERY,
        new BatchOrder(train.size(), 4, 7),
        5,
        LENGTH,
        RunArtifacts.checkpoints(context.run(), "pretrain-" + name),
        tokenizer,
        true,
        patience);
  }

  private Supplier<Elm> fresh() {
    GptConfig gpt =
        GptConfig.builder()
            .vocabSize(300)
            .contextLength(LENGTH)
            .layers(1)
            .heads(2)
            .dModel(16)
            .build();
    return () ->
        Elm.initialize(
            ElmConfig.languageModel(gpt, 0, 0), context.compute().device(), DataType.FLOAT32, 5);
  }

  private static void assertSameWeights(Map<String, float[]> expected, Elm actual) {
    assertEquals(expected.keySet(), actual.parameters().keySet());
    for (Map.Entry<String, NDArray> p : actual.parameters().entrySet()) {
      assertArrayEquals(expected.get(p.getKey()), p.getValue().toFloatArray(), p.getKey());
    }
  }
}
