package dev.elmrlaif.algorithms.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.Provenance;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The folder of one run: {@code runs/<config-name>/<UTC timestamp>/} or a folder given with {@code
 * --run-dir}. It holds the resolved {@code config.yaml}, {@code provenance.json}, {@code
 * metrics.jsonl}, the TensorBoard events, {@code run.log}, {@code checkpoints/}, one output folder
 * per stage and {@code stages/<stage>.json}, the marker a finished stage leaves so that a resumed
 * run skips it. Every file but the append-only logs is written atomically.
 */
public final class RunDirectory {
  public static final String CONFIG_FILE = "config.yaml";
  public static final String PROVENANCE_FILE = "provenance.json";
  public static final String METRICS_FILE = "metrics.jsonl";
  public static final String LOG_FILE = "run.log";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path root;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunDirectory(Path root) {
    this.root = root;
  }

  /** Creates {@code runsRoot/<name>/<UTC timestamp>/}, adding a suffix if that folder exists. */
  public static RunDirectory createUnder(Path runsRoot, String configName, Clock clock) {
    Path base = runsRoot.resolve(configName).resolve(STAMP.format(clock.instant()));
    Path dir = base;
    for (int i = 2; Files.exists(dir); i++) {
      dir = Path.of(base + "-" + i);
    }
    return createAt(dir);
  }

  /**
   * Uses {@code dir} as a new run folder: a new or empty folder (a run's files must not mix into a
   * data folder or another run).
   */
  public static RunDirectory createAt(Path dir) {
    if (Files.exists(dir.resolve(CONFIG_FILE))) {
      throw new UserInputException(
          "--run-dir "
              + dir
              + " already holds a run (config.yaml exists); use --resume "
              + dir
              + " to continue it, or choose another folder");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UserInputException(
          "--run-dir " + dir + ": is a file; expected a new or empty folder for the run");
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        List<String> names =
            entries.map(p -> p.getFileName().toString()).sorted().limit(3).toList();
        if (!names.isEmpty()) {
          throw new UserInputException(
              "--run-dir "
                  + dir
                  + ": not empty and not a run folder (holds "
                  + String.join(", ", names)
                  + (names.size() == 3 ? ", ..." : "")
                  + "); expected a new or empty folder"
                  + " (a run would mix its files into it), or --resume for a run folder");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir + ": " + IoFailures.reason(e), e);
      }
    }
    RunDirectory run = new RunDirectory(dir);
    run.makeFolders();
    return run;
  }

  /**
   * Checks that {@code dir} is a run folder (it holds {@code config.yaml}) before a command reads
   * it; otherwise one line naming {@code what} (e.g. {@code "--resume DIR"} or just the folder).
   */
  public static void requireRunFolder(Path dir, String what) {
    if (!Files.isRegularFile(dir.resolve(CONFIG_FILE))) {
      throw new UserInputException(
          what
              + ": not a run folder (no "
              + CONFIG_FILE
              + " in it); expected a folder made by `rlaif train`, e.g. runs/<name>/<timestamp>");
    }
  }

  /** Opens an existing run folder to resume it, removing temporary files a kill left behind. */
  public static RunDirectory open(Path dir) {
    requireRunFolder(dir, "--resume " + dir);
    RunDirectory run = new RunDirectory(dir);
    run.makeFolders();
    try (var walk = Files.walk(dir)) {
      walk.filter(Files::isDirectory).forEach(AtomicFiles::removeLeftovers);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir + ": " + IoFailures.reason(e), e);
    }
    return run;
  }

  private void makeFolders() {
    try {
      Files.createDirectories(checkpoints());
      Files.createDirectories(root.resolve("stages"));
    } catch (IOException e) {
      String path = IoFailures.path(e);
      throw new UserInputException(
          "cannot create run folder "
              + root
              + ": "
              + (path == null || path.equals(root.toString()) ? "" : path + ": ")
              + IoFailures.reason(e)
              + "; expected a folder this user can write (or choose another with --run-dir / --runs-root)",
          e);
    }
    if (!Files.isWritable(root)) {
      throw new UserInputException(
          "run folder "
              + root
              + ": Permission denied (not writable by this user);"
              + " expected a folder this user can write (or choose another with --run-dir / --runs-root)");
    }
  }

  public Path path() {
    return root;
  }

  public Path configFile() {
    return root.resolve(CONFIG_FILE);
  }

  public Path metricsFile() {
    return root.resolve(METRICS_FILE);
  }

  public Path logFile() {
    return root.resolve(LOG_FILE);
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  /** The output folder of a stage, created on first use. */
  public Path stageDir(StageName stage) {
    Path dir = root.resolve(stage.key());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + IoFailures.reason(e), e);
    }
    return dir;
  }

  /** Writes the resolved configuration. */
  public void writeConfig(String yaml) {
    AtomicFiles.writeString(configFile(), yaml);
  }

  /** Writes {@code provenance.json}. */
  public void writeProvenance(Provenance provenance) {
    writeJson(root.resolve(PROVENANCE_FILE), provenance);
  }

  /** Writes any value as indented JSON, atomically. */
  public void writeJson(Path file, Object value) {
    AtomicFiles.write(file, out -> json.writeValue(nonClosing(out), value));
  }

  /** Whether a stage left its completion marker. */
  public boolean isStageDone(StageName stage) {
    return Files.isRegularFile(markerOf(stage));
  }

  /** The completion record of a stage, if it finished. */
  @SuppressWarnings("unchecked")
  public Optional<Map<String, Object>> stageRecord(StageName stage) {
    if (!isStageDone(stage)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(markerOf(stage).toFile(), LinkedHashMap.class));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + markerOf(stage) + ": " + IoFailures.reason(e), e);
    }
  }

  /** Marks a stage finished, with what it wants remembered (timings, output summary). */
  public void markStageDone(StageName stage, Map<String, Object> record) {
    Map<String, Object> full = new LinkedHashMap<>();
    full.put("stage", stage.key());
    full.putAll(record);
    writeJson(markerOf(stage), full);
  }

  private Path markerOf(StageName stage) {
    return root.resolve("stages").resolve(stage.key() + ".json");
  }

  private static java.io.OutputStream nonClosing(java.io.OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
