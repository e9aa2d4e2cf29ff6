package dev.elmrlaif.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report.html} in a real browser: {@code .ci/check-report.sh} (the check CI runs on a small
 * training run) loads the page in headless Chromium and passes when every image loaded, and fails
 * naming the image when one is missing. Skipped, loudly, when {@code chromium} is not on the PATH
 * (Debian: {@code apt-get install chromium}); the page's structure is {@link HtmlReportTest}'s,
 * which needs no browser.
 */
class ReportInChromiumTest {
  @TempDir Path dir;

  private record Outcome(int exitCode, String output) {}

  private static Path script() {
    // surefire runs in the module folder (app/); the script is the repository's
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      Path script = at.resolve(".ci/check-report.sh");
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IllegalStateException(
        ".ci/check-report.sh not found above " + Path.of("").toAbsolutePath());
  }

  private static boolean chromiumOnPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "chromium")));
  }

  private static Outcome check(Path run) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("bash", script().toString(), run.toString())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    boolean done = process.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Outcome(done ? process.exitValue() : -1, output);
  }

  @Test
  void theReportRendersWithEveryImageAndAMissingOneIsNamed() throws Exception {
    Assumptions.assumeTrue(
        chromiumOnPath(),
        "SKIPPED: chromium is not on the PATH, so report.html was not checked in a browser"
            + " (Debian: apt-get install chromium)");
    Path run = ReportFixture.writeRun(dir.resolve("run"));
    HtmlReport.write(run);

    Outcome good = check(run);
    assertEquals(0, good.exitCode(), good.output());
    assertTrue(
        good.output().contains("with all " + (ReportFixture.CURVES.size() + 1) + " images loaded"),
        good.output());

    Path missing = run.resolve("report/metric-pretrain-loss.png");
    Files.delete(missing);
    Outcome bad = check(run);
    assertEquals(1, bad.exitCode(), bad.output());
    assertEquals(
        List.of(
            "check-report: 1 of "
                + (ReportFixture.CURVES.size() + 1)
                + " images did not load in "
                + run.toRealPath()
                + "/report.html: report/metric-pretrain-loss.png"),
        bad.output().lines().toList());
  }
}
