package dev.elmrlaif.app.sweep;

import dev.elmrlaif.algorithms.run.StopRequest;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Runs a sweep's trials somewhere: {@link LocalExecutor} (separate JVMs on this machine) or {@link
 * SlurmExecutor} (an {@code sbatch} job array). The sweep command hands over the trials that are
 * not finished; the executor starts them, records every start and end in the {@link SweepState}
 * (which the sweep folder's results follow), retries failures, and picks up trials that a killed
 * sweep left running (their process or array task still alive) instead of starting them twice.
 */
public interface TrialExecutor {
  /**
   * Checks that trials can be started at all (e.g. that {@code sbatch} is there and answers),
   * before the sweep writes anything; a problem is a {@link
   * dev.elmrlaif.domain.base.UserInputException}.
   */
  void preflight();

  /** How each trial would be started, one line each, for {@code --dry-run}. */
  List<String> plan(List<Trial> trials);

  /**
   * Runs the trials until each has ended (done, failed after its retries, or cancelled), or until
   * {@code stop} is requested: then the running trials are asked to stop with a checkpoint, waited
   * for, and left pending so {@code --resume} continues them.
   *
   * @param trials the trials to run, in sweep order
   * @param state where starts and ends are recorded
   * @param finished whether a trial's run folder holds a finished run
   * @param stop the sweep's stop request (SIGTERM / SIGINT)
   */
  void run(List<Trial> trials, SweepState state, Predicate<Trial> finished, StopRequest stop)
      throws IOException, InterruptedException;
}
