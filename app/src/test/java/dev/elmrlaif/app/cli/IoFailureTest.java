package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.elmrlaif.algorithms.rl.stage.ToyRuns;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every I/O failure is exit 2 with the path and the operating system's reason, and leaves nothing
 * half-written: a full disk (a write to {@code /dev/full} fails with "No space left on device"), a
 * read-only folder, a file where a folder is expected and a folder where a file is expected.
 */
@Tag("reliability")
class IoFailureTest {
  private static final Path DEV_FULL = Path.of("/dev/full");

  @TempDir Path dir;

  @Test
  void aFullDiskDuringACheckpointIsOneLineWithTheReasonAndLeavesNoFolder() throws IOException {
    assumeTrue(Files.exists(DEV_FULL), "needs /dev/full (Linux)");
    Path checkpoints = dir.resolve("checkpoints");
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                CheckpointFolders.save(
                    checkpoints,
                    2,
                    "the RL checkpoint",
                    folder -> {
                      Files.writeString(folder.resolve("stage.json"), "{}");
                      try (OutputStream out = Files.newOutputStream(DEV_FULL)) {
                        out.write(new byte[1 << 16]);
                        out.flush();
                      }
                    }));
    assertEquals(
        "cannot write the RL checkpoint "
            + checkpoints.resolve("step-00000002")
            + ": No space left on device",
        RlaifCommand.userErrorMessage(e));
    try (Stream<Path> left = Files.list(checkpoints)) {
      assertEquals(List.of(), left.toList(), "no step folder, no temporary folder, no latest.json");
    }
  }

  @Test
  void aFullDiskUnderTheMetricsLogEndsTheRunWithExit2AndTheReason() throws IOException {
    assumeTrue(Files.exists(DEV_FULL), "needs /dev/full (Linux)");
    Path config = toyConfig();
    Path run = dir.resolve("run");
    assertEquals(
        0, CliHarness.run("train", config.toString(), "--run-dir", run.toString()).exitCode());
    CheckpointFolders.deleteRecursively(run.resolve("rl/reinforce/toy/model"));
    Files.delete(run.resolve("stages/rl.json"));
    Files.delete(run.resolve("metrics.jsonl"));
    Files.createSymbolicLink(run.resolve("metrics.jsonl"), DEV_FULL);
    CliHarness.Result result = CliHarness.run("train", "--resume", run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: cannot write " + run.resolve("metrics.jsonl") + ": No space left on device",
        result.err().strip());
    assertFalse(
        Files.exists(run.resolve("rl/reinforce/toy/model")),
        "the training did not claim to finish");
  }

  @Test
  void aRunFolderUnderAFileNamesThePathAndTheReason() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    CliHarness.Result result =
        CliHarness.run(
            "train", toyConfig().toString(), "--run-dir", file.resolve("run").toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(
        result.err().startsWith("error: cannot create run folder " + file.resolve("run") + ": "),
        result.err());
    assertTrue(
        result.err().contains("Not a directory") || result.err().contains("File exists"),
        result.err());
  }

  @Test
  void aReadOnlyRunFolderGivesTheReason() throws IOException {
    Path readOnly = Files.createDirectories(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(readOnly), "permissions do not bind this user (root)");
      CliHarness.Result result =
          CliHarness.run(
              "train", toyConfig().toString(), "--run-dir", readOnly.resolve("run").toString());
      assertEquals(2, result.exitCode(), result.err());
      assertEquals(
          "error: cannot create run folder "
              + readOnly.resolve("run")
              + ": "
              + readOnly.resolve("run")
              + ": Permission denied; expected a folder this user can write (or choose another with --run-dir /"
              + " --runs-root)",
          result.err().strip());
      CliHarness.Result example =
          CliHarness.run(
              "data", "make-example", readOnly.resolve("recipes").toString(), "--size", "tiny");
      assertEquals(2, example.exitCode(), example.err());
      assertTrue(example.err().strip().endsWith("Permission denied"), example.err());
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void makeExampleUnderAFileOrIntoAFullFolderRefusesAndWritesNothing() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    CliHarness.Result underFile =
        CliHarness.run(
            "data", "make-example", file.resolve("recipes").toString(), "--size", "tiny");
    assertEquals(2, underFile.exitCode(), underFile.err());
    assertEquals(1, underFile.err().lines().count(), underFile.err());
    assertTrue(
        underFile.err().contains(file.toString()) && underFile.err().contains("Not a directory"),
        underFile.err());

    CliHarness.Result onFile =
        CliHarness.run("data", "make-example", file.toString(), "--size", "tiny");
    assertEquals(
        "error: OUT_DIR "
            + file
            + ": is a file; expected a folder (new or empty) for the example dataset",
        onFile.err().strip());

    Path mine = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(mine.resolve("tasks.yaml"), "my own tasks");
    CliHarness.Result refused =
        CliHarness.run("data", "make-example", mine.toString(), "--size", "tiny");
    assertEquals(2, refused.exitCode(), refused.err());
    assertEquals(
        "error: OUT_DIR "
            + mine
            + ": not empty (holds tasks.yaml); expected a new or empty folder, or add"
            + " --force to replace the example's files there",
        refused.err().strip());
    assertEquals(
        "my own tasks",
        Files.readString(mine.resolve("tasks.yaml")),
        "the user's file is untouched");
    assertEquals(
        0,
        CliHarness.run("data", "make-example", mine.toString(), "--size", "tiny", "--force")
            .exitCode());
    assertFalse(
        Files.readString(mine.resolve("tasks.yaml")).equals("my own tasks"), "--force replaces it");
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().contains(".tmp-")),
          "no temporary folder left");
    }
  }

  @Test
  void aRunDirThatIsADataFolderIsRefused() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n");
    CliHarness.Result result =
        CliHarness.run("train", toyConfig().toString(), "--run-dir", data.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: --run-dir "
            + data
            + ": not empty and not a run folder (holds ratings.csv); expected a new"
            + " or empty folder (a run would mix its files into it), or --resume for a run folder",
        result.err().strip());
    try (Stream<Path> files = Files.list(data)) {
      assertEquals(1, files.count(), "nothing written into it");
    }
  }

  private Path toyConfig() throws IOException {
    Path file = dir.resolve("toy.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            ToyRuns.header("reinforce", 4, 2, "threads: 1", 2, 8),
            "reinforce: {samples_per_context: 4, max_new_tokens: 2, kl: {controller: {kind: fixed, beta: 0.5}}}",
            ""));
    return file;
  }
}
