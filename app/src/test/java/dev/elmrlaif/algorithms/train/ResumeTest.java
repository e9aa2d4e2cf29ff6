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
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-state resume: an interrupted sub-stage, continued from its last checkpoint, ends with the
 * same weights, bit for bit, as an uninterrupted run: after an in-process crash at an epoch
 * boundary, and after a child JVM at the default thread count is killed (SIGKILL) in the middle of
 * ELM stage 2.
 */
class ResumeTest {
  /** The width of the model the child JVMs fine-tune. */
  private static final int WIDE = 512;

  @TempDir static Path shared;
  @TempDir Path dir;
  private static TinyElmWorld.Pretrained world;

  @BeforeAll
  static void pretrainOnce() throws Exception {
    world = TinyElmWorld.pretrained(shared);
  }

  @Test
  void aCrashAfterTheCheckpointAtAnEpochBoundaryResumesWithoutSkippingOrRepeatingSteps()
      throws Exception {
    RunContext context = TinyElmWorld.context(dir.resolve("run"), world.config());
    try (ElmTokenizer tokenizer =
        ElmTokenizer.load(world.lm().resolve(ElmCheckpoint.TOKENIZER_FILE))) {
      ElmExamples encoder =
          new ElmExamples(
              world.data().tasks(),
              world.data().domain(),
              tokenizer,
              64,
              (int) tokenizer.endId().getAsLong());
      List<ElmExamples.Encoded> train = new ArrayList<>();
      for (TaskExample example : world.data().trainExamples().get("summary").subList(0, 8)) {
        train.add(encoder.encode(example));
      }
      Supplier<Elm> fresh =
          () -> {
            try (Elm lm =
                ElmCheckpoint.load(world.lm(), context.compute().device(), DataType.FLOAT32)) {
              List<Integer> placeholders = new ArrayList<>();
              for (long id : tokenizer.placeholderIds()) {
                placeholders.add((int) id);
              }
              return lm.withNewAdapter(
                  new AdapterConfig(6, 16, 0.02), placeholders, tokenizer.vocabSize(), 9);
            }
          };
      // 8 examples, batch 4: an epoch is 2 steps; checkpoints every 4 steps fall on epoch
      // boundaries
      OptimizationLoop.Plan reference = plan("reference", context);
      List<Long> referenceSteps = new ArrayList<>();
      float[][] expected;
      try (Elm model =
          OptimizationLoop.run(
                  reference, fresh, recording(train, reference, referenceSteps, -1), context)
              .model()) {
        expected = values(model);
      }

      OptimizationLoop.Plan interrupted = plan("interrupted", context);
      List<Long> steps = new ArrayList<>();
      assertThrows(
          IllegalStateException.class,
          () ->
              OptimizationLoop.run(
                  interrupted, fresh, recording(train, interrupted, steps, 5), context));
      assertEquals(
          4, TrainingCheckpoints.latest(interrupted.checkpointDir()).orElseThrow().state().step());
      assertEquals(
          new BatchOrder.Cursor(2, 0),
          new BatchOrder.Cursor(
              TrainingCheckpoints.latest(interrupted.checkpointDir()).orElseThrow().state().epoch(),
              TrainingCheckpoints.latest(interrupted.checkpointDir())
                  .orElseThrow()
                  .state()
                  .offsetInEpoch()));
      steps.clear();
      OptimizationLoop.Outcome resumed =
          OptimizationLoop.run(
              interrupted, fresh, recording(train, interrupted, steps, -1), context);
      try (Elm model = resumed.model()) {
        assertEquals(4, resumed.resumedFromStep());
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), steps, "each remaining step once");
        // In this JVM the engine may split reductions over a varying number of threads (it follows
        // machine load), which changes the last bit of a sum; the child-JVM test below checks bit
        // equality in fresh JVMs. Here: equal to float32 rounding of 12 small updates.
        float[][] actual = values(model);
        for (int i = 0; i < expected.length; i++) {
          assertArrayEquals(expected[i], actual[i], 1e-5f, "parameter " + i);
        }
      }
      // a resume under a changed config is refused, naming the file and the key
      OptimizationLoop.Plan changed =
          new OptimizationLoop.Plan(
              "sft/interrupted",
              12,
              interrupted.trains(),
              interrupted.schedule(),
              interrupted.optimizer(),
              1.0,
              4,
              1,
              0,
              new BatchOrder(8, 2, 5),
              9,
              32,
              interrupted.checkpointDir(),
              interrupted.tokenizerJson(),
              false);
      UserInputException refused =
          assertThrows(
              UserInputException.class,
              () ->
                  OptimizationLoop.run(
                      changed, fresh, recording(train, changed, steps, -1), context));
      assertTrue(
          refused.getMessage().contains("state.json: key batch_size: found 4, expected 2"),
          refused.getMessage());
    }
    context.metrics().close();
  }

  @Test
  @org.junit.jupiter.api.Tag("reliability")
  void aStopRequestFinishesTheStepWritesACheckpointAndTheResumeTakesEachRemainingStepOnce()
      throws Exception {
    RunContext plain = TinyElmWorld.context(dir.resolve("run"), world.config());
    dev.elmrlaif.algorithms.run.StopRequest stop = new dev.elmrlaif.algorithms.run.StopRequest();
    RunContext context =
        new RunContext(
            plain.loaded(),
            plain.run(),
            plain.compute(),
            plain.metrics(),
            plain.progress(),
            plain.env(),
            stop);
    try (ElmTokenizer tokenizer =
        ElmTokenizer.load(world.lm().resolve(ElmCheckpoint.TOKENIZER_FILE))) {
      ElmExamples encoder =
          new ElmExamples(
              world.data().tasks(),
              world.data().domain(),
              tokenizer,
              64,
              (int) tokenizer.endId().getAsLong());
      List<ElmExamples.Encoded> train = new ArrayList<>();
      for (TaskExample example : world.data().trainExamples().get("summary").subList(0, 8)) {
        train.add(encoder.encode(example));
      }
      Supplier<Elm> fresh =
          () -> {
            try (Elm lm =
                ElmCheckpoint.load(world.lm(), context.compute().device(), DataType.FLOAT32)) {
              List<Integer> placeholders = new ArrayList<>();
              for (long id : tokenizer.placeholderIds()) {
                placeholders.add((int) id);
              }
              return lm.withNewAdapter(
                  new AdapterConfig(6, 16, 0.02), placeholders, tokenizer.vocabSize(), 9);
            }
          };
      OptimizationLoop.Plan plan = plan("stopped", context);
      List<Long> steps = new ArrayList<>();
      OptimizationLoop.Objective signalled =
          new OptimizationLoop.Objective() {
            private final OptimizationLoop.Objective loss = recording(train, plan, steps, -1);

            @Override
            public OptimizationLoop.BatchLoss loss(Elm elm, NDManager scope, long step) {
              if (step == 2) {
                stop.request("TERM"); // as SIGTERM would, in the middle of step 3
              }
              return loss.loss(elm, scope, step);
            }

            @Override
            public double heldOutLoss(Elm elm) {
              return Double.NaN;
            }
          };
      dev.elmrlaif.algorithms.run.RunStopped stopped =
          assertThrows(
              dev.elmrlaif.algorithms.run.RunStopped.class,
              () -> OptimizationLoop.run(plan, fresh, signalled, context));
      assertEquals(143, stopped.exitCode());
      assertEquals(List.of(0L, 1L, 2L), steps, "the step under way finished, no other started");
      TrainingCheckpoints.Saved saved =
          TrainingCheckpoints.latest(plan.checkpointDir()).orElseThrow();
      assertEquals(
          3, saved.state().step(), "a checkpoint at the step it stopped after (none was due)");
      assertEquals(saved.folder(), stopped.checkpoint());
      steps.clear();
      try (Elm model =
          OptimizationLoop.run(plan, fresh, recording(train, plan, steps, -1), plain).model()) {
        assertEquals(
            List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), steps, "each remaining step once");
      }
    }
    plain.metrics().close();
  }

  private OptimizationLoop.Plan plan(String name, RunContext context) {
    TrainerConfig trainer = context.config().trainer();
    return new OptimizationLoop.Plan(
        "sft/" + name,
        12,
        EnumSet.of(ParameterGroup.ADAPTER, ParameterGroup.BODY),
        LearningRateSchedule.warmupCosine(0.01, 2, 12, 0.1),
        PretrainStage.adamW(trainer),
        1.0,
        4,
        1,
        0,
        new BatchOrder(8, 4, 5),
        9,
        32,
        RunArtifacts.checkpoints(context.run(), "sft/" + name),
        world.lm().resolve(ElmCheckpoint.TOKENIZER_FILE),
        false);
  }

  /** The target loss, recording each step it is asked for and failing once at {@code crashAt}. */
  private static OptimizationLoop.Objective recording(
      List<ElmExamples.Encoded> train, OptimizationLoop.Plan plan, List<Long> steps, long crashAt) {
    OptimizationLoop.Objective loss =
        new SftStage.TargetLossObjective(train, List.of(), 4).forOrder(plan.order());
    return new OptimizationLoop.Objective() {
      @Override
      public OptimizationLoop.BatchLoss loss(Elm elm, NDManager scope, long step) {
        if (step == crashAt) {
          throw new IllegalStateException("simulated crash at step " + step);
        }
        steps.add(step);
        return loss.loss(elm, scope, step);
      }

      @Override
      public double heldOutLoss(Elm elm) {
        return Double.NaN;
      }
    };
  }

  private static float[][] values(Elm elm) {
    List<float[]> values = new ArrayList<>();
    for (NDArray p : elm.parameters().values()) {
      values.add(p.toFloatArray());
    }
    return values.toArray(new float[0][]);
  }

  /**
   * At the default settings ({@code threads: 0}, one intra-op thread per core), on a model of width
   * {@value #WIDE} so that the lookups' gradients (4 examples x their tokens x the width) reach the
   * 32,768 elements where PyTorch's CPU backward of advanced indexing added with atomics across
   * threads, in whatever order the threads came.
   */
  @Test
  @org.junit.jupiter.api.Tag("reliability")
  void aChildKilledInTheMiddleOfStageTwoResumesToTheWeightsOfAnUninterruptedRun() throws Exception {
    Path wideLm =
        TinyElmWorld.pretrainBriefly(
            dir.resolve("wide-base"), world.config(), world.data(), TinyElmWorld.model(WIDE));
    Path reference = copyOfBase("reference", wideLm);
    Path killed = copyOfBase("killed", wideLm);
    assertEquals(0, child(reference).waitFor(), "the uninterrupted run");
    assertTrue(
        Files.readString(reference.resolve("child.log"))
            .contains("intra-op threads " + Runtime.getRuntime().availableProcessors() + "\n"),
        "one thread per core");

    Process victim = child(killed);
    String killedAfter = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.contains("sft/movie/stage2: step 5/")) {
          victim.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
          killedAfter = line;
          break;
        }
      }
    }
    victim.waitFor();
    assertTrue(killedAfter != null, "the child reached stage 2 before it was killed");
    Path finalModel =
        RunArtifacts.sftModel(TinyElmWorld.context(killed, world.config()).run(), "movie");
    assertTrue(
        !Files.exists(finalModel.resolve(ElmCheckpoint.WEIGHTS_FILE)), "the child did not finish");
    long checkpointStep =
        TrainingCheckpoints.latest(killed.resolve("checkpoints/sft/movie/stage2"))
            .orElseThrow()
            .state()
            .step();
    assertTrue(
        checkpointStep >= 3 && checkpointStep < 12,
        "killed inside stage 2 after step " + checkpointStep);

    assertEquals(0, child(killed).waitFor(), "the resumed run");
    String log = Files.readString(killed.resolve("child.log"));
    assertTrue(log.contains("sft/movie/stage1: finished earlier"), "stage 1 is not run again");
    assertTrue(log.contains("sft/movie/stage2: resuming at step " + checkpointStep), log);

    try (Elm expected =
            ElmCheckpoint.load(
                RunArtifacts.sftModel(
                    TinyElmWorld.context(reference, world.config()).run(), "movie"),
                ai.djl.Device.cpu(),
                DataType.FLOAT32);
        Elm actual = ElmCheckpoint.load(finalModel, ai.djl.Device.cpu(), DataType.FLOAT32)) {
      for (Map.Entry<String, NDArray> p : expected.parameters().entrySet()) {
        assertArrayEquals(
            p.getValue().toFloatArray(),
            actual.parameters().get(p.getKey()).toFloatArray(),
            p.getKey() + " equals the uninterrupted run's, bit for bit");
      }
    }
  }

  /**
   * A child JVM running the sft stage in {@code runDir}, its output also appended to child.log
   * there. Started as a user would start a run: no thread property and no OpenMP/MKL variable (the
   * test JVM has OMP_NUM_THREADS=1), so the config's {@code threads} decides (the default 0: one
   * intra-op thread per core).
   */
  private Process child(Path runDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path store = shared.resolve("data-store");
    if (!new PreparedDataStore().isComplete(store)) {
      new PreparedDataStore().save(world.data(), "tiny", store);
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                SftChild.class.getName(),
                runDir.toString(),
                world.config().toString(),
                store.toString(),
                Integer.toString(WIDE))
            .redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("OMP_") || name.startsWith("MKL_"));
    return builder.start();
  }

  /** A run folder with the config and a pretrained LM. */
  private Path copyOfBase(String name, Path lm) throws Exception {
    Path runDir = dir.resolve(name);
    TinyElmWorld.contextWithLm(runDir, world.config(), lm).metrics().close();
    return runDir;
  }

  /**
   * The child JVM: runs the sft stage of the tiny world in a run folder, copying its output to
   * child.log.
   */
  public static final class SftChild {
    public static void main(String[] args) throws Exception {
      Path runDir = Path.of(args[0]);
      java.io.PrintStream log =
          new java.io.PrintStream(
              Files.newOutputStream(
                  runDir.resolve("child.log"),
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.APPEND),
              true,
              StandardCharsets.UTF_8);
      System.setErr(
          new java.io.PrintStream(new TeeStream(System.err, log), true, StandardCharsets.UTF_8));
      // the engine loads as in a real run: the config's device and threads
      dev.elmrlaif.algorithms.config.RlaifConfig config =
          new dev.elmrlaif.app.config.ConfigLoader().load(Path.of(args[1]), List.of()).config();
      dev.elmrlaif.algorithms.run.ComputeEnvironment compute =
          dev.elmrlaif.algorithms.run.ComputeEnvironment.select(
              dev.elmrlaif.algorithms.config.DeviceSpec.parse(config.device()), config.threads());
      System.err.println("intra-op threads " + compute.intraOpThreads());
      // every child reads the same saved data: embeddings fitted anew could differ in their last
      // bits
      PreparedData data = new PreparedDataStore().load(Path.of(args[2]));
      RunContext context = TinyElmWorld.context(runDir, Path.of(args[1]));
      new SftStage(
              TinyElmWorld.setup(
                  data, TinyElmWorld.sft(), TinyElmWorld.model(Integer.parseInt(args[3]))))
          .run(context);
      context.metrics().close();
    }
  }

  /** Writes to two streams. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      first.flush();
      second.flush();
    }
  }
}
