package dev.elmrlaif.rlaif.reliability;

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
 * The real {@code rlaif} main in a child JVM (one intra-op thread), for the faults that need a
 * process of their own: signals and crashes. Its stdout and stderr are merged and kept line by line.
 */
final class ChildCli implements AutoCloseable {
  final Process process;
  final List<String> lines = new ArrayList<>();
  private final BufferedReader reader;

  private ChildCli(Process process) {
    this.process = process;
    this.reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts {@code rlaif ARGS} in {@code workDir}. */
  static ChildCli start(Path workDir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"),
        "-cp", System.getProperty("java.class.path"), "dev.elmrlaif.rlaif.cli.RlaifCommand"));
    command.addAll(List.of(args));
    Files.createDirectories(workDir);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().put("MKL_NUM_THREADS", "1");
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
