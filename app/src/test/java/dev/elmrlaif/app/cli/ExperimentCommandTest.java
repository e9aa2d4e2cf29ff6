package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlaif experiment NAME RUN_DIR}: bad input is one line and exit 2, nothing written. */
class ExperimentCommandTest {
  @TempDir Path dir;

  @Test
  void anUnknownExperimentNamesTheKnownOnesAndWritesNothing() throws Exception {
    CliHarness.Result result = CliHarness.run("experiment", "interpolate", dir.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(
        result
            .err()
            .contains(
                "unknown experiment 'interpolate'; expected one of [interpolation, concepts]"),
        result.err());
    assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void aFolderThatIsNoRunIsRefused() {
    CliHarness.Result result = CliHarness.run("experiment", "concepts", dir.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("not a run folder"), result.err());
  }
}
