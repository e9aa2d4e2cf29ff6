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
import java.util.SplittableRandom;

/**
 * A hyperparameter sweep as written in YAML: a base run config, the trials to run (every
 * combination of a {@code grid}, or {@code trials} draws from {@code parameters} with {@code
 * method: random}), optional seeds (each trial once per seed), the metric to optimise, the {@code
 * eval.json} figures to collect and the executor the trials run on. The names follow Optuna, Ray
 * Tune and W&amp;B sweeps ({@code method}, {@code parameters}, {@code distribution}, {@code
 * low}/{@code high}, {@code values}, {@code metric: {name, goal}}).
 *
 * <pre>
 * config: quickstart-rl.yaml         # the base config, relative to this file
 * name: beta-sweep                   # runs/&lt;name&gt;/&lt;timestamp&gt;/; default: this file's name
 * method: random                     # grid (default: every combination of `grid`) or random
 * trials: 6                          # random: how many settings are drawn
 * sampler_seed: 0                    # random: the same file always gives the same trials
 * parameters:
 *   reinforce.kl.controller.beta: {distribution: loguniform, low: 0.01, high: 1.0}
 *   reinforce.learning_rate: {distribution: uniform, low: 1.0e-4, high: 1.0e-3}
 *   rl.steps: {distribution: int, low: 50, high: 200}
 *   reinforce.kl.estimator: {distribution: choice, values: [k1, k3]}
 * seeds: [1, 2, 3]                   # every trial once per seed
 * metric: {name: stages.rl_reinforce.mean.sc, goal: maximize}
 * metrics: [stages.rl_reinforce.mean.kl]   # more figures to collect; default: every stage's mean
 * executor: {kind: local, cores: 8, cpus_per_task: 2}   # or kind: slurm, mem: 8G, time: 02:00:00
 * </pre>
 *
 * @param file the sweep file
 * @param name the sweep's name
 * @param baseConfig the base config, resolved against the sweep file's folder
 * @param method grid or random
 * @param grid key to the values to try, as YAML text, in file order (method grid)
 * @param gridLines the line of each grid or parameters key, for error messages
 * @param parameters key to its distribution, in file order (method random)
 * @param trials how many settings a random sweep draws
 * @param samplerSeed the seed of the random sweep's draws
 * @param seeds the seeds, empty to run each combination once with the base config's seed
 * @param metrics dotted paths into eval.json, empty for the default; the objective's path first
 * @param objective the metric to optimise and its direction, or null when none is named
 * @param executor where and how the trials run
 * @param executorLine the line of the {@code executor} key, 0 when absent
 */
public record SweepSpec(
    Path file,
    String name,
    Path baseConfig,
    Method method,
    Map<String, List<String>> grid,
    Map<String, Integer> gridLines,
    Map<String, SearchParameter> parameters,
    int trials,
    long samplerSeed,
    List<Long> seeds,
    List<String> metrics,
    Objective objective,
    ExecutorSettings executor,
    int executorLine) {

  /** How the trials' settings are chosen. */
  public enum Method {
    /** Every combination of the {@code grid} values. */
    GRID,
    /** {@code trials} independent draws from the {@code parameters}' distributions. */
    RANDOM
  }

  /**
   * The metric a sweep optimises (W&amp;B's {@code metric: {name, goal}}; Optuna's direction).
   *
   * @param name a dotted path into eval.json
   * @param maximize whether larger is better
   */
  public record Objective(String name, boolean maximize) {}

  /** The figures of an evaluation table (EvalReport): per task, and their means (no {@code n}). */
  private static final List<String> TABLE_FIGURES =
      List.of("sc", "bc", "kl", "entropy", "words", "distinct_2", "non_word_rate");

  /**
   * The figures of an RL stage's paired difference from the supervised model ({@code minus_sft}),
   * over tasks ({@code minus_sft.mean}).
   */
  private static final List<String> DIFFERENCE_FIGURES = List.of("sc", "bc");

  /**
   * The figures of {@code minus_sft.tasks.<task>}: those of the mean and distinct-2, which has no
   * mean over tasks.
   */
  private static final List<String> TASK_DIFFERENCE_FIGURES = List.of("sc", "bc", "distinct_2");

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
          + "), stages.<rl stage>.minus_sft.mean.<sc|bc> (or .tasks.<task>.<sc|bc|distinct_2>),"
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
                            && (TASK_DIFFERENCE_FIGURES.contains(parts[5])
                                || parts[5].equals("n"))));
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

  private static final List<String> KEYS =
      List.of(
          "config",
          "name",
          "method",
          "grid",
          "parameters",
          "trials",
          "sampler_seed",
          "seeds",
          "metric",
          "metrics",
          "executor");

  public SweepSpec {
    grid = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grid));
    gridLines = Map.copyOf(gridLines);
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    seeds = List.copyOf(seeds);
    metrics = List.copyOf(metrics);
  }

  /** The same sweep run by another executor kind (the {@code --executor} option). */
  public SweepSpec withExecutor(ExecutorSettings other) {
    return new SweepSpec(
        file,
        name,
        baseConfig,
        method,
        grid,
        gridLines,
        parameters,
        trials,
        samplerSeed,
        seeds,
        metrics,
        objective,
        other,
        executorLine);
  }

  /** The same sweep with its base config at another path (a resumed sweep's recorded one). */
  public SweepSpec withBaseConfig(String newName, Path base) {
    return new SweepSpec(
        file,
        newName,
        base,
        method,
        grid,
        gridLines,
        parameters,
        trials,
        samplerSeed,
        seeds,
        metrics,
        objective,
        executor,
        executorLine);
  }

  /** The config keys the trials vary, in file order: the grid's or the parameters'. */
  public List<String> searchKeys() {
    return List.copyOf(method == Method.GRID ? grid.keySet() : parameters.keySet());
  }

  /** "file, line N" (or just the file when the line is unknown), for error messages. */
  public String where(int line) {
    return file + (line > 0 ? ", line " + line : "");
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
    Map<String, SearchParameter> parameters = new LinkedHashMap<>();
    Method method = Method.GRID;
    int methodLine = 0;
    Integer trials = null;
    int trialsLine = 0;
    long samplerSeed = 0;
    Objective objective = null;
    ExecutorSettings executor = ExecutorSettings.defaults();
    int executorLine = 0;
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
          case "method" -> {
            String value = scalar(p, file, "method");
            methodLine = keyLine;
            method =
                switch (value) {
                  case "grid" -> Method.GRID;
                  case "random" -> Method.RANDOM;
                  default ->
                      throw new UserInputException(
                          file
                              + ", line "
                              + keyLine
                              + ": method: '"
                              + value
                              + "' is not a search method; expected grid or random");
                };
          }
          case "parameters" -> readParameters(p, file, parameters, gridLines);
          case "trials" -> {
            trials = (int) integer(p, file, "trials", 1);
            trialsLine = keyLine;
          }
          case "sampler_seed" -> samplerSeed = integer(p, file, "sampler_seed", Long.MIN_VALUE);
          case "metric" -> objective = readObjective(p, file, keyLine);
          case "executor" -> {
            executor = ExecutorReader.read(p, file);
            executorLine = keyLine;
          }
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
    if (method == Method.GRID) {
      if (!parameters.isEmpty() || trials != null) {
        throw new UserInputException(
            file
                + ", line "
                + (trials != null
                    ? trialsLine
                    : gridLines.get(parameters.keySet().iterator().next()))
                + ": `parameters` and `trials` belong to a random search; add method: random, or"
                + " list the values under `grid`");
      }
      if (grid.isEmpty() && seeds.isEmpty()) {
        throw new UserInputException(
            file
                + ": neither `grid` nor `seeds` is given; expected at least one, "
                + "e.g. grid: {sft.stage2_learning_rate: [1.0e-3, 2.0e-3]}");
      }
    } else {
      if (!grid.isEmpty()) {
        throw new UserInputException(
            file
                + ", line "
                + gridLines.get(grid.keySet().iterator().next())
                + ": method: random draws from `parameters`; give a grid key as"
                + " {distribution: choice, values: [...]} there instead");
      }
      if (parameters.isEmpty() || trials == null) {
        throw new UserInputException(
            file
                + ", line "
                + methodLine
                + ": method: random needs `parameters` (each {distribution: uniform|loguniform|int|"
                + "choice, ...}) and `trials` (how many settings to draw)");
      }
    }
    if (objective != null && !metrics.contains(objective.name())) {
      metrics.add(0, objective.name());
    }
    Path folder = file.toAbsolutePath().getParent();
    Path base = folder.resolve(config).normalize();
    String fileName = file.getFileName().toString();
    String defaultName = fileName.replaceFirst("\\.ya?ml$", "");
    return new SweepSpec(
        file,
        name == null || name.isBlank() ? defaultName : name,
        base,
        method,
        grid,
        gridLines,
        parameters,
        trials == null ? 0 : trials,
        samplerSeed,
        seeds,
        metrics,
        objective,
        executor,
        executorLine);
  }

  /**
   * The trials: every combination of the grid (the last key varying fastest; ids {@code p00},
   * {@code p01}, ...) or the random draws (ids {@code t00}, ...: one stream seeded by {@code
   * sampler_seed}, the parameters drawn in file order, so a sweep file always gives the same
   * trials), each once per seed ({@code -s<seed>}).
   */
  public List<SweepPoint> points() {
    if (method == Method.RANDOM) {
      SplittableRandom random = new SplittableRandom(samplerSeed);
      List<Map<String, String>> draws = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        Map<String, String> draw = new LinkedHashMap<>();
        parameters.forEach((key, parameter) -> draw.put(key, parameter.sample(random)));
        draws.add(draw);
      }
      return withSeeds(draws, "t");
    }
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
    return withSeeds(combinations, "p");
  }

  private List<SweepPoint> withSeeds(List<Map<String, String>> combinations, String prefix) {
    List<SweepPoint> points = new ArrayList<>();
    int width = String.valueOf(Math.max(combinations.size() - 1, 1)).length();
    for (int c = 0; c < combinations.size(); c++) {
      String id = prefix + String.format(Locale.ROOT, "%0" + Math.max(2, width) + "d", c);
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

  private static void readParameters(
      JsonParser p, Path file, Map<String, SearchParameter> parameters, Map<String, Integer> lines)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new UserInputException(
          file
              + ", line "
              + line(p)
              + ": parameters: expected a mapping of config keys to distributions, e.g."
              + " reinforce.learning_rate: {distribution: loguniform, low: 1.0e-4, high: 1.0e-2}");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int keyLine = line(p);
      String where = file + ", line " + keyLine + ": parameters." + key;
      if (key.equals("seed")) {
        throw new UserInputException(where + ": use the top-level `seeds` list for seeds");
      }
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new UserInputException(
            where
                + ": expected {distribution: uniform|loguniform|int|choice, low, high or values}");
      }
      String distribution = null;
      Double low = null;
      Double high = null;
      List<String> values = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "distribution" ->
              distribution = scalar(p, file, "parameters." + key + ".distribution");
          case "low", "high" -> {
            if (!p.currentToken().isNumeric()) {
              throw new UserInputException(
                  where + ": " + field + ": '" + p.getText() + "' is not a number");
            }
            if (field.equals("low")) {
              low = p.getDoubleValue();
            } else {
              high = p.getDoubleValue();
            }
          }
          case "values" -> values = list(p, file, "parameters." + key + ".values");
          default ->
              throw new UserInputException(
                  where
                      + ": unknown key `"
                      + field
                      + "`; expected distribution, low, high (uniform, loguniform, int) or values"
                      + " (choice)");
        }
      }
      SearchParameter.Distribution kind;
      try {
        kind =
            SearchParameter.Distribution.valueOf(
                String.valueOf(distribution).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserInputException(
            where
                + ": distribution '"
                + distribution
                + "' is not one of uniform, loguniform, int, choice");
      }
      if (kind == SearchParameter.Distribution.CHOICE
          ? low != null || high != null
          : !values.isEmpty()) {
        throw new UserInputException(
            where
                + ": "
                + (kind == SearchParameter.Distribution.CHOICE
                    ? "choice takes `values`, not low/high"
                    : distribution + " takes low and high, not `values`"));
      }
      if (kind != SearchParameter.Distribution.CHOICE && (low == null || high == null)) {
        throw new UserInputException(where + ": " + distribution + " needs both low and high");
      }
      SearchParameter parameter =
          new SearchParameter(
              key,
              kind,
              low == null ? Double.NaN : low,
              high == null ? Double.NaN : high,
              values,
              keyLine);
      String problem = parameter.problem();
      if (problem != null) {
        throw new UserInputException(where + ": impossible range: " + problem);
      }
      parameters.put(key, parameter);
      lines.put(key, keyLine);
    }
  }

  private static Objective readObjective(JsonParser p, Path file, int keyLine) throws IOException {
    String where = file + ", line " + keyLine + ": metric";
    String name = null;
    String goal = "maximize";
    if (p.currentToken().isScalarValue()) {
      name = p.getText();
    } else if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "name" -> name = scalar(p, file, "metric.name");
          case "goal" -> goal = scalar(p, file, "metric.goal");
          default ->
              throw new UserInputException(
                  where + ": unknown key `" + field + "`; expected name and goal");
        }
      }
    } else {
      throw new UserInputException(
          where + ": expected {name: <path into eval.json>, goal: maximize|minimize}");
    }
    if (name == null) {
      throw new UserInputException(where + ": missing `name`, e.g. stages.rl_reinforce.mean.sc");
    }
    String problem = metricProblem(name);
    if (problem != null) {
      throw new UserInputException(where + ": '" + name + "' " + problem);
    }
    if (!goal.equals("maximize") && !goal.equals("minimize")) {
      throw new UserInputException(
          where + ": goal '" + goal + "' is not a direction; expected maximize or minimize");
    }
    return new Objective(name, goal.equals("maximize"));
  }

  private static long integer(JsonParser p, Path file, String key, long min) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < min) {
      throw new UserInputException(
          file
              + ", line "
              + line(p)
              + ": "
              + key
              + ": '"
              + p.getText()
              + "' is not "
              + (min == 1 ? "a positive integer" : "an integer"));
    }
    return p.getLongValue();
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

  static String scalar(JsonParser p, Path file, String key) throws IOException {
    if (!p.currentToken().isScalarValue()) {
      throw new UserInputException(
          file + ", line " + line(p) + ": " + key + ": expected a single value");
    }
    return p.getText();
  }

  static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }
}
