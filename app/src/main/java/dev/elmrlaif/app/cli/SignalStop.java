package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.run.StopRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM (Slurm's preemption, {@code kill}) and SIGINT (Ctrl-C) into a {@link StopRequest}
 * for as long as a run lasts: the first signal asks the training loops to finish their step and
 * write a checkpoint; a second one ends the process at once with 143 / 130. The JVM's own handlers
 * (an immediate exit) come back on {@link #close()}. Uses {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}): a shutdown hook cannot delay the exit or choose its code.
 */
final class SignalStop implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(SignalStop.class);
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private SignalStop() {}

  /**
   * Installs the handlers.
   *
   * @param stop the run's stop request
   * @param halt ends the process on a second signal (Runtime.halt in production)
   */
  static SignalStop install(StopRequest stop, IntConsumer halt) {
    SignalStop installed = new SignalStop();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      SignalHandler handler = received -> onSignal(name, stop, halt);
      try {
        installed.previous.add(Signal.handle(signal, handler));
        installed.signals.add(signal);
      } catch (IllegalArgumentException e) {
        // the JVM was started with -Xrs or the signal is in use: keep its default behaviour
        LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    return installed;
  }

  /** The first signal requests the stop; a second one halts with 128 plus the signal's number. */
  static void onSignal(String name, StopRequest stop, IntConsumer halt) {
    if (stop.request(name)) {
      LOG.warn(
          "received SIG{}: finishing the current step, then writing a checkpoint (send it again to stop at"
              + " once)",
          name);
    } else {
      LOG.warn(
          "received SIG{} again: stopping at once; the run resumes from its last checkpoint", name);
      halt.accept(StopRequest.exitCode(name));
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
