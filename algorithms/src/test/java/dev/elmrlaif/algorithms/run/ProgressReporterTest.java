package dev.elmrlaif.algorithms.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.LoggingConfig;
import dev.elmrlaif.algorithms.config.LoggingConfig.ProgressMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static LoggingConfig mode(ProgressMode m) {
    return LoggingConfig.defaults().withProgress(m);
  }

  @Test
  void autoPicksLogLinesUnderCiOrWithoutATerminal() {
    // Tests run without a console (System.console() is null under surefire) and CI=true forces
    // lines.
    assertEquals(
        ProgressMode.LINES,
        ProgressReporter.of(mode(ProgressMode.AUTO), Map.of("CI", "true")).mode());
    assertEquals(ProgressMode.LINES, ProgressReporter.of(mode(ProgressMode.AUTO), Map.of()).mode());
    assertEquals(
        ProgressMode.BAR, ProgressReporter.of(mode(ProgressMode.BAR), Map.of("CI", "true")).mode());
    assertEquals(ProgressMode.OFF, ProgressReporter.of(mode(ProgressMode.OFF), Map.of()).mode());
  }

  @Test
  void durationsReadLikeAnEta() {
    assertEquals("42s", ProgressReporter.formatDuration(42.4));
    assertEquals("2m05s", ProgressReporter.formatDuration(125));
    assertEquals("1h01m", ProgressReporter.formatDuration(3660));
  }

  @Test
  void everyModeCountsWithoutFailing() {
    // Lines every hour: within the test only completion and closing write one.
    LoggingConfig hourly = new LoggingConfig(ProgressMode.LINES, true, 3600);
    List<String> lines =
        captured(
            () -> {
              for (ProgressMode m : new ProgressMode[] {ProgressMode.LINES, ProgressMode.OFF}) {
                try (ProgressReporter.Task t =
                    ProgressReporter.of(new LoggingConfig(m, true, 3600), Map.of())
                        .start("test", 3, "steps")) {
                  t.step();
                  t.setExtra("loss 1.0");
                  t.stepBy(2);
                }
              }
              try (ProgressReporter.Task t =
                  ProgressReporter.of(hourly, Map.of()).start("partial", 5, "steps")) {
                t.step();
              }
            });
    assertEquals(
        2,
        lines.size(),
        "one line at completion (lines mode), none when off, one at an early close: " + lines);
    assertTrue(lines.get(0).startsWith("test: 3/3 steps (100%), "), lines.get(0));
    assertTrue(lines.get(0).endsWith(" steps/s, ETA 0s, loss 1.0"), lines.get(0));
    assertTrue(lines.get(1).startsWith("partial: 1/5 steps (20%), "), lines.get(1));
  }

  /** The messages {@link ProgressReporter} logs while {@code body} runs. */
  private static List<String> captured(Runnable body) {
    List<String> messages = new CopyOnWriteArrayList<>();
    AbstractAppender appender =
        new AbstractAppender("progress-test", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            messages.add(event.getMessage().getFormattedMessage());
          }
        };
    appender.start();
    Logger logger = (Logger) LogManager.getLogger(ProgressReporter.class);
    logger.addAppender(appender);
    // At INFO whatever the log configuration on the class path (this module's tests have none); set
    // after the appender, whose logger config would otherwise take the root's level.
    Level previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    try {
      body.run();
    } finally {
      logger.removeAppender(appender);
      logger.setLevel(previous);
      appender.stop();
    }
    return messages;
  }
}
