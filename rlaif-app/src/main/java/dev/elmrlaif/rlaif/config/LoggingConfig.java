package dev.elmrlaif.rlaif.config;

/** How a run reports progress and where its metrics go besides {@code metrics.jsonl}. */
public record LoggingConfig(
    @Doc("Progress display: auto (a bar on a terminal, log lines otherwise or when CI=true), bar,"
            + " lines or off")
        ProgressMode progress,
    @Doc("Write TensorBoard event files into the run folder") boolean tensorboard,
    @Doc("Seconds between plain progress log lines when not on a terminal") @Range(min = 1)
        int progressLineSeconds) {

  /** How progress over long loops is shown. */
  public enum ProgressMode {
    AUTO,
    BAR,
    LINES,
    OFF
  }

  /** The defaults every config starts from. */
  public static LoggingConfig defaults() {
    return new LoggingConfig(ProgressMode.AUTO, true, 10);
  }
}
