package dev.elmrlaif.algorithms.run;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop the run cleanly, set when the process receives SIGTERM (Slurm's preemption,
 * {@code kill}) or SIGINT (Ctrl-C): the training loops poll it between steps, write a checkpoint
 * and end the run with {@link RunStopped}, so the run resumes with {@code --resume}. One instance
 * per run, passed through {@link dev.elmrlaif.algorithms.pipeline.RunContext}, never a global.
 */
public final class StopRequest {
  private final AtomicReference<String> signal = new AtomicReference<>();

  /** Records the first request; returns false when a stop was already requested. */
  public boolean request(String signalName) {
    return signal.compareAndSet(null, signalName);
  }

  /** Whether a stop was requested. */
  public boolean requested() {
    return signal.get() != null;
  }

  /** The signal that requested the stop ({@code TERM} or {@code INT}), if one did. */
  public Optional<String> signal() {
    return Optional.ofNullable(signal.get());
  }

  /**
   * The exit code of a process ended by {@code signalName}: 128 plus the signal's number (143,
   * 130).
   */
  public static int exitCode(String signalName) {
    return switch (signalName) {
      case "INT" -> 130;
      case "TERM" -> 143;
      case "HUP" -> 129;
      default -> 1;
    };
  }

  /**
   * Throws {@link RunStopped} when a stop was requested.
   *
   * @param where what was running, e.g. {@code rl/sac/toy after step 40}
   * @param checkpoint the checkpoint the run resumes from, or null when it resumes at a stage start
   */
  public void stopIfRequested(String where, java.nio.file.Path checkpoint) {
    String name = signal.get();
    if (name != null) {
      throw new RunStopped(name, where, checkpoint);
    }
  }
}
