package dev.elmrlaif.app.eval;

import java.util.List;
import java.util.SplittableRandom;
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
    double[] replicates = replicates(groups);
    Percentile quantile = new Percentile().withEstimationType(EstimationType.R_7);
    quantile.setData(replicates);
    double tail = (1 - confidence) / 2;
    return new Interval(
        statistic(groups), quantile.evaluate(100 * tail), quantile.evaluate(100 * (1 - tail)));
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
    SplittableRandom random = new SplittableRandom(seed);
    double[] replicates = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double sum = 0;
      for (double[] group : groups) {
        double groupSum = 0;
        for (int i = 0; i < group.length; i++) {
          groupSum += group[random.nextInt(group.length)];
        }
        sum += groupSum / group.length;
      }
      replicates[b] = sum / groups.size();
    }
    return replicates;
  }

  /** θ: the mean over groups of each group's mean. */
  static double statistic(List<double[]> groups) {
    double sum = 0;
    for (double[] group : groups) {
      double groupSum = 0;
      for (double v : group) {
        groupSum += v;
      }
      sum += groupSum / group.length;
    }
    return sum / groups.size();
  }
}
