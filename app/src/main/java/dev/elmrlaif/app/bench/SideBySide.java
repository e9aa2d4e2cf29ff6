package dev.elmrlaif.app.bench;

import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the two sides of {@code rlaif bench --compare} one after the other, each in its own process
 * so they never share the cores: a child JVM for the Java figures ({@code rlaif bench --java-side})
 * and {@code PYTHON bench/pytorch_reference.py --json} for PyTorch's, alternating for the given
 * rounds, both with the same thread counts ({@code OMP_NUM_THREADS}).
 *
 * <p>Each side runs under the OpenMP wait policy it does best under, measured on the 2-core machine
 * (docs/benchmarks.md, "The OpenMP wait policy"): PyTorch's with {@code OMP_WAIT_POLICY=PASSIVE},
 * as issue 16 asks (Debian's torch also runs OpenBLAS threads, and spinning OpenMP threads starve
 * them: batch-64 sampling 3.2× slower without it); the Java side with libgomp's default (spin a
 * while, then sleep), as {@code ./rlaif train} runs unless the environment sets a policy (under
 * PASSIVE DJL's libtorch wakes a sleeping thread at every parallel operator: batch-16 sampling 3.0×
 * slower).
 *
 * @param python the Python interpreter that has PyTorch
 * @param script the PyTorch reference script
 * @param javaMainClass the CLI's main class, run by the child JVM
 */
public record SideBySide(String python, Path script, String javaMainClass) {
  private static final Logger LOG = LogManager.getLogger(SideBySide.class);

  /** The Java side's {@code OMP_WAIT_POLICY}: none, libgomp's default (class comment). */
  static final String JAVA_WAIT_POLICY = null;

  /** The PyTorch side's {@code OMP_WAIT_POLICY} (class comment). */
  static final String PYTORCH_WAIT_POLICY = "PASSIVE";

  /** Both sides' rounds, in the order they ran. */
  public record Rounds(List<SideFigures> java, List<SideFigures> pytorch) {}

  /**
   * Checks that the script exists and that {@code python -c 'import torch'} works.
   *
   * @throws UserInputException in one line naming the option and how to install PyTorch
   */
  public void requirePyTorch() {
    if (!Files.isRegularFile(script)) {
      throw new UserInputException(
          "--script: "
              + script.toAbsolutePath()
              + " not found, expected bench/pytorch_reference.py (run from the repository root)");
    }
    String problem;
    try {
      Process check =
          new ProcessBuilder(python, "-c", "import torch")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      int code = check.waitFor();
      problem = code == 0 ? null : "`" + python + " -c 'import torch'` exited with " + code;
    } catch (IOException e) {
      problem = "cannot run `" + python + "` (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking for PyTorch", e);
    }
    if (problem != null) {
      throw new UserInputException(
          "bench --compare needs PyTorch for Python: "
              + problem
              + "; install it (Debian/Ubuntu: apt-get install python3-torch; else pip install"
              + " torch) or name an interpreter that has it with --python");
    }
  }

  /**
   * Runs {@code rounds} rounds, each the Java side then the PyTorch side.
   *
   * @param progress told after each process with a one-line summary
   */
  public Rounds run(CompareWorkload workload, int rounds, Consumer<String> progress)
      throws IOException, InterruptedException {
    List<SideFigures> java = new ArrayList<>();
    List<SideFigures> pytorch = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      java.add(
          runSide(
              javaCommand(workload),
              workload.threads(),
              JAVA_WAIT_POLICY,
              "Java side, round " + round));
      progress.accept("round " + round + "/" + rounds + ": Java side done");
      pytorch.add(
          runSide(
              pythonCommand(workload),
              workload.threads(),
              PYTORCH_WAIT_POLICY,
              "PyTorch side, round " + round));
      progress.accept("round " + round + "/" + rounds + ": PyTorch side done");
    }
    return new Rounds(java, pytorch);
  }

  /** {@code python script --json SIZES}. */
  List<String> pythonCommand(CompareWorkload workload) {
    List<String> command = new ArrayList<>(List.of(python, script.toString(), "--json"));
    command.addAll(workload.sizeArguments());
    return command;
  }

  /** A JVM like this one (its class path, heap and system properties) running the Java side. */
  List<String> javaCommand(CompareWorkload workload) {
    String javaBin =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(javaBin));
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("-Xmx")
          || argument.startsWith("-XX:ErrorFile")
          || argument.startsWith("-Dai.djl.")) {
        command.add(argument);
      }
    }
    if (command.stream().noneMatch(a -> a.startsWith("-Dai.djl.offline"))) {
      command.add("-Dai.djl.offline=true");
    }
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), javaMainClass, "bench", "--java-side"));
    command.addAll(workload.sizeArguments());
    return command;
  }

  /**
   * Sets a side's OpenMP variables in {@code env}: the thread count, and the wait policy, or none
   * (an inherited one removed) when {@code waitPolicy} is null.
   */
  static void ompEnvironment(Map<String, String> env, int threads, String waitPolicy) {
    env.put("OMP_NUM_THREADS", Integer.toString(threads));
    if (waitPolicy == null) {
      env.remove("OMP_WAIT_POLICY");
    } else {
      env.put("OMP_WAIT_POLICY", waitPolicy);
    }
  }

  private static SideFigures runSide(
      List<String> command, int threads, String waitPolicy, String what)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("rlaif-bench-", ".out");
    Path err = Files.createTempFile("rlaif-bench-", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      ompEnvironment(builder.environment(), threads, waitPolicy);
      LOG.debug("{}: {}", what, command);
      int code = builder.start().waitFor();
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      if (code != 0) {
        String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
        String tail = stderr.length() > 2000 ? stderr.substring(stderr.length() - 2000) : stderr;
        throw new IllegalStateException(
            what + " failed (exit code " + code + "): " + String.join(" ", command) + "\n" + tail);
      }
      return SideFigures.parse(stdout, what);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
