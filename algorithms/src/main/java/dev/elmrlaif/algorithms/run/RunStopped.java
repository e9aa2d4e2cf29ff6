package dev.elmrlaif.algorithms.run;

import java.nio.file.Path;

/**
 * Ends a run that stopped on request ({@link StopRequest}) at a point it can resume from: thrown by
 * a training loop once its checkpoint is written, or by the pipeline between stages. The CLI says
 * how to resume and exits with 128 plus the signal's number.
 */
public final class RunStopped extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String signal;
  private final transient Path checkpoint;

  /**
   * @param signal the signal that asked for the stop, e.g. {@code TERM}
   * @param where what had finished, e.g. {@code rl/sac/toy after step 40}
   * @param checkpoint the checkpoint written, or null when the run resumes at a stage's start
   */
  public RunStopped(String signal, String where, Path checkpoint) {
    super(
        "stopped by SIG"
            + signal
            + ": "
            + where
            + (checkpoint == null ? "" : ", checkpoint " + checkpoint));
    this.signal = signal;
    this.checkpoint = checkpoint;
  }

  /** The signal's name, e.g. {@code TERM}. */
  public String signal() {
    return signal;
  }

  /** The checkpoint the run resumes from, or null. */
  public Path checkpoint() {
    return checkpoint;
  }

  /** The process's exit code: 143 for SIGTERM, 130 for SIGINT. */
  public int exitCode() {
    return StopRequest.exitCode(signal);
  }
}
