package dev.elmrlaif.app.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RL stage against the supervised model on the same held-out examples ("RL − SFT"): per task and
 * over tasks, the difference of mean SC (and of mean BC where the task has it) with its paired
 * {@link Bootstrap} interval, the same examples resampled for both; per task also the difference of
 * distinct-2 ({@link TextFigures#pairedDistinct2Difference}). An interval that excludes 0 is a
 * difference this held-out sample supports at the 95 % level; one that straddles 0 is not told
 * apart from the sampling noise of the held-out entities (it says nothing of the training run's own
 * randomness, which only more seeds measure). The mean is over the tasks both were evaluated on.
 *
 * @param tasks the difference of each task both sources were evaluated on
 * @param meanSc the mean over those tasks of the SC differences, with its interval
 * @param meanBc the mean over those with BC of the BC differences, with its interval; null when
 *     none has BC
 */
public record EvalComparison(
    Map<String, EvalComparison.Difference> tasks,
    Bootstrap.Interval meanSc,
    Bootstrap.Interval meanBc) {

  /**
   * One task's differences.
   *
   * @param n the number of held-out examples both were scored on
   * @param sc {@code mean(SC_stage) − mean(SC_sft)} with its paired interval
   * @param bc the same for BC, or null when the task has none
   * @param distinct2 {@code distinct2(texts_stage) − distinct2(texts_sft)} with its paired
   *     interval, or null when either has no texts
   */
  public record Difference(
      int n, Bootstrap.Interval sc, Bootstrap.Interval bc, Bootstrap.Interval distinct2) {}

  public EvalComparison {
    tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
  }

  /**
   * The comparison of a stage's per-example scores and texts ({@code sc}, {@code bc}, {@code
   * texts}, by task) with the supervised model's on the same examples in the same order; tasks the
   * supervised model lacks are left out.
   */
  public static EvalComparison paired(
      Map<String, double[]> sc,
      Map<String, double[]> bc,
      Map<String, List<String>> texts,
      Map<String, double[]> sftSc,
      Map<String, double[]> sftBc,
      Map<String, List<String>> sftTexts,
      Bootstrap bootstrap) {
    Map<String, Difference> tasks = new LinkedHashMap<>();
    List<double[]> scStage = new ArrayList<>();
    List<double[]> scSft = new ArrayList<>();
    List<double[]> bcStage = new ArrayList<>();
    List<double[]> bcSft = new ArrayList<>();
    sc.forEach(
        (task, values) -> {
          double[] reference = sftSc.get(task);
          if (reference == null) {
            return;
          }
          double[] stageBc = bc.get(task);
          double[] referenceBc = sftBc.get(task);
          boolean withBc = stageBc != null && referenceBc != null;
          List<String> stageTexts = texts.get(task);
          List<String> referenceTexts = sftTexts.get(task);
          tasks.put(
              task,
              new Difference(
                  values.length,
                  bootstrap.pairedDifference(values, reference),
                  withBc ? bootstrap.pairedDifference(stageBc, referenceBc) : null,
                  stageTexts == null || referenceTexts == null
                      ? null
                      : TextFigures.pairedDistinct2Difference(
                          stageTexts, referenceTexts, bootstrap)));
          scStage.add(values);
          scSft.add(reference);
          if (withBc) {
            bcStage.add(stageBc);
            bcSft.add(referenceBc);
          }
        });
    return new EvalComparison(
        tasks,
        bootstrap.pairedDifferenceOfMeans(scStage, scSft),
        bcStage.isEmpty() ? null : bootstrap.pairedDifferenceOfMeans(bcStage, bcSft));
  }
}
