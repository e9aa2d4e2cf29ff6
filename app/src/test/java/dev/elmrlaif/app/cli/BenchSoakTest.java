package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif bench --soak} on a tiny model: the CSV holds every reading of both phases and the
 * output a fitted slope per phase; bad options exit 2 in one line before anything runs.
 */
class BenchSoakTest {
  private static String[] tiny(Path out, String steps, String every) {
    return new String[] {
      "bench",
      "--soak",
      "--steps",
      steps,
      "--soak-every",
      every,
      "--vocab",
      "64",
      "--context",
      "48",
      "--layers",
      "1",
      "--heads",
      "2",
      "--d-model",
      "8",
      "--threads",
      "1",
      "--out",
      out.toString()
    };
  }

  @Test
  void tinySoakWritesEveryReadingAndASlopePerPhase(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("soak.csv");
    CliHarness.Result result = CliHarness.run(tiny(out, "10", "2"));
    assertEquals(0, result.exitCode(), result.err());
    List<String> lines = Files.readAllLines(out);
    // Header, then readings at steps 0, 2, ..., 10 of each phase.
    assertEquals(1 + 2 * 6, lines.size(), String.join("\n", lines));
    assertEquals("phase,step,rss_mib,heap_mib", lines.get(0));
    assertTrue(lines.get(1).startsWith("reinforce,0,"), lines.get(1));
    assertTrue(lines.get(12).startsWith("sac,10,"), lines.get(12));
    // Warm-up: the first tenth of 10 steps, step 1: readings at 2..10 are fitted.
    assertTrue(
        result.out().contains("reinforce: RSS slope after step 1: ")
            && result.out().contains("; 5 readings), peak "),
        result.out());
    assertTrue(result.out().contains("sac: RSS slope after step 1: "), result.out());
    assertTrue(result.out().contains("process peak RSS (VmHWM): "), result.out());
  }

  @Test
  void badOptionsExitTwoBeforeAnythingRuns(@TempDir Path dir) {
    Path out = dir.resolve("soak.csv");
    CliHarness.Result result = CliHarness.run(tiny(out, "10", "5"));
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: --steps/--soak-every: found 10/5, expected at least 3 readings after the warm-up"
            + " of 1 steps (more steps or a smaller --soak-every)",
        result.err().strip());
    result = CliHarness.run(tiny(dir.resolve("missing").resolve("soak.csv"), "10", "2"));
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("--out: the folder "), result.err());
    String[] args = tiny(out, "10", "2");
    String[] withSize = java.util.Arrays.copyOf(args, args.length + 2);
    withSize[args.length] = "--size";
    withSize[args.length + 1] = "huge";
    result = CliHarness.run(withSize);
    assertEquals(2, result.exitCode(), result.err());
    assertEquals("error: --size: found huge, expected quickstart or recipe", result.err().strip());
    assertFalse(Files.exists(out));
  }
}
