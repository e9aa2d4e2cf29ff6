package dev.elmrlaif.rlaif.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consistency of one text source (a trained model or a baseline) per task: mean semantic
 * consistency, mean behavioral consistency where the task has one, and the number of examples; and
 * the means over tasks (each task weighs the same, as in the paper's Table 2).
 */
public record EvalTable(Map<String, TaskScore> tasks) {

  /** One task's figures; {@code bc} is null for tasks without a behavioral ground truth. */
  public record TaskScore(double sc, Double bc, int n) {}

  public EvalTable {
    tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
  }

  /** A table from per-example scores: {@code bc} may be null (no behavioral consistency for the task). */
  public static EvalTable of(Map<String, double[]> scByTask, Map<String, double[]> bcByTask) {
    Map<String, TaskScore> tasks = new LinkedHashMap<>();
    scByTask.forEach((task, sc) -> {
      double[] bc = bcByTask.get(task);
      tasks.put(task, new TaskScore(mean(sc), bc == null ? null : mean(bc), sc.length));
    });
    return new EvalTable(tasks);
  }

  /** The mean of the tasks' semantic consistencies. */
  public double meanSc() {
    return tasks.values().stream().mapToDouble(TaskScore::sc).average().orElse(Double.NaN);
  }

  /** The mean of the behavioral consistencies of the tasks that have one, or null when none does. */
  public Double meanBc() {
    List<Double> values = tasks.values().stream().map(TaskScore::bc).filter(v -> v != null).toList();
    return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }
}
