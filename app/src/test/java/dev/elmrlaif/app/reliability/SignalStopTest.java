package dev.elmrlaif.app.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.rl.stage.RlCheckpoints;
import dev.elmrlaif.algorithms.rl.stage.ToyRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (Slurm's preemption) and SIGINT (Ctrl-C) during RL training, sent to the real CLI in a
 * child JVM once its log shows training steps: the run finishes the step, writes a checkpoint, says
 * how to resume and exits 143 / 130; the resumed run finishes with every step logged once.
 */
@Tag("reliability")
class SignalStopTest {
  private static final String LABEL = "rl/reinforce/toy";
  private static final int STEPS = 200;

  @TempDir Path dir;

  @Test
  void sigtermFinishesTheStepWritesACheckpointAndResumes() throws Exception {
    Path config = writeConfig();
    Path run = dir.resolve("run");
    try (ChildCli child =
        ChildCli.start(dir, "train", config.toString(), "--run-dir", run.toString())) {
      assertNotNull(child.awaitLine(line -> line.contains(LABEL + ": step 5/")), child.output());
      child
          .process
          .toHandle()
          .destroy(); // SIGTERM (Process.destroy would also close our end of its output)
      int code = child.finish();
      assertEquals(143, code, child.output());
      assertTrue(
          child.output().contains("received SIGTERM: finishing the current step"), child.output());
      assertTrue(
          child.output().contains("stopped by SIGTERM: " + LABEL + " after step "), child.output());
      assertTrue(
          child.output().contains("resume with: ./rlaif train --resume " + run), child.output());
    }
    long step =
        RlCheckpoints.latest(run.resolve("checkpoints").resolve(LABEL))
            .orElseThrow()
            .state()
            .step();
    assertTrue(step >= 5 && step < STEPS, "stopped in the middle, at step " + step);
    assertTrue(!Files.exists(run.resolve(LABEL).resolve("model")), "the training did not finish");
    assertEquals(List.of(), hsErrFiles(), "no JVM crash log");

    try (ChildCli resumed = ChildCli.start(dir, "train", "--resume", run.toString())) {
      assertEquals(0, resumed.finish(), resumed.output());
      assertTrue(resumed.output().contains(LABEL + ": resuming at step " + step), resumed.output());
    }
    assertTrue(
        Files.isRegularFile(run.resolve(LABEL).resolve("model").resolve("model.safetensors")));
    List<Long> steps = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode node = json.readTree(line);
      if (node.path("stage").asText().equals(LABEL)) {
        steps.add(node.path("step").asLong());
      }
    }
    List<Long> expected = new ArrayList<>();
    for (long s = 1; s <= STEPS; s++) {
      expected.add(s);
    }
    assertEquals(expected, steps, "each step logged once in metrics.jsonl, in order");
  }

  @Test
  void sigintStopsWithExitCode130AndACheckpoint() throws Exception {
    // a process started in the background by a non-interactive shell ignores SIGINT, and its
    // children inherit that (the JVM keeps an ignored SIGINT ignored): then no SIGINT can reach
    // them
    org.junit.jupiter.api.Assumptions.assumeFalse(
        sigintIgnored(), "SIGINT is ignored in this process tree");
    Path config = writeConfig();
    Path run = dir.resolve("run");
    try (ChildCli child =
        ChildCli.start(dir, "train", config.toString(), "--run-dir", run.toString())) {
      assertNotNull(child.awaitLine(line -> line.contains(LABEL + ": step 3/")), child.output());
      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(child.process.pid()))
              .inheritIO()
              .start();
      assertEquals(0, kill.waitFor());
      int code = child.finish();
      assertEquals(130, code, child.output());
      assertTrue(
          child.output().contains("stopped by SIGINT: " + LABEL + " after step "), child.output());
    }
    assertTrue(RlCheckpoints.latest(run.resolve("checkpoints").resolve(LABEL)).isPresent());
  }

  /**
   * Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), as its children
   * then do.
   */
  private static boolean sigintIgnored() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << 1))
            != 0;
      }
    }
    return false;
  }

  private List<Path> hsErrFiles() throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("hs_err")).toList();
    }
  }

  private Path writeConfig() throws Exception {
    Path file = dir.resolve("toy.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            ToyRuns.header("reinforce", STEPS, 100, "threads: 1", 2, 8),
            "reinforce:",
            "  samples_per_context: 16",
            "  max_new_tokens: 2",
            "  learning_rate: 0.01",
            "  kl: {estimator: k3, level: token, placement: reward, controller: {kind: fixed, beta: 0.5}}",
            ""));
    return file;
  }
}
