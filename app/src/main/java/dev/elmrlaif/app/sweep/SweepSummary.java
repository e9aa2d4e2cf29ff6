package dev.elmrlaif.app.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The table a sweep leaves behind, rewritten after every run so a killed sweep still shows what it
 * finished: {@code summary.csv} (one row per run: id, status, seed, grid values, the chosen {@code
 * eval.json} figures) and {@code summary.md} (the same, then, when the sweep has seeds, the mean
 * and sample standard deviation of each figure per grid setting).
 */
public final class SweepSummary {
  public static final String CSV_FILE = "summary.csv";
  public static final String MARKDOWN_FILE = "summary.md";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where one run stands. */
  public enum Status {
    PENDING,
    DONE,
    FAILED
  }

  /** One row: a point, its status and its figures (NaN where eval.json lacks one). */
  public record Row(SweepPoint point, Status status, Map<String, Double> figures) {}

  private SweepSummary() {}

  /**
   * The figures to collect: the sweep's {@code metrics}, or else every number under {@code
   * stages.<stage>.mean} and {@code toy} of the first eval.json found.
   */
  public static List<String> metricPaths(SweepSpec spec, List<Path> evalFiles) {
    if (!spec.metrics().isEmpty()) {
      return spec.metrics();
    }
    for (Path file : evalFiles) {
      Optional<JsonNode> root = read(file);
      if (root.isEmpty()) {
        continue;
      }
      List<String> paths = new ArrayList<>();
      JsonNode stages = root.get().path("stages");
      for (Iterator<String> names = stages.fieldNames(); names.hasNext(); ) {
        String stage = names.next();
        numericLeaves(stages.get(stage).path("mean"), "stages." + stage + ".mean", paths);
      }
      numericLeaves(root.get().path("toy"), "toy", paths);
      return paths;
    }
    return List.of();
  }

  /** The figure at a dotted path of an eval.json, NaN when absent or not a number. */
  public static double figure(JsonNode root, String dottedPath) {
    JsonNode node = root;
    for (String part : dottedPath.split("\\.")) {
      node = node.path(part);
    }
    return node.isNumber() ? node.asDouble() : Double.NaN;
  }

  /** Reads a run's eval.json when it exists and parses. */
  public static Optional<JsonNode> read(Path evalJson) {
    if (!Files.isRegularFile(evalJson)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(evalJson.toFile()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The figures of one run at the given paths. */
  public static Map<String, Double> figures(Path evalJson, List<String> paths) {
    Map<String, Double> figures = new LinkedHashMap<>();
    Optional<JsonNode> root = read(evalJson);
    for (String path : paths) {
      figures.put(path, root.map(r -> figure(r, path)).orElse(Double.NaN));
    }
    return figures;
  }

  /** Writes summary.csv and summary.md into {@code folder}, each atomically. */
  public static void write(Path folder, SweepSpec spec, List<String> paths, List<Row> rows) {
    AtomicFiles.writeString(folder.resolve(CSV_FILE), csv(spec, paths, rows));
    AtomicFiles.writeString(folder.resolve(MARKDOWN_FILE), markdown(spec, paths, rows));
  }

  static String csv(SweepSpec spec, List<String> paths, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("id", "status", "seed"));
    header.addAll(spec.grid().keySet());
    header.addAll(paths);
    out.append(String.join(",", header.stream().map(SweepSummary::csvCell).toList())).append('\n');
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.point().id());
      cells.add(row.status().name().toLowerCase(Locale.ROOT));
      cells.add(row.point().seed() == null ? "" : row.point().seed().toString());
      for (String key : spec.grid().keySet()) {
        cells.add(row.point().settings().get(key));
      }
      for (String path : paths) {
        double value = row.figures().getOrDefault(path, Double.NaN);
        cells.add(Double.isNaN(value) ? "" : Double.toString(value));
      }
      out.append(String.join(",", cells.stream().map(SweepSummary::csvCell).toList())).append('\n');
    }
    return out.toString();
  }

  static String markdown(SweepSpec spec, List<String> paths, List<Row> rows) {
    StringBuilder out = new StringBuilder("# Sweep ").append(spec.name()).append("\n\n");
    out.append("Base config: `")
        .append(spec.baseConfig())
        .append("`; ")
        .append(rows.size())
        .append(" runs, ")
        .append(rows.stream().filter(r -> r.status() == Status.DONE).count())
        .append(" done, ")
        .append(rows.stream().filter(r -> r.status() == Status.FAILED).count())
        .append(" failed.\n\n## Runs\n\n");
    List<String> header = new ArrayList<>(List.of("run", "status", "seed"));
    header.addAll(spec.grid().keySet());
    header.addAll(paths);
    tableHeader(out, header);
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.point().id());
      cells.add(row.status().name().toLowerCase(Locale.ROOT));
      cells.add(row.point().seed() == null ? "" : row.point().seed().toString());
      spec.grid().keySet().forEach(key -> cells.add(row.point().settings().get(key)));
      paths.forEach(path -> cells.add(format(row.figures().getOrDefault(path, Double.NaN))));
      out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    if (!spec.seeds().isEmpty()) {
      out.append("\n## By setting (mean ± sample std over seeds)\n\n");
      List<String> byHeader = new ArrayList<>(spec.grid().keySet());
      byHeader.add("runs done");
      byHeader.addAll(paths);
      tableHeader(out, byHeader);
      Map<Map<String, String>, List<Row>> groups = new LinkedHashMap<>();
      for (Row row : rows) {
        groups.computeIfAbsent(row.point().settings(), k -> new ArrayList<>()).add(row);
      }
      for (Map.Entry<Map<String, String>, List<Row>> group : groups.entrySet()) {
        List<String> cells = new ArrayList<>(group.getKey().values());
        List<Row> done = group.getValue().stream().filter(r -> r.status() == Status.DONE).toList();
        cells.add(done.size() + "/" + group.getValue().size());
        for (String path : paths) {
          cells.add(
              meanAndStd(
                  done.stream()
                      .mapToDouble(r -> r.figures().getOrDefault(path, Double.NaN))
                      .filter(v -> !Double.isNaN(v))
                      .toArray()));
        }
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
      }
    }
    return out.toString();
  }

  /**
   * {@code mean ± std} with the sample (n − 1) standard deviation; the mean alone for one value.
   */
  static String meanAndStd(double[] values) {
    if (values.length == 0) {
      return "";
    }
    double mean = 0;
    for (double v : values) {
      mean += v / values.length;
    }
    if (values.length == 1) {
      return format(mean);
    }
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return format(mean) + " ± " + format(Math.sqrt(squares / (values.length - 1)));
  }

  private static void tableHeader(StringBuilder out, List<String> header) {
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append("|").append(" --- |".repeat(header.size())).append('\n');
  }

  private static String format(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
  }

  private static String csvCell(String value) {
    return value.contains(",") || value.contains("\"")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }

  private static void numericLeaves(JsonNode node, String prefix, List<String> into) {
    if (node.isNumber()) {
      into.add(prefix);
    } else if (node.isObject()) {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        numericLeaves(node.get(name), prefix + "." + name, into);
      }
    }
  }
}
