package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.TrainerConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
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
 * {@code trainer.keep_best}: a tiny LM memorises a deterministic token cycle at a high learning
 * rate while its held-out sequences are the same cycle with every eighth token corrupted, so the
 * held-out loss first falls (the cycle is learnt) and then rises (the model grows confident and the
 * corrupted tokens cost ever more). The loop must end with the weights of the evaluation with the
 * lowest held-out loss, bit for bit, also after a crash past that step and a resume.
 */
class KeepBestTest {
  private static final int STEPS = 60;
  private static final int EVAL_EVERY = 3;
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

  /** The objective, remembering the held-out loss and the weights of every evaluation. */
  private final class Recording implements OptimizationLoop.Objective {
    final OptimizationLoop.Objective inner;
    final long crashAt;
    final Map<Long, Double> losses = new TreeMap<>();
    final Map<Long, Map<String, float[]>> snapshots = new TreeMap<>();
    long done;

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
      snapshots.put(done, values(elm));
      return loss;
    }

    /** The evaluated step with the lowest loss, the earliest on a tie. */
    long argmin() {
      long best = -1;
      for (Map.Entry<Long, Double> e : losses.entrySet()) {
        if (best < 0 || e.getValue() < losses.get(best)) {
          best = e.getKey();
        }
      }
      return best;
    }
  }

  private OptimizationLoop.Plan plan(String name, boolean keepBest, int checkpointEvery) {
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
        keepBest);
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

  private static Map<String, float[]> values(Elm elm) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> p : elm.parameters().entrySet()) {
      values.put(p.getKey(), p.getValue().toFloatArray());
    }
    return values;
  }

  private static void assertSameWeights(Map<String, float[]> expected, Elm actual) {
    Map<String, float[]> found = values(actual);
    assertEquals(expected.keySet(), found.keySet());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), found.get(name), name); // bit for bit
    }
  }

  @Test
  void theWeightsOfTheLowestHeldOutLossAreRestoredAndRecorded() {
    OptimizationLoop.Plan plan = plan("best", true, 20);
    // best weights an earlier run left without a checkpoint (its config may have differed): a
    // fresh start must not inherit them, however low their loss
    try (Elm stale = fresh().get()) {
      BestWeights.save(plan.checkpointDir(), 1, -100.0, stale, tokenizer);
    }
    Recording recording = new Recording(plan, -1);
    OptimizationLoop.Outcome outcome = OptimizationLoop.run(plan, fresh(), recording, context);
    try (Elm model = outcome.model()) {
      long best = recording.argmin();
      double first = recording.losses.get((long) EVAL_EVERY);
      double last = recording.losses.get((long) STEPS);
      // the premise: the held-out loss falls, then rises again
      assertTrue(
          best > EVAL_EVERY && best < STEPS, "best step " + best + " of " + recording.losses);
      assertTrue(recording.losses.get(best) < first && recording.losses.get(best) < last);
      assertEquals(best, outcome.bestStep());
      assertEquals(recording.losses.get(best), outcome.bestHeldOutLoss());
      assertEquals(last, outcome.heldOutLoss(), "held_out_loss stays the last evaluation's");
      assertSameWeights(recording.snapshots.get(best), model);
      assertFalse(
          java.util.Arrays.equals(
              recording.snapshots.get(best).values().iterator().next(),
              recording.snapshots.get((long) STEPS).values().iterator().next()),
          "the last weights differ from the best");
      // a call on the finished sub-stage returns the best weights again
      OptimizationLoop.Outcome again = OptimizationLoop.run(plan, fresh(), recording, context);
      try (Elm reused = again.model()) {
        assertEquals(best, again.bestStep());
        assertSameWeights(recording.snapshots.get(best), reused);
      }
    }
    // without keep_best the last weights stay, as before
    OptimizationLoop.Plan last = plan("last", false, 20);
    Recording plain = new Recording(last, -1);
    OptimizationLoop.Outcome outcome2 = OptimizationLoop.run(last, fresh(), plain, context);
    try (Elm model = outcome2.model()) {
      assertEquals(-1, outcome2.bestStep());
      assertSameWeights(plain.snapshots.get((long) STEPS), model);
    }
  }

  @Test
  void aRunKilledAfterTheBestStepAndResumedEndsWithTheBestWeights() {
    OptimizationLoop.Plan probe = plan("probe", true, 0);
    Recording reference = new Recording(probe, -1);
    OptimizationLoop.run(probe, fresh(), reference, context).model().close();
    long best = reference.argmin();
    assertTrue(best < STEPS - EVAL_EVERY, "best step " + best + " of " + reference.losses);

    // checkpoints after every evaluation; the crash comes one evaluation after the best step, so
    // the resume starts from a checkpoint later than the best weights
    OptimizationLoop.Plan plan = plan("killed", true, EVAL_EVERY);
    long crashAt = best + EVAL_EVERY + 2;
    Recording interrupted = new Recording(plan, crashAt);
    assertThrows(
        IllegalStateException.class,
        () -> OptimizationLoop.run(plan, fresh(), interrupted, context));
    assertEquals(
        best + EVAL_EVERY,
        TrainingCheckpoints.latest(plan.checkpointDir()).orElseThrow().state().step());
    assertEquals(best, interrupted.argmin());
    Recording resumedRecording = new Recording(plan, -1);
    OptimizationLoop.Outcome resumed =
        OptimizationLoop.run(plan, fresh(), resumedRecording, context);
    try (Elm model = resumed.model()) {
      assertEquals(best + EVAL_EVERY, resumed.resumedFromStep());
      assertFalse(resumedRecording.losses.containsKey(best), "the best step is not run again");
      assertEquals(best, resumed.bestStep());
      assertEquals(interrupted.losses.get(best), resumed.bestHeldOutLoss());
      assertSameWeights(interrupted.snapshots.get(best), model);
      // and, to float32 rounding of a few updates (the engine's thread count may vary within a
      // JVM), the weights the uninterrupted run kept
      Map<String, float[]> found = values(model);
      for (Map.Entry<String, float[]> e : reference.snapshots.get(best).entrySet()) {
        assertArrayEquals(e.getValue(), found.get(e.getKey()), 1e-5f, e.getKey());
      }
    }
  }
}
