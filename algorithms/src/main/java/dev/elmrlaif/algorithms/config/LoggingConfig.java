package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/** How a run reports progress and where its metrics go besides {@code metrics.jsonl}. */
@RecordBuilder
public record LoggingConfig(
    @Doc(
            "Progress display: auto (a bar on a terminal, log lines otherwise or when CI=true), bar,"
                + " lines or off")
        @Default("auto")
        ProgressMode progress,
    @Doc("Write TensorBoard event files into the run folder") @Default("true") boolean tensorboard,
    @Doc("Seconds between plain progress log lines when not on a terminal")
        @Range(min = 1)
        @Default("10")
        int progressLineSeconds)
    implements LoggingConfigBuilder.With {

  /** How progress over long loops is shown. */
  public enum ProgressMode {
    AUTO,
    BAR,
    LINES,
    OFF
  }

  /** The defaults every config starts from. */
  public static LoggingConfig defaults() {
    return ConfigKeys.defaults(LoggingConfig.class);
  }
}
