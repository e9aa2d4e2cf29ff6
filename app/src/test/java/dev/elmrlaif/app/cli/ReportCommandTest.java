package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.report.HtmlReport;
import dev.elmrlaif.app.report.ReportFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlaif report RUN_DIR}: rebuilds the page from the folder; a non-run folder is exit 2. */
class ReportCommandTest {
  @TempDir Path dir;

  @Test
  void rebuildsThePageFromTheFolderAlone() throws Exception {
    Path run = ReportFixture.writeRun(dir.resolve("run"));
    CliHarness.Result result = CliHarness.run("report", run.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(run.resolve(HtmlReport.FILE).toString(), result.out().strip());
    assertTrue(Files.readString(run.resolve(HtmlReport.FILE)).contains("Run report: fixture"));
    assertTrue(Files.isRegularFile(run.resolve("report/metric-pretrain-loss.png")));
  }

  @Test
  void helpListsTheSubcommand() {
    CliHarness.Result help = CliHarness.run("--help");
    assertTrue(help.out().contains("  report "), help.out());
    assertTrue(CliHarness.run("report", "--help").out().startsWith("Usage: rlaif report"));
  }

  @Test
  void aFolderThatIsNoRunIsOneLineAndExitTwoWithNothingWritten() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliHarness.Result result = CliHarness.run("report", empty.toString());
    assertEquals(2, result.exitCode());
    assertEquals(
        "error: "
            + empty
            + ": not a run folder (no config.yaml in it); expected a folder made by `rlaif train`,"
            + " e.g. runs/<name>/<timestamp>",
        result.err().strip());
    assertFalse(Files.exists(empty.resolve(HtmlReport.FILE)));
    assertFalse(Files.exists(empty.resolve(HtmlReport.IMAGE_FOLDER)));
  }
}
