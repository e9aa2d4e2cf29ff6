package dev.elmrlaif.rlaif.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.elmrlaif.rlaif.config.LoggingConfig;
import dev.elmrlaif.rlaif.config.LoggingConfig.ProgressMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static LoggingConfig mode(ProgressMode m) {
    return LoggingConfig.defaults().withProgress(m);
  }

  @Test
  void autoPicksLogLinesUnderCiOrWithoutATerminal() {
    // Tests run without a console (System.console() is null under surefire) and CI=true forces lines.
    assertEquals(ProgressMode.LINES, ProgressReporter.of(mode(ProgressMode.AUTO), Map.of("CI", "true")).mode());
    assertEquals(ProgressMode.LINES, ProgressReporter.of(mode(ProgressMode.AUTO), Map.of()).mode());
    assertEquals(ProgressMode.BAR, ProgressReporter.of(mode(ProgressMode.BAR), Map.of("CI", "true")).mode());
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
    for (ProgressMode m : new ProgressMode[] {ProgressMode.LINES, ProgressMode.OFF}) {
      try (ProgressReporter.Task t = ProgressReporter.of(mode(m), Map.of()).start("test", 3, "steps")) {
        t.step();
        t.setExtra("loss 1.0");
        t.stepBy(2);
      }
    }
  }
}
