package dev.elmrlaif.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.run.StopRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalExecutor} with shell processes standing in for trials: a trial whose process a killed
 * sweep started but never recorded (the kill fell between the fork and the state write) is waited
 * for, not started a second time; a trial of a similar name ({@code t00-s10} beside {@code t00-s1})
 * is not taken for it.
 */
class LocalExecutorTest {
  @TempDir Path dir;

  /** Starts a trial by creating {@code started} then {@code done} in its run folder. */
  private static final JvmLauncher MARKING_LAUNCHER =
      new JvmLauncher(List.of("sh", "-c", "touch \"$3/started\"; touch \"$3/done\"", "sh"));

  private Trial trial(String id) throws Exception {
    Path runDir = Files.createDirectories(dir.resolve(id));
    return new Trial(
        id,
        0,
        runDir,
        dir.resolve("logs").resolve(id + ".log"),
        List.of("train", "--run-dir", runDir.toString()));
  }

  /**
   * Runs {@code trial} with the sweep state of {@link #dir} (pending when new) until its run folder
   * holds {@code done}; returns that state.
   */
  private SweepState runUntilDone(Trial trial) throws Exception {
    SweepState state = SweepState.open(dir, List.of(trial.id()), s -> {});
    new LocalExecutor(
            new ExecutorSettings(ExecutorSettings.Kind.LOCAL, 2, 1, 0, "1G", "1", "", 0, 0.05),
            MARKING_LAUNCHER)
        .run(
            List.of(trial),
            state,
            t -> Files.exists(t.runDir().resolve("done")),
            new StopRequest());
    return state;
  }

  @Test
  void aProcessStartedButNeverRecordedIsWaitedForNotStartedAgain() throws Exception {
    Trial trial = trial("t00-s1");
    // the orphan: its arguments name the run folder, as a trial's `rlaif train` does; the state
    // still says pending, as when the sweep was killed before recording the process
    Process orphan =
        new ProcessBuilder(
                "sh",
                "-c",
                "sleep 1; touch \"$3/done\"",
                "sh",
                "train",
                "--run-dir",
                trial.runDir().toString())
            .start();
    assertEquals(
        SweepState.Status.PENDING,
        SweepState.open(dir, List.of(trial.id()), s -> {}).get(trial.id()).status());

    SweepState state = runUntilDone(trial);

    assertFalse(orphan.isAlive(), "the executor returned before the orphan ended");
    assertFalse(
        Files.exists(trial.runDir().resolve("started")), "the trial was started a second time");
    assertEquals(SweepState.Status.DONE, state.get(trial.id()).status());
    assertEquals(1, state.get(trial.id()).attempts(), "the orphan's attempt is counted once");
  }

  @Test
  void aProcessOfAnotherTrialWhoseFolderNameExtendsThisOneIsNotTakenForIt() throws Exception {
    Trial trial = trial("t00-s1");
    Trial longer = trial("t00-s10");
    Process other =
        new ProcessBuilder(
                "sh", "-c", "sleep 30; :", "sh", "train", "--run-dir", longer.runDir().toString())
            .start();
    try {
      SweepState state = runUntilDone(trial);
      assertTrue(Files.exists(trial.runDir().resolve("started")), "the trial was not started");
      assertEquals(SweepState.Status.DONE, state.get(trial.id()).status());
      assertTrue(other.isAlive(), "the other trial's process was waited for");
    } finally {
      other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
