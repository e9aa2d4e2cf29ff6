package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.run.RunDirectory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full-state resume of the rl stage: 2N steps equal N steps, a crash right after the checkpoint at
 * step N, a resume and N more steps — the final policy weights bit for bit and every step's
 * metrics, for REINFORCE (adaptive β, moving-average baseline, generator and AdamW moments all
 * restored), SAC (critics, target V, adaptive α, replay buffer) and soft-Q (critic, target, replay
 * buffer, both optimizers); and the same for REINFORCE after a child JVM at the default thread
 * count is killed with SIGKILL in the middle of training.
 */
class RlResumeTest {
  private static final String LABEL = "rl/reinforce/toy";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"reinforce", "sac", "soft_q", "reinforce with 3 clipped epochs"})
  void aCrashAfterACheckpointResumesToTheUninterruptedRun(String variant) throws Exception {
    String algorithm = variant.split(" ")[0];
    String label = "rl/" + algorithm + "/toy";
    Path config = ToyRuns.writeConfig(dir, algorithm, 8, 4);
    if (variant.contains(
        "epochs")) { // PPO-style reuse of each batch: still nothing to resume but AdamW's moments
      Files.writeString(
          config,
          Files.readString(config)
              .replace(
                  "  samples_per_context: 16\n",
                  "  samples_per_context: 16\n  epochs: 3\n  clip_ratio: 0.1\n"));
    }
    Path straight = dir.resolve("straight");
    RunContext first = ToyRuns.context(straight, config);
    new RlStage(data()).run(first);
    first.metrics().close();

    Path crashed = dir.resolve("crashed");
    RunContext beforeCrash = ToyRuns.context(crashed, config);
    RlStage crashing =
        new RlStage(
            data(),
            (training, step) -> {
              if (step == 4) {
                throw new IllegalStateException("simulated crash after step 4");
              }
            });
    assertThrows(IllegalStateException.class, () -> crashing.run(beforeCrash));
    beforeCrash.metrics().close();
    assertEquals(
        4,
        RlCheckpoints.latest(crashed.resolve("checkpoints/" + label)).orElseThrow().state().step());

    RunContext resumed = ToyRuns.context(crashed, config);
    Map<String, Object> record = new RlStage(data()).run(resumed);
    resumed.metrics().close();
    @SuppressWarnings("unchecked")
    Map<String, Object> training = (Map<String, Object>) record.get(label);
    assertEquals(4L, ((Number) training.get("resumed_from_step")).longValue());

    assertSameWeights(straight, crashed, label);
    List<Map<String, String>> expected = ToyRuns.metricSeries(straight, label);
    assertEquals(8, expected.size());
    assertEquals(
        variant.contains("epochs"),
        expected.get(0).containsKey("clip_fraction"),
        "clip_fraction logged");
    assertEquals(
        expected,
        ToyRuns.metricSeries(crashed, label),
        "every step's metrics, before and after the crash");
    if (!algorithm.equals("soft_q")) {
      assertTrue(
          !expected.get(7).get("beta").equals(expected.get(0).get("beta")),
          "the adaptive beta/alpha moved");
    }
  }

  /**
   * At the default settings ({@code threads: 0}, one intra-op thread per core) and wide enough (32
   * sequences x 6 tokens x width 256 = 49,152) that the token lookups' gradients take PyTorch's
   * multi-threaded path, where advanced indexing added with atomics and drifted (in thread order).
   */
  @Test
  @org.junit.jupiter.api.Tag("reliability")
  void aChildKilledInTheMiddleOfTrainingResumesToTheUninterruptedRun() throws Exception {
    Path config = ToyRuns.writeConfig(dir, "reinforce", 30, 5, "", 5, 256);
    Path straight = dir.resolve("straight");
    assertEquals(0, child(straight, config).waitFor(), "the uninterrupted run");
    assertTrue(
        Files.readString(childLog(straight))
            .contains("intra-op threads " + Runtime.getRuntime().availableProcessors() + "\n"),
        "one thread per core");

    Path killed = dir.resolve("killed");
    Process victim = child(killed, config);
    String killedAfter = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.contains(LABEL + ": checkpoint at step 10")) {
          victim.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
          killedAfter = line;
          break;
        }
      }
    }
    victim.waitFor();
    assertTrue(
        killedAfter != null, "the child wrote the checkpoint at step 10 before it was killed");
    assertTrue(
        !Files.exists(killed.resolve("rl/reinforce/toy/model/model.safetensors")),
        "the child did not finish");
    long checkpoint =
        RlCheckpoints.latest(killed.resolve("checkpoints/rl/reinforce/toy"))
            .orElseThrow()
            .state()
            .step();
    assertTrue(
        checkpoint >= 10 && checkpoint < 30, "killed in the middle, after step " + checkpoint);

    assertEquals(0, child(killed, config).waitFor(), "the resumed run");
    assertTrue(
        Files.readString(childLog(killed)).contains(LABEL + ": resuming at step " + checkpoint));
    assertSameWeights(straight, killed, LABEL);
    List<Map<String, String>> expected = ToyRuns.metricSeries(straight, LABEL);
    List<Map<String, String>> actual = ToyRuns.metricSeries(killed, LABEL);
    // the steps after the checkpoint, logged before the kill, were dropped on resume: each step
    // once
    assertEquals(expected, actual, "every step's metrics once, as in the uninterrupted run");
  }

  private static void assertSameWeights(Path expectedRun, Path actualRun, String label) {
    Map<String, float[]> expected = ToyRuns.weights(expectedRun.resolve(label).resolve("model"));
    Map<String, float[]> actual = ToyRuns.weights(actualRun.resolve(label).resolve("model"));
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach(
        (name, values) -> assertArrayEquals(values, actual.get(name), name + ", bit for bit"));
  }

  private static Function<RunContext, dev.elmrlaif.domain.data.PreparedData> data() {
    return context -> {
      throw new IllegalStateException("the synthetic environment reads no prepared data");
    };
  }

  /**
   * A child JVM running the rl stage in {@code runDir}, its output also appended to the child log
   * beside it (a new run folder must be empty). Started as a user would start a run: no thread
   * property and no OpenMP/MKL variable (the test JVM has OMP_NUM_THREADS=1), so the config's
   * {@code threads} decides.
   */
  private static Process child(Path runDir, Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                RlChild.class.getName(),
                runDir.toString(),
                config.toString())
            .redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("OMP_") || name.startsWith("MKL_"));
    return builder.start();
  }

  /** Where a child's output is copied: {@code <run folder>-child.log} beside the run folder. */
  private static Path childLog(Path runDir) {
    return runDir.resolveSibling(runDir.getFileName() + "-child.log");
  }

  /**
   * The child JVM: runs the rl stage of a config in a run folder, its log copied to the child log.
   */
  public static final class RlChild {
    public static void main(String[] args) throws Exception {
      Path runDir = Path.of(args[0]);
      java.io.PrintStream log =
          new java.io.PrintStream(
              Files.newOutputStream(
                  childLog(runDir),
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.APPEND),
              true,
              StandardCharsets.UTF_8);
      java.io.PrintStream both =
          new java.io.PrintStream(
              new java.io.OutputStream() {
                @Override
                public void write(int b) {
                  System.out.write(b);
                  log.write(b);
                }

                @Override
                public void flush() {
                  System.out.flush();
                  log.flush();
                }
              },
              true,
              StandardCharsets.UTF_8);
      System.setErr(both);
      // the engine loads as in a real run: the config's device and threads
      dev.elmrlaif.algorithms.config.RlaifConfig config =
          new dev.elmrlaif.app.config.ConfigLoader().load(Path.of(args[1]), List.of()).config();
      dev.elmrlaif.algorithms.run.ComputeEnvironment compute =
          dev.elmrlaif.algorithms.run.ComputeEnvironment.select(
              dev.elmrlaif.algorithms.config.DeviceSpec.parse(config.device()), config.threads());
      both.println("intra-op threads " + compute.intraOpThreads());
      RunContext context = ToyRuns.context(runDir, Path.of(args[1]));
      new RlStage(data()).run(context);
      context.metrics().close();
      both.println(
          "rl child done in " + runDir.getFileName() + " (" + RunDirectory.METRICS_FILE + ")");
    }
  }
}
