package dev.elmrlaif.app.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Sends every log line of the process, DJL's included, into a run's {@code run.log} as well as the
 * console, for as long as the run lasts, API keys masked ({@link SecretMasking}). Only the CLI
 * picks the logging backend, so this Log4j2-core code lives here and nowhere in the libraries.
 */
final class RunLogFile implements AutoCloseable {
  private static final String NAME = "run-log-file";
  private static final String MASKED_NAME = "run-log-file-masked";
  private final LoggerContext context;
  private final FileAppender appender;
  private final Appender masked;

  private RunLogFile(LoggerContext context, FileAppender appender, Appender masked) {
    this.context = context;
    this.appender = appender;
    this.masked = masked;
  }

  /** Starts copying the log into {@code file} (appending, so a resumed run keeps its history). */
  static RunLogFile attach(Path file) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    PatternLayout layout =
        PatternLayout.newBuilder()
            .withConfiguration(config)
            .withPattern(
                "%d{yyyy-MM-dd'T'HH:mm:ss.SSS}{UTC}Z %-5level [%t] %c{1}: %msg%n%throwable")
            .build();
    FileAppender appender =
        FileAppender.newBuilder()
            .setName(NAME)
            .withFileName(file.toString())
            .withAppend(true)
            .setLayout(layout)
            .setConfiguration(config)
            .build();
    appender.start();
    config.addAppender(appender);
    // every line passes the key masking on its way to the file (SecretMasking)
    Appender masked = SecretMasking.wrap(config, MASKED_NAME, List.of(NAME));
    config.getRootLogger().addAppender(masked, Level.DEBUG, null);
    context.updateLoggers();
    return new RunLogFile(context, appender, masked);
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    config.getRootLogger().removeAppender(MASKED_NAME);
    if (config
        instanceof AbstractConfiguration named) { // so the next run's appenders take these names
      named.removeAppender(MASKED_NAME);
      named.removeAppender(NAME);
    }
    context.updateLoggers();
    masked.stop();
    appender.stop();
  }
}
