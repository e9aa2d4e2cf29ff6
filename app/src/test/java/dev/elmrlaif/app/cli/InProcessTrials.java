package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.run.StopRequest;
import dev.elmrlaif.app.pipeline.StagePipeline;
import dev.elmrlaif.app.sweep.SweepState;
import dev.elmrlaif.app.sweep.Trial;
import dev.elmrlaif.app.sweep.TrialExecutor;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A test executor: runs each trial's {@code train} arguments in this JVM, one after another, with
 * stages the test chooses, so the sweep's bookkeeping (results, leaderboard, resume) is checked in
 * milliseconds; the real executors' own tests start real processes.
 */
final class InProcessTrials implements TrialExecutor {
  private final Supplier<StagePipeline> pipelines;

  InProcessTrials(Supplier<StagePipeline> pipelines) {
    this.pipelines = pipelines;
  }

  @Override
  public void preflight() {}

  @Override
  public List<String> plan(List<Trial> trials) {
    return trials.stream().map(t -> t.id() + ": rlaif " + String.join(" ", t.nextArgs())).toList();
  }

  @Override
  public void run(
      List<Trial> trials, SweepState state, Predicate<Trial> finished, StopRequest stop) {
    for (Trial trial : trials) {
      state.started(trial.id(), 0, null);
      CliHarness.Result result =
          CliHarness.run(Map.of(), pipelines, trial.nextArgs().toArray(String[]::new));
      if (result.exitCode() == 0 && finished.test(trial)) {
        state.ended(trial.id(), SweepState.Status.DONE, null);
      } else {
        state.ended(
            trial.id(),
            SweepState.Status.FAILED,
            "exit code " + result.exitCode() + ": " + result.err().strip());
      }
    }
  }
}
