package dev.elmrlaif.app.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one experiment (interpolation, concept extrapolation, ...) leaves in a run folder for the
 * report: its figures and a few sample generations, as {@code experiments/<experiment>.json}. The
 * experiment code writes it; {@code report.html} reads every such file and draws it, so a new
 * experiment needs no change to the report.
 *
 * @param experiment the experiment's name, e.g. {@code interpolation}; also the file's name
 * @param summary one or two sentences a reader sees above the figures (may be empty)
 * @param figures the plots
 * @param samples sample rows shown as a table (each row column name to text, same columns in every
 *     row; may be empty)
 */
public record ExperimentFigures(
    String experiment,
    String summary,
    List<CurveFigure> figures,
    List<Map<String, String>> samples) {
  /** The folder of a run folder that holds the experiments' files. */
  public static final String FOLDER = "experiments";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ExperimentFigures {
    figures = List.copyOf(figures);
    samples = List.copyOf(samples);
  }

  /** Writes {@code RUN_DIR/experiments/<experiment>.json} atomically. */
  public Path write(Path runDir) throws IOException {
    Path file = runDir.resolve(FOLDER).resolve(experiment + ".json");
    Files.createDirectories(file.getParent());
    AtomicFiles.writeString(file, JSON.writeValueAsString(this));
    return file;
  }

  /** Every experiment file of a run folder, by file name; empty when there is none. */
  public static List<ExperimentFigures> readAll(Path runDir) throws IOException {
    Path folder = runDir.resolve(FOLDER);
    List<ExperimentFigures> all = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return all;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        all.add(JSON.readValue(file.toFile(), ExperimentFigures.class));
      }
    }
    return all;
  }
}
