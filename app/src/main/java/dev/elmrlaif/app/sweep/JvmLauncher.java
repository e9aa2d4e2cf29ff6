package dev.elmrlaif.app.sweep;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a trial's {@code rlaif train} process is started: the running JVM's {@code java}, the same
 * JVM options ({@code -Xmx}, {@code -D...}), then {@code -jar <the running jar>}, or, when the
 * program runs from classes (tests, an IDE), {@code -cp <the class path> <main class>}. The DJL
 * settings that a test harness passes as system properties instead of options ({@code
 * ai.djl.offline}, {@code ai.djl.default_engine}) are passed on too, so a trial downloads nothing
 * when its sweep doesn't; thread counts are not: each trial gets its own through the config's
 * {@code threads}.
 *
 * @param prefix the command up to and including the jar or main class
 */
public record JvmLauncher(List<String> prefix) {
  private static final List<String> PASSED_PROPERTIES =
      List.of("ai.djl.offline", "ai.djl.default_engine");

  public JvmLauncher {
    prefix = List.copyOf(prefix);
  }

  /** The launcher of the running program, whose entry point is {@code mainClass}. */
  public static JvmLauncher current(Class<?> mainClass) {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String option : options) {
      // a debugger agent would make every trial wait on the same port
      if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) {
        command.add(option);
      }
    }
    for (String property : PASSED_PROPERTIES) {
      String value = System.getProperty(property);
      if (value != null && options.stream().noneMatch(o -> o.startsWith("-D" + property + "="))) {
        command.add("-D" + property + "=" + value);
      }
    }
    Path source = codeSource(mainClass);
    if (source != null && Files.isRegularFile(source) && source.toString().endsWith(".jar")) {
      command.addAll(List.of("-jar", source.toString()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    }
    return new JvmLauncher(command);
  }

  /** The full command of a trial's attempt: the prefix, then its arguments. */
  public List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(args);
    return command;
  }

  private static Path codeSource(Class<?> type) {
    try {
      var source = type.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (java.net.URISyntaxException | SecurityException e) {
      return null;
    }
  }
}
