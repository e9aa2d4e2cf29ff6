package dev.elmrlaif.app.bench;

import dev.elmrlaif.app.bench.CompareWorkload.Figure;
import dev.elmrlaif.app.bench.CompareWorkload.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * The Markdown table of {@code rlaif bench --compare}: per figure the median and the min-max over
 * the rounds on each side and the Java/PyTorch time ratio (below 1: Java is faster), under a header
 * with the machine, the versions and the BLAS of each side. The training FLOP/s shares are derived
 * here, per round, as {@code 6 * params * tokens/s / GEMM FLOP/s} (the usual estimate of training
 * FLOPs per token, Kaplan et al. 2020: 2 for the forward and 4 for the backward pass per
 * parameter).
 */
public final class ComparisonTable {

  /**
   * The machine the rounds ran on.
   *
   * @param cores logical processors the JVM sees
   * @param cpuModel the {@code model name} of {@code /proc/cpuinfo}, or "unknown"
   */
  public record Machine(int cores, String cpuModel) {
    /** This machine. */
    public static Machine detect() {
      String model = "unknown";
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            model = line.substring(line.indexOf(':') + 1).trim();
            break;
          }
        }
      } catch (IOException | RuntimeException e) {
        model = "unknown (" + e.getMessage() + ")";
      }
      return new Machine(Runtime.getRuntime().availableProcessors(), model);
    }
  }

  private ComparisonTable() {}

  /** The median of the values (the mean of the middle two for an even count). */
  public static double median(double[] values) {
    return new Median().evaluate(values);
  }

  /**
   * Java's time over PyTorch's for the same work: for a rate the PyTorch value over the Java one,
   * for a time the Java value over the PyTorch one; NaN for a share (not a time).
   */
  public static double timeRatio(Kind kind, double java, double pytorch) {
    return switch (kind) {
      case RATE -> pytorch / java;
      case TIME -> java / pytorch;
      case SHARE -> Double.NaN;
    };
  }

  /**
   * Each round's figures with the derived FLOP/s shares added.
   *
   * @throws IllegalArgumentException when a round lacks a figure or a parameter count the table
   *     needs
   */
  static Map<String, Double> withShares(CompareWorkload workload, SideFigures round) {
    Map<String, Double> figures = new LinkedHashMap<>(round.figures());
    double gemm = require(round, "gemm_gflop_s");
    for (int d : workload.dModels()) {
      String params = round.info().get(CompareWorkload.paramsKey(d));
      if (params == null) {
        throw new IllegalArgumentException(
            round.side() + " side: no " + CompareWorkload.paramsKey(d) + " in its info");
      }
      double tokens = require(round, CompareWorkload.trainKey(d));
      figures.put(
          CompareWorkload.shareKey(d), 6.0 * Double.parseDouble(params) * tokens / (gemm * 1e9));
    }
    return figures;
  }

  private static double require(SideFigures round, String key) {
    Double value = round.figures().get(key);
    if (value == null) {
      throw new IllegalArgumentException(round.side() + " side: no figure " + key);
    }
    return value;
  }

  /**
   * The whole Markdown section: header lines, then the table.
   *
   * @param java the Java side's rounds, in order
   * @param pytorch the PyTorch side's rounds, in order
   */
  public static String markdown(
      CompareWorkload workload,
      Machine machine,
      List<SideFigures> java,
      List<SideFigures> pytorch) {
    if (java.isEmpty() || pytorch.isEmpty()) {
      throw new IllegalArgumentException("bench --compare: no rounds to tabulate");
    }
    List<Map<String, Double>> javaRounds = new ArrayList<>();
    java.forEach(round -> javaRounds.add(withShares(workload, round)));
    List<Map<String, Double>> pytorchRounds = new ArrayList<>();
    pytorch.forEach(round -> pytorchRounds.add(withShares(workload, round)));
    Map<String, String> javaInfo = java.get(0).info();
    Map<String, String> pytorchInfo = pytorch.get(0).info();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Machine: %d cores, %s. %d intra-op thread(s) and 1 inter-op thread on each side,"
                + " OMP_NUM_THREADS=%d for both processes, OMP_WAIT_POLICY=PASSIVE for PyTorch's"
                + " and libgomp's default for Java's (as ./rlaif train runs); %d round(s),"
                + " the sides alternated, each a separate process (%d warm-up(s), then the median"
                + " of %d run(s) per figure); the table gives the median (min-max) over the"
                + " rounds.%n%n",
            machine.cores(),
            machine.cpuModel(),
            workload.threads(),
            workload.threads(),
            Math.min(java.size(), pytorch.size()),
            workload.warmups(),
            workload.runs()));
    md.append(
        String.format(
            Locale.ROOT,
            "- Java side: Java %s, DJL %s, libtorch %s; BLAS: %s%n",
            javaInfo.getOrDefault("java", "?"),
            javaInfo.getOrDefault("djl", "?"),
            javaInfo.getOrDefault("libtorch", "?"),
            javaInfo.getOrDefault("blas", "?")));
    md.append(
        String.format(
            Locale.ROOT,
            "- PyTorch side: Python %s, torch %s; BLAS: %s%n",
            pytorchInfo.getOrDefault("python", "?"),
            pytorchInfo.getOrDefault("torch", "?"),
            pytorchInfo.getOrDefault("blas", "?")));
    List<String> params = new ArrayList<>();
    for (int d : workload.dModels()) {
      String key = CompareWorkload.paramsKey(d);
      String javaParams = javaInfo.get(key);
      String pytorchParams = pytorchInfo.get(key);
      params.add(
          Objects.equals(javaParams, pytorchParams)
              ? "d_model " + d + ": " + javaParams
              : "d_model "
                  + d
                  + ": Java "
                  + javaParams
                  + " but PyTorch "
                  + pytorchParams
                  + " (THE MODELS DIFFER)");
    }
    md.append("- Parameters: ").append(String.join("; ", params)).append("\n\n");
    md.append("| figure | Java (DJL) | PyTorch (Python) | Java/PyTorch time |\n");
    md.append("| --- | --- | --- | --- |\n");
    for (Figure figure : workload.figures()) {
      double[] javaValues = values(javaRounds, figure.key(), "java");
      if (figure.javaOnly()) {
        md.append("| ")
            .append(figure.label())
            .append(" | ")
            .append(cell(figure.kind(), javaValues))
            .append(" | not measured | — |\n");
        continue;
      }
      double[] pytorchValues = values(pytorchRounds, figure.key(), "pytorch");
      double javaMedian = median(javaValues);
      double pytorchMedian = median(pytorchValues);
      double ratio = timeRatio(figure.kind(), javaMedian, pytorchMedian);
      md.append("| ")
          .append(figure.label())
          .append(" | ")
          .append(cell(figure.kind(), javaValues))
          .append(" | ")
          .append(cell(figure.kind(), pytorchValues))
          .append(" | ")
          .append(Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f", ratio))
          .append(" |\n");
    }
    md.append(
        "\nJava/PyTorch time: Java's time for the same work over PyTorch's (for a rate, PyTorch's"
            + " median over Java's); below 1 Java is faster.\n");
    return md.toString();
  }

  private static double[] values(List<Map<String, Double>> rounds, String key, String side) {
    double[] values = new double[rounds.size()];
    for (int i = 0; i < values.length; i++) {
      Double value = rounds.get(i).get(key);
      if (value == null) {
        throw new IllegalArgumentException(side + " side: no figure " + key);
      }
      values[i] = value;
    }
    return values;
  }

  /** {@code median (min-max)}, or the value alone for one round. */
  static String cell(Kind kind, double[] values) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    String median = number(kind, median(values));
    return values.length == 1
        ? median
        : median + " (" + number(kind, min) + "–" + number(kind, max) + ")";
  }

  /** Rates and times with three significant digits or whole numbers; shares in percent. */
  static String number(Kind kind, double value) {
    if (kind == Kind.SHARE) {
      return String.format(Locale.ROOT, "%.1f %%", 100 * value);
    }
    double magnitude = Math.abs(value);
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (magnitude >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }
}
