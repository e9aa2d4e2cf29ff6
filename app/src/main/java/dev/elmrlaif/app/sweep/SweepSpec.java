package dev.elmrlaif.app.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hyperparameter sweep as written in YAML: a base run config, a grid of config keys with the
 * values to try (every combination is run), optional seeds (each combination once per seed) and the
 * {@code eval.json} figures to collect.
 *
 * <pre>
 * config: quickstart.yaml            # the base config, relative to this file
 * name: lr-sweep                     # runs/&lt;name&gt;/&lt;timestamp&gt;/; default: this file's name
 * grid:
 *   sft.stage2_learning_rate: [1.0e-3, 2.0e-3]
 *   sft.stage2_steps: [200, 500]
 * seeds: [1, 2, 3]
 * metrics: [stages.sft.mean.sc]      # dotted paths into eval.json; default: every stage's mean
 * </pre>
 *
 * @param file the sweep file
 * @param name the sweep's name
 * @param baseConfig the base config, resolved against the sweep file's folder
 * @param grid key to the values to try, as YAML text, in file order
 * @param gridLines the line of each grid key, for error messages
 * @param seeds the seeds, empty to run each combination once with the base config's seed
 * @param metrics dotted paths into eval.json, empty for the default
 */
public record SweepSpec(
    Path file,
    String name,
    Path baseConfig,
    Map<String, List<String>> grid,
    Map<String, Integer> gridLines,
    List<Long> seeds,
    List<String> metrics) {

  /** The figures of an evaluation table (EvalReport): per task, and their means (no {@code n}). */
  private static final List<String> TABLE_FIGURES =
      List.of("sc", "bc", "kl", "entropy", "words", "distinct_2", "non_word_rate");

  /**
   * The figures of an RL stage's paired difference from the supervised model ({@code minus_sft}).
   */
  private static final List<String> DIFFERENCE_FIGURES = List.of("sc", "bc");

  /** The figures of the synthetic CoMDP's evaluation (SyntheticRlEnvironment.figures). */
  private static final List<String> TOY_FIGURES =
      List.of("tv_to_optimum", "objective_trained", "objective_optimal", "kl_to_reference", "beta");

  /** The models an eval.json has tables for: the supervised one and one per RL algorithm. */
  private static final List<String> STAGE_TABLES =
      List.of("sft", "rl_reinforce", "rl_sac", "rl_soft_q");

  private static final List<String> ALGORITHMS = List.of("reinforce", "sac", "soft_q");
  private static final String METRIC_FORMS =
      "expected stages.<"
          + String.join("|", STAGE_TABLES)
          + ">.mean.<figure>, stages.<stage>.tasks.<task>.<figure>, baselines.<name>.mean.<figure> (figure: "
          + String.join(", ", TABLE_FIGURES)
          + "), stages.<rl stage>.minus_sft.mean.<sc|bc> (or .tasks.<task>.<sc|bc>),"
          + " or toy.<figure> / algorithms.<"
          + String.join("|", ALGORITHMS)
          + ">.toy.<figure> (figure: "
          + String.join(", ", TOY_FIGURES)
          + ")";

  /**
   * Why a metric path cannot name a figure of eval.json (its layout: EvalReport for a domain,
   * ToyEvalStage for the synthetic CoMDP), or null when it can; checked before any run starts.
   */
  public static String metricProblem(String metric) {
    String[] parts = metric.split("\\.", -1);
    boolean ok =
        switch (parts[0]) {
          case "stages", "baselines" -> {
            boolean knownTable =
                parts[0].equals("baselines")
                    || (parts.length > 1 && STAGE_TABLES.contains(parts[1]));
            boolean mean =
                parts.length == 4 && parts[2].equals("mean") && TABLE_FIGURES.contains(parts[3]);
            boolean task =
                parts.length == 5
                    && parts[2].equals("tasks")
                    && !parts[3].isEmpty()
                    && (TABLE_FIGURES.contains(parts[4]) || parts[4].equals("n"));
            boolean difference =
                parts[0].equals("stages")
                    && parts.length > 3
                    && parts[1].startsWith("rl_")
                    && parts[2].equals("minus_sft")
                    && ((parts.length == 5
                            && parts[3].equals("mean")
                            && DIFFERENCE_FIGURES.contains(parts[4]))
                        || (parts.length == 6
                            && parts[3].equals("tasks")
                            && !parts[4].isEmpty()
                            && (DIFFERENCE_FIGURES.contains(parts[5]) || parts[5].equals("n"))));
            yield knownTable && !parts[1].isEmpty() && (mean || task || difference);
          }
          case "toy" -> parts.length == 2 && TOY_FIGURES.contains(parts[1]);
          case "algorithms" ->
              parts.length == 4
                  && ALGORITHMS.contains(parts[1])
                  && parts[2].equals("toy")
                  && TOY_FIGURES.contains(parts[3]);
          default -> false;
        };
    return ok ? null : "is not a figure of eval.json; " + METRIC_FORMS;
  }

  private static final List<String> KEYS = List.of("config", "name", "grid", "seeds", "metrics");

  public SweepSpec {
    grid = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grid));
    gridLines = Map.copyOf(gridLines);
    seeds = List.copyOf(seeds);
    metrics = List.copyOf(metrics);
  }

  /** Reads a sweep file; every mistake is a {@link UserInputException} naming the file and line. */
  public static SweepSpec load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException("sweep file " + file + " does not exist");
    }
    String config = null;
    String name = null;
    Map<String, List<String>> grid = new LinkedHashMap<>();
    Map<String, Integer> gridLines = new LinkedHashMap<>();
    List<Long> seeds = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    try (JsonParser p = new YAMLFactory().createParser(Files.newBufferedReader(file))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new UserInputException(
            file + ", line " + line(p) + ": expected a mapping with the keys " + KEYS);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int keyLine = line(p);
        p.nextToken();
        switch (key) {
          case "config" -> config = scalar(p, file, "config");
          case "name" -> name = scalar(p, file, "name");
          case "grid" -> readGrid(p, file, grid, gridLines);
          case "seeds" -> {
            for (String seed : list(p, file, "seeds")) {
              try {
                seeds.add(Long.parseLong(seed));
              } catch (NumberFormatException e) {
                throw new UserInputException(
                    file + ", line " + line(p) + ": seeds: '" + seed + "' is not an integer");
              }
            }
          }
          case "metrics" -> {
            for (String metric : list(p, file, "metrics")) {
              String problem = metricProblem(metric);
              if (problem != null) {
                throw new UserInputException(
                    file + ", line " + keyLine + ": metrics: '" + metric + "' " + problem);
              }
              metrics.add(metric);
            }
          }
          default ->
              throw new UserInputException(
                  file
                      + ", line "
                      + keyLine
                      + ": unknown key `"
                      + key
                      + "`; expected one of "
                      + KEYS);
        }
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new UserInputException(
          file
              + (line > 0 ? ", line " + line : "")
              + ": invalid YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse("syntax error"),
          e);
    } catch (IOException e) {
      throw new UserInputException("cannot read sweep file " + file + ": " + e.getMessage(), e);
    }
    if (config == null) {
      throw new UserInputException(
          file
              + ": missing key `config`; expected the base run config, e.g. "
              + "config: quickstart.yaml");
    }
    if (grid.isEmpty() && seeds.isEmpty()) {
      throw new UserInputException(
          file
              + ": neither `grid` nor `seeds` is given; expected at least one, "
              + "e.g. grid: {sft.stage2_learning_rate: [1.0e-3, 2.0e-3]}");
    }
    Path folder = file.toAbsolutePath().getParent();
    Path base = folder.resolve(config).normalize();
    String fileName = file.getFileName().toString();
    String defaultName = fileName.replaceFirst("\\.ya?ml$", "");
    return new SweepSpec(
        file,
        name == null || name.isBlank() ? defaultName : name,
        base,
        grid,
        gridLines,
        seeds,
        metrics);
  }

  /** Every combination of the grid (the last key varying fastest), each once per seed. */
  public List<SweepPoint> points() {
    List<Map<String, String>> combinations = new ArrayList<>();
    combinations.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> entry : grid.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : combinations) {
        for (String value : entry.getValue()) {
          Map<String, String> extended = new LinkedHashMap<>(partial);
          extended.put(entry.getKey(), value);
          next.add(extended);
        }
      }
      combinations = next;
    }
    List<SweepPoint> points = new ArrayList<>();
    int width = String.valueOf(Math.max(combinations.size() - 1, 1)).length();
    for (int c = 0; c < combinations.size(); c++) {
      String id = "p" + String.format(Locale.ROOT, "%0" + Math.max(2, width) + "d", c);
      if (seeds.isEmpty()) {
        points.add(new SweepPoint(id, combinations.get(c), null));
      } else {
        for (long seed : seeds) {
          points.add(new SweepPoint(id + "-s" + seed, combinations.get(c), seed));
        }
      }
    }
    return points;
  }

  private static void readGrid(
      JsonParser p, Path file, Map<String, List<String>> grid, Map<String, Integer> lines)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new UserInputException(
          file
              + ", line "
              + line(p)
              + ": grid: expected a mapping of config keys to "
              + "lists of values, e.g. sft.stage2_steps: [200, 500]");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int keyLine = line(p);
      if (key.equals("seed")) {
        throw new UserInputException(
            file
                + ", line "
                + keyLine
                + ": grid: use the top-level `seeds` list for "
                + "seeds, not a grid key");
      }
      p.nextToken();
      List<String> values = list(p, file, "grid." + key);
      if (values.isEmpty()) {
        throw new UserInputException(
            file
                + ", line "
                + keyLine
                + ": grid."
                + key
                + ": empty, expected at least "
                + "one value");
      }
      grid.put(key, values);
      lines.put(key, keyLine);
    }
  }

  /** A list of scalars (or flow lists, kept as YAML text such as {@code [data, report]}). */
  private static List<String> list(JsonParser p, Path file, String key) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new UserInputException(
          file + ", line " + line(p) + ": " + key + ": expected a list, e.g. [1, 2]");
    }
    List<String> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == JsonToken.START_ARRAY) {
        List<String> inner = list(p, file, key);
        values.add("[" + String.join(", ", inner) + "]");
      } else if (p.currentToken() == JsonToken.START_OBJECT) {
        throw new UserInputException(
            file
                + ", line "
                + line(p)
                + ": "
                + key
                + ": expected values (numbers, words or lists), found a mapping");
      } else {
        values.add(p.getText());
      }
    }
    return values;
  }

  private static String scalar(JsonParser p, Path file, String key) throws IOException {
    if (!p.currentToken().isScalarValue()) {
      throw new UserInputException(
          file + ", line " + line(p) + ": " + key + ": expected a single value");
    }
    return p.getText();
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }
}
