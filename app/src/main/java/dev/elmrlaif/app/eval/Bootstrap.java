package dev.elmrlaif.app.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/**
 * Bootstrap percentile intervals for the evaluation's figures (DESIGN.md §5, "Figures with
 * uncertainty"), so that a difference between two stages can be told from the noise of a finite
 * held-out sample. Every figure is a mean over per-example scores, and the mean over tasks is the
 * mean of the tasks' means (each task weighs the same), so one statistic covers every case: for
 * groups (tasks) {@code x_1 … x_G} with {@code n_g} examples each,
 *
 * <pre>
 *   θ(x_1 … x_G) = (1/G) Σ_g (1/n_g) Σ_i x_g[i]
 * </pre>
 *
 * (one task: the plain mean). A replicate {@code θ*_b} is θ of a resample that draws {@code n_g}
 * indices of each group uniformly with replacement, each group independently of the others; the
 * interval at confidence {@code c} is the percentile interval (Efron and Tibshirani 1993, ch. 13)
 *
 * <pre>
 *   [ Q(θ*, (1 − c)/2), Q(θ*, (1 + c)/2) ]
 * </pre>
 *
 * where {@code Q} is the quantile of the {@code B} replicates by definition 7 of Hyndman and Fan
 * (1996), the default of R and NumPy: with the replicates sorted as {@code s_1 ≤ … ≤ s_B}, {@code h
 * = (B − 1)·p + 1}, {@code Q = s_⌊h⌋ + (h − ⌊h⌋)·(s_⌊h⌋+1 − s_⌊h⌋)} (Commons Math {@link
 * Percentile} with {@link EstimationType#R_7}).
 *
 * <p>A <b>paired</b> difference of two sources scored on the same examples (an RL stage against the
 * supervised model) resamples the same indices for both: {@code θ(a*) − θ(b*)}. Since θ is linear
 * this is exactly θ of the resampled per-example differences {@code a_g[i] − b_g[i]}, which is how
 * it is computed; what the two sources share per example (an easy or a hard entity) cancels, so the
 * paired interval is narrower than that of two independent samples when the scores are correlated.
 *
 * <p>Figures that are not means of per-example scores, such as the corpus distinct-2 of a task's
 * texts ({@link TextFigures#distinct2Interval}), use the same resampler through {@link
 * #interval(int, ToDoubleFunction)}: a replicate is the statistic of the examples at the drawn
 * indices, and a paired difference is the difference of the two sources' statistics at the same
 * indices (no longer the statistic of per-example differences); one that resampling itself biases
 * is shifted back by the bias estimate ({@link #biasCorrectedInterval}).
 *
 * <p>Random draws are reproducible: every call starts a fresh {@link SplittableRandom} from the
 * seed and draws, replicate by replicate, group by group, each index as {@code nextInt(n_g)}. Two
 * sources with the same group sizes are therefore resampled with the same indices, whatever the
 * order of the calls.
 */
public final class Bootstrap {
  /** The evaluation's default number of resamples. */
  public static final int DEFAULT_RESAMPLES = 1000;

  /** The evaluation's confidence level. */
  public static final double CONFIDENCE = 0.95;

  private final int resamples;
  private final double confidence;
  private final long seed;

  /**
   * @param resamples the number of replicates {@code B}, at least 2
   * @param confidence the interval's coverage {@code c}, in (0, 1)
   * @param seed the seed every call starts from
   */
  public Bootstrap(int resamples, double confidence, long seed) {
    if (resamples < 2) {
      throw new IllegalArgumentException("resamples must be at least 2, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    this.resamples = resamples;
    this.confidence = confidence;
    this.seed = seed;
  }

  /**
   * A figure with its interval: {@code estimate} is the statistic of the sample itself, {@code low}
   * and {@code high} the percentile interval's bounds (all NaN when a group is empty).
   */
  public record Interval(double estimate, double low, double high) {
    /** {@code high − low}. */
    public double width() {
      return high - low;
    }
  }

  public int resamples() {
    return resamples;
  }

  public double confidence() {
    return confidence;
  }

  public long seed() {
    return seed;
  }

  /** The mean of {@code sample} with its interval. */
  public Interval mean(double[] sample) {
    return meanOfMeans(List.of(sample));
  }

  /** The mean of the groups' means with its interval; each group is resampled independently. */
  public Interval meanOfMeans(List<double[]> groups) {
    if (groups.isEmpty() || groups.stream().anyMatch(g -> g.length == 0)) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN);
    }
    return intervalOfGroups(sizes(groups), indices -> meanOfMeans(groups, indices), false);
  }

  /**
   * A statistic of {@code n} examples that is not a mean of per-example scores, with its percentile
   * interval: {@code statistic} receives the indices of a sample of the examples, {@code 0 … n−1}
   * for the estimate and {@code n} indices drawn with replacement (in the documented draw order,
   * one group) for each replicate. Replicates where the statistic is NaN (undefined for that
   * resample) are left out of the quantiles. All NaN when {@code n} is 0.
   */
  public Interval interval(int n, ToDoubleFunction<int[]> statistic) {
    return intervalOfOneGroup(n, statistic, false);
  }

  /**
   * {@link #interval(int, ToDoubleFunction)} shifted by the bootstrap estimate of the statistic's
   * bias, {@code mean(θ*) − θ̂} (Efron and Tibshirani 1993, §10.2), for a statistic that resampling
   * itself moves: the interval is {@code [Q(θ*, (1 − c)/2) − bias, Q(θ*, (1 + c)/2) − bias]}. A
   * mean needs no such shift (its replicates centre on the estimate); a type-token ratio such as
   * the corpus distinct-2 does, since a resample of {@code n} examples holds only about {@code (1 −
   * 1/e)·n ≈ 0.63·n} distinct ones, and an n-gram that occurs in one example is missing from about
   * 37 % of the resamples while the repeated examples still add to the total: its raw replicates
   * lie well below the estimate (often the whole percentile interval does), and by an amount that
   * depends on how many n-grams are rare, so it differs between two text sources.
   */
  public Interval biasCorrectedInterval(int n, ToDoubleFunction<int[]> statistic) {
    return intervalOfOneGroup(n, statistic, true);
  }

  private Interval intervalOfOneGroup(
      int n, ToDoubleFunction<int[]> statistic, boolean biasCorrected) {
    if (n == 0) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN);
    }
    return intervalOfGroups(
        new int[] {n}, indices -> statistic.applyAsDouble(indices[0]), biasCorrected);
  }

  /**
   * The estimate of {@code statistic} on the groups themselves and its percentile interval over the
   * replicates of {@link #replicates(int[], ToDoubleFunction)} where it is defined (not NaN),
   * shifted by minus the replicates' mean bias when {@code biasCorrected}; every group size at
   * least 1.
   */
  private Interval intervalOfGroups(
      int[] groupSizes, ToDoubleFunction<int[][]> statistic, boolean biasCorrected) {
    int[][] identity = new int[groupSizes.length][];
    for (int g = 0; g < groupSizes.length; g++) {
      identity[g] = IntStream.range(0, groupSizes[g]).toArray();
    }
    double estimate = statistic.applyAsDouble(identity);
    // left out by hand: Commons Math's own NaN removal misplaces R-7's upper quantile
    double[] defined =
        Arrays.stream(replicates(groupSizes, statistic)).filter(r -> !Double.isNaN(r)).toArray();
    double bias =
        biasCorrected && defined.length > 0
            ? Arrays.stream(defined).average().orElseThrow() - estimate
            : 0;
    Percentile quantile = new Percentile().withEstimationType(EstimationType.R_7);
    quantile.setData(defined);
    double tail = (1 - confidence) / 2;
    return new Interval(
        estimate, quantile.evaluate(100 * tail) - bias, quantile.evaluate(100 * (1 - tail)) - bias);
  }

  /**
   * {@code mean(a) − mean(b)} for two sources scored on the same examples, with its paired
   * interval.
   */
  public Interval pairedDifference(double[] a, double[] b) {
    return pairedDifferenceOfMeans(List.of(a), List.of(b));
  }

  /**
   * {@code θ(a) − θ(b)} for two sources scored on the same examples of each group (group {@code g}
   * of {@code a} and of {@code b} holding the same examples in the same order), with the paired
   * interval: the same indices resampled for both.
   */
  public Interval pairedDifferenceOfMeans(List<double[]> a, List<double[]> b) {
    if (a.size() != b.size()) {
      throw new IllegalArgumentException("paired groups: " + a.size() + " against " + b.size());
    }
    List<double[]> differences = new java.util.ArrayList<>();
    for (int g = 0; g < a.size(); g++) {
      double[] x = a.get(g);
      double[] y = b.get(g);
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "paired group " + g + ": " + x.length + " against " + y.length + " examples");
      }
      double[] d = new double[x.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = x[i] - y[i];
      }
      differences.add(d);
    }
    return meanOfMeans(differences);
  }

  /**
   * The {@code B} replicates {@code θ*_b} of the groups, in the order drawn (see the class comment
   * for the draw order); every group must hold at least one value.
   */
  public double[] replicates(List<double[]> groups) {
    return replicates(sizes(groups), indices -> meanOfMeans(groups, indices));
  }

  /**
   * The {@code B} replicates of any statistic of resampled examples: for each replicate, {@code
   * groupSizes[g]} indices drawn uniformly with replacement from {@code 0 … groupSizes[g]−1} for
   * each group {@code g} (the class comment's draw order), then {@code statistic} of those index
   * arrays (the same arrays refilled for every replicate: the statistic must not keep them). The
   * one resampler behind every interval, so that a mean and a corpus figure (distinct-2) of the
   * same examples are resampled with the same indices.
   */
  public double[] replicates(int[] groupSizes, ToDoubleFunction<int[][]> statistic) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] replicates = new double[resamples];
    int[][] indices = new int[groupSizes.length][];
    for (int g = 0; g < groupSizes.length; g++) {
      indices[g] = new int[groupSizes[g]];
    }
    for (int b = 0; b < resamples; b++) {
      for (int[] group : indices) {
        for (int i = 0; i < group.length; i++) {
          group[i] = random.nextInt(group.length);
        }
      }
      replicates[b] = statistic.applyAsDouble(indices);
    }
    return replicates;
  }

  /** θ of the groups at the given indices: the mean over groups of each group's selected mean. */
  private static double meanOfMeans(List<double[]> groups, int[][] indices) {
    double sum = 0;
    for (int g = 0; g < indices.length; g++) {
      double[] group = groups.get(g);
      double groupSum = 0;
      for (int index : indices[g]) {
        groupSum += group[index];
      }
      sum += groupSum / indices[g].length;
    }
    return sum / indices.length;
  }

  private static int[] sizes(List<double[]> groups) {
    return groups.stream().mapToInt(g -> g.length).toArray();
  }
}
