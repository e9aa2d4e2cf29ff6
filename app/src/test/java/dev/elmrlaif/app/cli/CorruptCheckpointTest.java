package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.rl.stage.ToyRuns;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.policy.io.FolderManifest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints and models are verified when read: a damaged file in the newest checkpoint makes
 * {@code --resume} fall back to the one before it; a damaged file in every checkpoint, a truncated
 * model under {@code eval}, a broken {@code trainer_state.json} are one line naming the file and
 * exit 2 (generate: GenerateCommandTest); checkpoints written before manifests existed still
 * resume.
 */
@Tag("reliability")
class CorruptCheckpointTest {
  private static final String LABEL = "rl/sac/toy";

  @TempDir static Path shared;
  @TempDir Path dir;
  private static Path finished;

  /** A finished toy SAC run with checkpoints at steps 2 and 4 (the model is written at step 6). */
  @BeforeAll
  static void trainOnce() throws IOException {
    Path config = shared.resolve("toy.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            ToyRuns.header("sac", 6, 2, "threads: 1", 2, 8),
            "sac:",
            "  samples_per_context: 8",
            "  max_new_tokens: 2",
            "  replay: {capacity: 64}",
            "  batch_trajectories: 8",
            "  alpha: {kind: fixed, beta: 0.5}",
            "  critic: {trunk: separate, layers: 1, heads: 1, d_model: 8}",
            ""));
    finished = shared.resolve("run");
    CliHarness.Result result =
        CliHarness.run("train", config.toString(), "--run-dir", finished.toString());
    assertEquals(0, result.exitCode(), result.err());
  }

  /**
   * A copy of the finished run that stops after step 6's model was written: rl must run again from
   * a checkpoint.
   */
  private Path interruptedCopy() throws IOException {
    Path run = dir.resolve("run");
    copy(finished, run);
    CheckpointFolders.deleteRecursively(run.resolve(LABEL).resolve("model"));
    Files.delete(run.resolve("stages/rl.json"));
    return run;
  }

  private static Path checkpoint(Path run, int step) {
    return run.resolve("checkpoints").resolve(LABEL).resolve(String.format("step-%08d", step));
  }

  @Test
  void aDamagedNewestCheckpointFallsBackToThePreviousOneWithAWarning() throws IOException {
    Path run = interruptedCopy();
    truncate(checkpoint(run, 4).resolve("policy/model.safetensors"));
    CliHarness.Result result = CliHarness.run("train", "--resume", run.toString());
    assertEquals(0, result.exitCode(), result.err());
    String log = Files.readString(run.resolve("run.log"));
    assertTrue(
        log.contains("policy/model.safetensors: ")
            && log.contains(
                "(truncated or changed since it was written)"
                    + "; resuming from the previous checkpoint "
                    + checkpoint(run, 2)
                    + " instead"),
        log);
    assertTrue(log.contains(LABEL + ": resuming at step 2 from " + checkpoint(run, 2)), log);
    assertTrue(Files.isRegularFile(run.resolve(LABEL).resolve("model/model.safetensors")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "policy/model.safetensors",
        "trainer/replay.bin",
        "trainer/q_critic.safetensors",
        "trainer/v_critic.safetensors",
        "trainer/trainer_state.json"
      })
  void aDamagedFileInEveryCheckpointIsOneLineNamingItAndExit2(String file) throws IOException {
    Path run = interruptedCopy();
    truncate(checkpoint(run, 4).resolve(file));
    truncate(checkpoint(run, 2).resolve(file));
    CliHarness.Result result = CliHarness.run("train", "--resume", run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(
        result.err().startsWith("error: " + checkpoint(run, 4).resolve(file) + ": "), result.err());
    assertTrue(
        result.err().contains("bytes, expected")
            && result
                .err()
                .contains(
                    "no earlier usable checkpoint in " + run.resolve("checkpoints").resolve(LABEL)),
        result.err());
  }

  @Test
  void checkpointsWrittenBeforeManifestsStillResume() throws IOException {
    Path run = interruptedCopy();
    removeManifests(run.resolve("checkpoints"));
    CliHarness.Result result = CliHarness.run("train", "--resume", run.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(Files.readString(run.resolve("run.log")).contains(LABEL + ": resuming at step 4"));
  }

  @Test
  void aBrokenSacStateWithoutAManifestNamesItsLineAndNoJacksonInternals() throws IOException {
    Path run = interruptedCopy();
    removeManifests(run.resolve("checkpoints"));
    Path state = checkpoint(run, 4).resolve("trainer/trainer_state.json");
    Files.writeString(
        state, "{\n  \"format\": \"elm-rlaif-sac-state\",\n  \"completed_steps\": 4,\n");
    CliHarness.Result result = CliHarness.run("train", "--resume", run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(
        result.err().startsWith("error: " + state + ": not valid JSON, line "), result.err());
    assertFalse(
        result.err().contains("Source") || result.err().contains("StreamReadFeature"),
        result.err());
  }

  @Test
  void aTruncatedModelUnderEvalIsOneLineAndExit2() throws IOException {
    Path run = dir.resolve("run");
    copy(finished, run);
    Path weights = run.resolve(LABEL).resolve("model/model.safetensors");
    truncate(weights);
    CliHarness.Result eval = CliHarness.run("eval", run.toString());
    assertEquals(2, eval.exitCode(), eval.err());
    assertEquals(1, eval.err().lines().count(), eval.err());
    assertTrue(
        eval.err().startsWith("error: " + weights + ": ") && eval.err().contains("bytes, expected"),
        eval.err());
  }

  private static void truncate(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() / 2);
    }
  }

  private static void removeManifests(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p :
          walk.filter(p -> p.getFileName().toString().equals(FolderManifest.FILE)).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @SuppressWarnings("unused")
  private static List<String> lines(String text) {
    return text.lines().toList();
  }
}
