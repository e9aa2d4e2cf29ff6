package dev.elmrlaif.app.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The figures of one text source (a trained model or a baseline) per task and over tasks: mean
 * semantic consistency and, where the task has one, mean behavioral consistency, each with its
 * {@link Bootstrap} interval over the held-out examples; the texts' length, distinct-2 (with its
 * interval) and non-word rate ({@link TextFigures}); for trained models also how far they moved
 * from the supervised model ({@link GenerationStats}: KL, entropy). The means over tasks weigh each
 * task the same, as in the paper's Table 2, and their intervals resample each task's examples
 * independently.
 *
 * @param tasks the figures of each task, in evaluation order
 * @param meanSc the mean over tasks of SC, with its interval
 * @param meanBc the mean over the tasks that have BC, with its interval; null when none has
 */
public record EvalTable(
    Map<String, TaskScore> tasks, Bootstrap.Interval meanSc, Bootstrap.Interval meanBc) {

  /**
   * One task's figures; {@code bc} is null for tasks without a behavioral ground truth, and {@code
   * kl}, {@code entropy} are null for baselines ({@code kl} also for a model without a supervised
   * model of its kind to compare with).
   *
   * @param n the number of held-out examples
   * @param sc mean SC with its interval
   * @param bc mean BC with its interval, or null
   * @param text the texts' length, distinct-2 and non-word rate
   * @param distinct2 distinct-2 with its interval over the held-out examples ({@link
   *     TextFigures#distinct2Interval}; its estimate is {@code text.distinct2()})
   * @param kl mean over the task's generations of {@code Σ_t KL(π(·|s_t) ‖ π_sft(·|s_t))}
   * @param entropy mean over the task's generations of {@code Σ_t H(π(·|s_t))}
   */
  public record TaskScore(
      int n,
      Bootstrap.Interval sc,
      Bootstrap.Interval bc,
      TextFigures text,
      Bootstrap.Interval distinct2,
      Double kl,
      Double entropy) {}

  public EvalTable {
    tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
  }

  /**
   * A table from per-example scores ({@code bcByTask} lacks the tasks without behavioral
   * consistency), each task's texts (one per example, in the scores' order; their figures against
   * {@code vocabulary}) and, for trained models, each task's {@link GenerationStats}; intervals
   * from {@code bootstrap}.
   */
  public static EvalTable of(
      Map<String, double[]> scByTask,
      Map<String, double[]> bcByTask,
      Map<String, List<String>> textsByTask,
      TrainingVocabulary vocabulary,
      Map<String, GenerationStats> generationsByTask,
      Bootstrap bootstrap) {
    Map<String, TaskScore> tasks = new LinkedHashMap<>();
    List<double[]> scGroups = new ArrayList<>();
    List<double[]> bcGroups = new ArrayList<>();
    scByTask.forEach(
        (task, sc) -> {
          double[] bc = bcByTask.get(task);
          GenerationStats stats = generationsByTask.get(task);
          List<String> texts = textsByTask.get(task);
          tasks.put(
              task,
              new TaskScore(
                  sc.length,
                  bootstrap.mean(sc),
                  bc == null ? null : bootstrap.mean(bc),
                  texts == null ? null : TextFigures.of(texts, vocabulary),
                  texts == null ? null : TextFigures.distinct2Interval(texts, bootstrap),
                  stats == null || stats.kl() == null ? null : mean(stats.kl()),
                  stats == null ? null : mean(stats.entropy())));
          scGroups.add(sc);
          if (bc != null) {
            bcGroups.add(bc);
          }
        });
    return new EvalTable(
        tasks,
        bootstrap.meanOfMeans(scGroups),
        bcGroups.isEmpty() ? null : bootstrap.meanOfMeans(bcGroups));
  }

  /**
   * The mean over tasks of the per-sequence KL to the supervised model, or null when no task has
   * one.
   */
  public Double meanKl() {
    return meanOf(TaskScore::kl);
  }

  /** The mean over tasks of the per-sequence entropy, or null for a baseline. */
  public Double meanEntropy() {
    return meanOf(TaskScore::entropy);
  }

  /** The mean over tasks of the mean length in words. */
  public Double meanWords() {
    return meanOf(score -> score.text() == null ? null : score.text().words());
  }

  /** The mean over tasks of distinct-2. */
  public Double meanDistinct2() {
    return meanOf(score -> score.text() == null ? null : score.text().distinct2());
  }

  /** The mean over tasks of the non-word rate. */
  public Double meanNonWordRate() {
    return meanOf(score -> score.text() == null ? null : score.text().nonWordRate());
  }

  private Double meanOf(Function<TaskScore, Double> figure) {
    List<Double> values = tasks.values().stream().map(figure).filter(v -> v != null).toList();
    return values.isEmpty()
        ? null
        : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }
}
