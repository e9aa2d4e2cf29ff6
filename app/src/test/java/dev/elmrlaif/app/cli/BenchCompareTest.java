package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.bench.CompareWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif bench --compare}: the clear error when Python has no PyTorch, and one round on a
 * tiny model giving every figure's row (the Java side a real child JVM, the Python side a fake
 * interpreter printing a canned line, or the real reference script where PyTorch is installed).
 */
class BenchCompareTest {
  private static final List<String> TINY =
      List.of(
          "bench",
          "--compare",
          "--rounds",
          "1",
          "--vocab",
          "64",
          "--context",
          "16",
          "--layers",
          "1",
          "--heads",
          "2",
          "--d-model",
          "8,16",
          "--batch",
          "2",
          "--prompt-tokens",
          "4",
          "--new-tokens",
          "4",
          "--sample-batches",
          "1,2",
          "--contexts",
          "2",
          "--samples-per-context",
          "2",
          "--gemm-size",
          "32",
          "--warmups",
          "0",
          "--runs",
          "1",
          "--threads",
          "1",
          "--reward-texts",
          "2");

  /**
   * The same sizes as {@link #TINY}; parameter counts as {@code bench/pytorch_reference.py --json}
   * printed them for this workload (PyTorch 1.13.1).
   */
  private static final CompareWorkload TINY_WORKLOAD =
      new CompareWorkload(
          64, 16, 1, 2, List.of(8, 16), 2, 4, 4, List.of(1, 2), 2, 2, 32, 0, 1, 1, 2);

  private static final String CANNED =
      "{\"side\": \"pytorch\", \"info\": {\"python\": \"3.0-fake\", \"torch\": \"0-fake\","
          + " \"params_d8\": 6784, \"params_d16\": 10880, \"blas\": \"fake\"}, \"figures\":"
          + " {\"train_tok_s_d8\": 1000, \"train_tok_s_d16\": 500, \"sample_tok_s_b1\": 100,"
          + " \"sample_tok_s_b2\": 200, \"reinforce_step_s\": 0.3, \"reinforce_generate_s\": 0.2,"
          + " \"reinforce_update_s\": 0.1, \"gemm_gflop_s\": 1.5}}";

  private static String[] args(String... more) {
    List<String> all = new ArrayList<>(TINY);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Path executable(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void withoutPyTorchOneLineSaysHowToInstallItAndExitsTwo(@TempDir Path dir) throws IOException {
    Path python = executable(dir.resolve("python-without-torch"), "exit 1\n");
    Path script = Files.writeString(dir.resolve("reference.py"), "");
    Path out = dir.resolve("table.md");
    CliHarness.Result result =
        CliHarness.run(
            args(
                "--python",
                python.toString(),
                "--script",
                script.toString(),
                "--out",
                out.toString()));
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: bench --compare needs PyTorch for Python: `"
            + python
            + " -c 'import torch'` exited with 1; install it (Debian/Ubuntu: apt-get install"
            + " python3-torch; else pip install torch) or name an interpreter that has it with"
            + " --python",
        result.err().strip());
    assertFalse(Files.exists(out));

    result =
        CliHarness.run(
            args(
                "--python",
                dir.resolve("no-such-python").toString(),
                "--script",
                script.toString()));
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("cannot run `" + dir.resolve("no-such-python")), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
  }

  @Test
  void aMissingScriptIsNamed(@TempDir Path dir) {
    CliHarness.Result result = CliHarness.run(args("--script", dir.resolve("gone.py").toString()));
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("--script: " + dir.resolve("gone.py") + " not found"));
  }

  @Test
  void oneRoundGivesEveryFigureAndPassesTheSameSizesAndThreads(@TempDir Path dir)
      throws IOException {
    Path seen = dir.resolve("seen.txt");
    Path python =
        executable(
            dir.resolve("fake-python"),
            "if [ \"$1\" = \"-c\" ]; then exit 0; fi\n"
                + "echo \"$OMP_NUM_THREADS $OMP_WAIT_POLICY $*\" > '"
                + seen
                + "'\n"
                + "echo 'a log line'\n"
                + "echo '"
                + CANNED
                + "'\n");
    Path script = Files.writeString(dir.resolve("reference.py"), "");
    Path out = dir.resolve("table.md");
    CliHarness.Result result =
        CliHarness.run(
            args(
                "--python",
                python.toString(),
                "--script",
                script.toString(),
                "--out",
                out.toString()));
    assertEquals(0, result.exitCode(), result.err());
    String table = result.out();
    assertEquals(table, Files.readString(out));
    for (CompareWorkload.Figure figure : TINY_WORKLOAD.figures()) {
      assertTrue(table.contains("| " + figure.label() + " | "), figure.label() + "\n" + table);
    }
    // The Java side built the same model as the reference script: the same parameter counts.
    assertTrue(table.contains("- Parameters: d_model 8: 6784; d_model 16: 10880\n"), table);
    assertTrue(table.contains("PyTorch side: Python 3.0-fake, torch 0-fake; BLAS: fake"), table);
    assertTrue(table.contains("- Java side: Java " + System.getProperty("java.version")), table);
    assertEquals(
        "1 PASSIVE " + script + " --json " + String.join(" ", TINY_WORKLOAD.sizeArguments()),
        Files.readString(seen).strip());
  }

  @Test
  void theRealReferenceScriptGivesEveryFigureOfTheSameModel(@TempDir Path dir) throws Exception {
    String python = pythonWithTorch();
    Assumptions.assumeTrue(python != null, "no python3 with PyTorch here");
    Path script = Path.of("..", "bench", "pytorch_reference.py");
    CliHarness.Result result =
        CliHarness.run(args("--python", python, "--script", script.toString()));
    assertEquals(0, result.exitCode(), result.err());
    for (CompareWorkload.Figure figure : TINY_WORKLOAD.figures()) {
      assertTrue(result.out().contains("| " + figure.label() + " | "), result.out());
    }
    assertFalse(result.out().contains("THE MODELS DIFFER"), result.out());
  }

  /** The first of python3 and /usr/bin/python3 that imports torch, or null. */
  private static String pythonWithTorch() throws InterruptedException {
    for (String python : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", "import torch")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return python;
        }
        p.destroy();
      } catch (IOException e) {
        // not this one
      }
    }
    return null;
  }
}
