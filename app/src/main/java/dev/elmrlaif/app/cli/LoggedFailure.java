package dev.elmrlaif.app.cli;

import java.nio.file.Path;

/**
 * An internal failure whose stack trace is already in a run's log; the CLI names that log instead
 * of printing the trace a second time (exit code 1).
 */
final class LoggedFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Path logFile;

  LoggedFailure(Path logFile, Throwable cause) {
    super(cause.toString(), cause);
    this.logFile = logFile;
  }

  Path logFile() {
    return logFile;
  }
}
