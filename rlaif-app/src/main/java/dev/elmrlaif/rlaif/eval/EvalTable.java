package dev.elmrlaif.rlaif.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The consistency of one text source (a trained model or a baseline) per task: mean semantic
 * consistency, mean behavioral consistency where the task has one, and the number of examples; for
 * trained models also how far they moved from the supervised model ({@link GenerationStats}: KL,
 * entropy, distinct-2); and the means over tasks (each task weighs the same, as in the paper's
 * Table 2).
 */
public record EvalTable(Map<String, TaskScore> tasks) {

  /**
   * One task's figures; {@code bc} is null for tasks without a behavioral ground truth, and
   * {@code kl}, {@code entropy}, {@code distinct2} are null for baselines (and {@code kl} for a model
   * without a supervised model of its kind to compare with).
   *
   * @param kl mean over the task's generations of {@code Σ_t KL(π(·|s_t) ‖ π_sft(·|s_t))}
   * @param entropy mean over the task's generations of {@code Σ_t H(π(·|s_t))}
   * @param distinct2 distinct word bigrams over all word bigrams of the task's generations
   */
  public record TaskScore(double sc, Double bc, int n, Double kl, Double entropy, Double distinct2) {
    /** A baseline's figures: consistency only. */
    public TaskScore(double sc, Double bc, int n) {
      this(sc, bc, n, null, null, null);
    }
  }

  public EvalTable {
    tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
  }

  /** A table from per-example scores: {@code bc} may be null (no behavioral consistency for the task). */
  public static EvalTable of(Map<String, double[]> scByTask, Map<String, double[]> bcByTask) {
    return of(scByTask, bcByTask, Map.of());
  }

  /** A table from per-example scores and, for trained models, each task's {@link GenerationStats}. */
  public static EvalTable of(Map<String, double[]> scByTask, Map<String, double[]> bcByTask,
      Map<String, GenerationStats> generationsByTask) {
    Map<String, TaskScore> tasks = new LinkedHashMap<>();
    scByTask.forEach((task, sc) -> {
      double[] bc = bcByTask.get(task);
      GenerationStats stats = generationsByTask.get(task);
      tasks.put(task, new TaskScore(mean(sc), bc == null ? null : mean(bc), sc.length,
          stats == null || stats.kl() == null ? null : mean(stats.kl()),
          stats == null ? null : mean(stats.entropy()),
          stats == null ? null : stats.distinct2()));
    });
    return new EvalTable(tasks);
  }

  /** The mean of the tasks' semantic consistencies. */
  public double meanSc() {
    return tasks.values().stream().mapToDouble(TaskScore::sc).average().orElse(Double.NaN);
  }

  /** The mean of the behavioral consistencies of the tasks that have one, or null when none does. */
  public Double meanBc() {
    return meanOf(TaskScore::bc);
  }

  /** The mean over tasks of the per-sequence KL to the supervised model, or null when no task has one. */
  public Double meanKl() {
    return meanOf(TaskScore::kl);
  }

  /** The mean over tasks of the per-sequence entropy, or null for a baseline. */
  public Double meanEntropy() {
    return meanOf(TaskScore::entropy);
  }

  /** The mean over tasks of distinct-2, or null for a baseline. */
  public Double meanDistinct2() {
    return meanOf(TaskScore::distinct2);
  }

  private Double meanOf(Function<TaskScore, Double> figure) {
    List<Double> values = tasks.values().stream().map(figure).filter(v -> v != null).toList();
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
