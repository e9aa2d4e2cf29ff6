package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.app.sweep.JvmLauncher;
import dev.elmrlaif.app.sweep.SweepState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executors with real processes, on the synthetic CoMDP (a few seconds per trial): a 6-trial
 * random search over REINFORCE's β and learning rate (3 draws × 2 seeds). Locally, the sweep
 * process is killed with SIGKILL once a trial has finished while another runs, and {@code --resume}
 * completes it without starting any trial twice (the orphaned running trial is waited for); on a
 * real Slurm (skipped, loudly, when {@code sbatch} is absent; {@code .ci/start-slurm.sh} starts
 * one), one array task is {@code scancel}led, recorded as cancelled, and {@code --resume} runs only
 * that trial. Both give the same leaderboard for the same seeds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepExecutorsTest {
  @TempDir static Path dir;
  private static Path sweepFile;

  /** The local sweep's leaderboard, which the Slurm sweep must reproduce. */
  private static String localLeaderboard;

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void toySweep() throws IOException {
    Path toy = Path.of("..", "configs", "toy-comdp-reinforce.yaml").toAbsolutePath().normalize();
    Files.writeString(
        dir.resolve("toy.yaml"),
        String.join(
            "\n",
            "extends: " + toy,
            "stages: [rl, eval]",
            "rl: {steps: 8, checkpoint_every: 4, log_every: 4}",
            "reinforce: {samples_per_context: 16}",
            ""));
    sweepFile =
        Files.writeString(
            dir.resolve("beta-lr.yaml"),
            String.join(
                "\n",
                "config: toy.yaml",
                "method: random",
                "trials: 3",
                "sampler_seed: 0",
                "parameters:",
                "  reinforce.kl.controller.beta,synthetic.beta:"
                    + " {distribution: loguniform, low: 0.25, high: 4.0}",
                "  reinforce.learning_rate: {distribution: loguniform, low: 0.002, high: 0.008}",
                "seeds: [1, 2]",
                "metric: {name: algorithms.reinforce.toy.tv_to_optimum, goal: minimize}",
                "metrics: [algorithms.reinforce.toy.kl_to_reference]",
                "executor: {kind: local, cores: 2, cpus_per_task: 1, retries: 0, mem: 1G,"
                    + " time: '00:10:00', poll_seconds: 0.2}",
                ""));
  }

  @Test
  @Order(1)
  void aLocalSweepKilledWithSigkillResumesWithoutStartingAnyTrialTwice() throws Exception {
    Path folder = dir.resolve("local");
    // 1. The sweep as its own process, killed with SIGKILL once a trial has finished.
    List<String> command =
        JvmLauncher.current(RlaifCommand.class)
            .command(List.of("sweep", sweepFile.toString(), "--sweep-dir", folder.toString()));
    Process sweep =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("local-sweep.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    // killed once the first two trials (same setting, same length) have finished and the next two
    // are recorded as running, so resume must wait for live orphans. Not at the first RUNNING: the
    // sweep may then be between writing the second trial's attempt header and forking it, and
    // resume would rightly write a second header (LocalExecutorTest covers a process started but
    // never recorded)
    while (!bothAtLeastTwo(statuses(folder), "DONE", "RUNNING")) {
      assertTrue(
          sweep.isAlive(), () -> "the sweep ended early: " + read(dir.resolve("local-sweep.out")));
      assertTrue(System.nanoTime() < deadline, "no trial finished while another ran in 8 min");
      Thread.sleep(200);
    }
    sweep.destroyForcibly().waitFor();
    Map<String, String> atKill = statuses(folder);
    Map<String, String> logsAtKill = logs(folder);
    assertTrue(atKill.containsValue("RUNNING"), atKill.toString());

    // 2. --resume: finished trials are kept, running ones waited for, the rest started.
    CliHarness.Result resumed =
        SweepCommandTest.runSweep(null, System.getenv(), "sweep", "--resume", folder.toString());
    assertEquals(0, resumed.exitCode(), resumed.err() + read(dir.resolve("local-sweep.out")));
    Map<String, String> after = statuses(folder);
    assertEquals(6, after.size());
    after.forEach((id, status) -> assertEquals("DONE", status, id));
    Map<String, String> logsAfter = logs(folder);
    atKill.forEach(
        (id, status) -> {
          if (status.equals("DONE")) {
            assertEquals(logsAtKill.get(id), logsAfter.get(id), id + " finished before the kill");
          }
          assertEquals(
              1,
              logsAfter.get(id).lines().filter(l -> l.startsWith("== ")).count(),
              id + " was started exactly once (" + status + " at the kill)");
        });
    localLeaderboard = Files.readString(folder.resolve("leaderboard.md"));
    assertTrue(localLeaderboard.contains("| 1 | "), localLeaderboard);
    assertTrue(
        Files.size(folder.resolve("frontier.png")) > 1000, "a sweep over beta draws its frontier");
  }

  /** Whether at least two trials have {@code first} and at least two have {@code second}. */
  private static boolean bothAtLeastTwo(Map<String, String> statuses, String first, String second) {
    return statuses.values().stream().filter(first::equals).count() >= 2
        && statuses.values().stream().filter(second::equals).count() >= 2;
  }

  @Test
  @Order(2)
  void aSlurmSweepWithOneCancelledTaskResumesOnlyItAndMatchesTheLocalLeaderboard()
      throws Exception {
    String missing = slurmMissing();
    if (missing != null) {
      System.err.println(
          "SKIPPED SweepExecutorsTest (Slurm): "
              + missing
              + "; .ci/start-slurm.sh starts a one-node cluster");
    }
    Assumptions.assumeTrue(
        missing == null, "Slurm tests skipped: " + missing + " (.ci/start-slurm.sh starts one)");
    Path folder = dir.resolve("slurm");
    // 1. The sweep on Slurm; the last array task is cancelled as soon as the array is queued.
    CompletableFuture<CliHarness.Result> run =
        CompletableFuture.supplyAsync(
            () ->
                SweepCommandTest.runSweep(
                    null,
                    System.getenv(),
                    "sweep",
                    sweepFile.toString(),
                    "--sweep-dir",
                    folder.toString(),
                    "--executor",
                    "slurm"));
    String last = "t02-s2";
    String task = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (task == null) {
      assertTrue(System.nanoTime() < deadline, "the array was not submitted");
      JsonNode state = state(folder);
      if (state != null && state.path(last).has("slurmJob")) {
        task = state.path(last).path("slurmJob").asText();
      }
      Thread.sleep(100);
    }
    assertTrue(task.endsWith("_5"), task);
    Process scancel = new ProcessBuilder("scancel", task).inheritIO().start();
    assertEquals(0, scancel.waitFor());
    CliHarness.Result first = run.get(10, TimeUnit.MINUTES);
    assertEquals(1, first.exitCode(), first.err());
    Map<String, String> before = statuses(folder);
    assertEquals("CANCELLED", before.get(last), before.toString());
    before.forEach((id, s) -> assertEquals(id.equals(last) ? "CANCELLED" : "DONE", s, id));
    assertTrue(
        Files.readAllLines(folder.resolve("results.csv")).stream()
            .anyMatch(l -> l.startsWith(last + ",cancelled,1,2,") && l.contains("scancel")));
    Map<String, String> logsBefore = logs(folder);

    // 2. --resume runs only the cancelled trial.
    CliHarness.Result resumed =
        SweepCommandTest.runSweep(null, System.getenv(), "sweep", "--resume", folder.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    Map<String, String> logsAfter = logs(folder);
    logsBefore.forEach(
        (id, log) -> {
          if (!id.equals(last)) {
            assertEquals(log, logsAfter.get(id), id + " is not run again");
          }
        });
    assertTrue(logsAfter.get(last).contains("== "), "the cancelled trial ran on resume");
    statuses(folder).forEach((id, s) -> assertEquals("DONE", s, id));
    Files.exists(folder.resolve("slurm/submit-1.sh"));

    // 3. The same leaderboard as the local sweep (run it here when that test was filtered out).
    String expected = localLeaderboard;
    if (expected == null) {
      Path local = dir.resolve("local-only");
      CliHarness.Result l =
          SweepCommandTest.runSweep(
              null,
              System.getenv(),
              "sweep",
              sweepFile.toString(),
              "--sweep-dir",
              local.toString());
      assertEquals(0, l.exitCode(), l.err());
      expected = Files.readString(local.resolve("leaderboard.md"));
    }
    assertEquals(expected, Files.readString(folder.resolve("leaderboard.md")));
  }

  private static JsonNode state(Path folder) throws IOException {
    Path file = folder.resolve(SweepState.FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      return null; // being replaced right now
    }
  }

  private static Map<String, String> statuses(Path folder) throws IOException {
    Map<String, String> statuses = new LinkedHashMap<>();
    JsonNode state = state(folder);
    if (state != null) {
      state
          .fields()
          .forEachRemaining(e -> statuses.put(e.getKey(), e.getValue().path("status").asText()));
    }
    return statuses;
  }

  private static Map<String, String> logs(Path folder) throws IOException {
    Map<String, String> logs = new LinkedHashMap<>();
    for (String id : new ArrayList<>(statuses(folder).keySet())) {
      Path log = folder.resolve("logs").resolve(id + ".log");
      logs.put(id, Files.isRegularFile(log) ? Files.readString(log) : "");
    }
    return logs;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Why the Slurm test cannot run here, or null: {@code sbatch} must be on the PATH and the
   * controller must answer {@code sinfo} (an installed Slurm whose daemons are down would otherwise
   * fail the test after its two-minute wait for the array).
   */
  private static String slurmMissing() throws InterruptedException {
    boolean installed =
        List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
            .anyMatch(p -> Files.isExecutable(Path.of(p, "sbatch")));
    if (!installed) {
      return "sbatch is not on PATH";
    }
    try {
      Process sinfo =
          new ProcessBuilder("sinfo", "-h")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!sinfo.waitFor(30, TimeUnit.SECONDS) || sinfo.exitValue() != 0) {
        sinfo.destroyForcibly();
        return "sinfo cannot reach the Slurm controller";
      }
    } catch (IOException e) {
      return "sinfo cannot run: " + e.getMessage();
    }
    return null;
  }
}
