package dev.elmrlaif.app.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The real {@code rlaif} main in a child JVM, for the faults that need a process of their own:
 * signals, crashes, and the engine's thread count (fixed when it loads). Its stdout and stderr are
 * merged and kept line by line.
 */
final class ChildCli implements AutoCloseable {
  final Process process;
  final List<String> lines = new ArrayList<>();
  private final BufferedReader reader;

  private ChildCli(Process process) {
    this.process = process;
    this.reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts {@code rlaif ARGS} in {@code workDir} with one intra-op thread. */
  static ChildCli start(Path workDir, String... args) throws IOException {
    return start(workDir, true, args);
  }

  /**
   * Starts {@code rlaif ARGS} in {@code workDir} as a user would: no thread property and no
   * OpenMP/MKL thread variable, so the config's {@code threads} decides ({@code 0}: one per core).
   */
  static ChildCli startAtDefaultThreads(Path workDir, String... args) throws IOException {
    return start(workDir, false, args);
  }

  private static ChildCli start(Path workDir, boolean oneThread, String... args)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true"));
    if (oneThread) {
      command.addAll(
          List.of("-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
    }
    command.addAll(
        List.of(
            "-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"),
            "-cp",
            System.getProperty("java.class.path"),
            "dev.elmrlaif.app.cli.RlaifCommand"));
    command.addAll(List.of(args));
    Files.createDirectories(workDir);
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    if (oneThread) {
      builder.environment().put("OMP_NUM_THREADS", "1");
      builder.environment().put("MKL_NUM_THREADS", "1");
    } else {
      // the test JVM runs with OMP_NUM_THREADS=1 (pom.xml); a user's shell has none of these
      builder
          .environment()
          .keySet()
          .removeIf(
              name ->
                  name.startsWith("OMP_")
                      || name.startsWith("MKL_")
                      || name.startsWith("KMP_")
                      || name.equals("OPENBLAS_NUM_THREADS"));
    }
    builder.environment().remove("RLAIF_DATA");
    return new ChildCli(builder.start());
  }

  /** Reads output until a line matches; returns it, or null when the child ended first. */
  String awaitLine(Predicate<String> matches) throws IOException {
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lines.add(line);
      if (matches.test(line)) {
        return line;
      }
    }
    return null;
  }

  /** Reads the rest of the output and waits for the exit code. */
  int finish() throws IOException, InterruptedException {
    awaitLine(line -> false);
    return process.waitFor();
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    reader.close();
  }
}
