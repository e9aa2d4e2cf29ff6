package dev.elmrlaif.rewards;

import java.util.Arrays;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Rank-comparison scores for behavioral consistency (paper Sec. 3.2, App. B): how well a predicted
 * ordering of candidates (similarity to the generated text) agrees with the ground truth (ratings
 * or factorisation scores). Ties follow the standard definitions:
 *
 * <pre>
 *   Spearman ρ   = Pearson correlation of the two rank vectors, ties given their average rank
 *   Kendall τ_b  = (n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2)),  n_0 = n(n−1)/2,
 *                  n_1 = Σ t(t−1)/2 over tie groups of the prediction, n_2 likewise of the truth;
 *                  pairs tied in either vector are neither concordant nor discordant
 *   NDCG@k       = DCG@k / IDCG@k,  DCG@k = Σ_{p<k} gain_p / log2(p + 2)  (positions p from 0),
 *                  gain = relevance − min(0, min relevance)  (linear gain, shifted to be non-negative);
 *                  candidates tied in the prediction share the mean gain of their group over the positions
 *                  the group occupies (McSherry &amp; Najork 2008), so the input order never matters
 * </pre>
 *
 * Each returns NaN when undefined: fewer than two candidates, a constant vector (ρ, τ_b), or zero
 * ideal DCG.
 *
 * <p>Commons Math supplies the ranks ({@link NaturalRanking}, average ranks for ties) and τ_b
 * ({@link KendallsCorrelation}, Knight's O(n log n) algorithm, the same value as counting pairs).
 * Ties are values equal under {@link Double#compare} in both, and a NaN ranks above every number. ρ
 * is the Pearson formula above on those ranks: the ranks are multiples of ½, so the sums are exact
 * and only the final square root and division round, whereas Commons Math's {@code
 * PearsonsCorrelation} (through {@code SimpleRegression}'s {@code sqrt(R²)}) differs from that in
 * the last bit for most inputs, which would change every reported behavioral-consistency figure.
 */
public final class RankMetrics {

  /** Which rank metric a behavioral-consistency reward uses. */
  public enum Metric {
    SPEARMAN,
    KENDALL_TAU_B,
    NDCG
  }

  /**
   * Average ranks for ties; a NaN ranks above every number, as {@link Double#compare} orders it.
   */
  private static final NaturalRanking RANKING =
      new NaturalRanking(NaNStrategy.MAXIMAL, TiesStrategy.AVERAGE);

  private RankMetrics() {}

  /** The chosen metric; {@code k} is only used by NDCG (values < 1 mean all candidates). */
  public static double compute(Metric metric, double[] predicted, double[] truth, int k) {
    return switch (metric) {
      case SPEARMAN -> spearman(predicted, truth);
      case KENDALL_TAU_B -> kendallTauB(predicted, truth);
      case NDCG -> ndcg(predicted, truth, k);
    };
  }

  /** Ranks 1..n, tied values given the mean of the ranks they span. */
  public static double[] averageRanks(double[] values) {
    return RANKING.rank(values);
  }

  public static double spearman(double[] predicted, double[] truth) {
    requireSameLength(predicted, truth);
    if (predicted.length < 2) {
      return Double.NaN;
    }
    return pearson(averageRanks(predicted), averageRanks(truth));
  }

  public static double kendallTauB(double[] predicted, double[] truth) {
    requireSameLength(predicted, truth);
    if (predicted.length < 2) {
      return Double.NaN;
    }
    return new KendallsCorrelation().correlation(predicted, truth);
  }

  public static double ndcg(double[] predicted, double[] truth, int k) {
    requireSameLength(predicted, truth);
    int n = predicted.length;
    if (n < 2) {
      return Double.NaN;
    }
    int cutoff = k < 1 ? n : Math.min(k, n);
    double shift = 0.0;
    for (double t : truth) {
      shift = Math.min(shift, t);
    }
    double[] gain = new double[n];
    for (int i = 0; i < n; i++) {
      gain[i] = truth[i] - shift;
    }
    double[] ideal = gain.clone();
    Arrays.sort(ideal);
    double idcg = 0.0;
    for (int p = 0; p < cutoff; p++) {
      idcg += ideal[n - 1 - p] * discount(p);
    }
    if (idcg == 0.0) {
      return Double.NaN;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(predicted[b], predicted[a]));
    double dcg = 0.0;
    int start = 0;
    while (start < cutoff) {
      int end = start + 1;
      while (end < n && predicted[order[end]] == predicted[order[start]]) {
        end++;
      }
      double meanGain = 0.0;
      for (int i = start; i < end; i++) {
        meanGain += gain[order[i]];
      }
      meanGain /= end - start;
      double discounts = 0.0;
      for (int p = start; p < Math.min(end, cutoff); p++) {
        discounts += discount(p);
      }
      dcg += meanGain * discounts;
      start = end;
    }
    return dcg / idcg;
  }

  private static double discount(int position) {
    return 1.0 / (Math.log(position + 2.0) / Math.log(2.0));
  }

  private static double pearson(double[] x, double[] y) {
    double mx = 0.0;
    double my = 0.0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0.0;
    double sxx = 0.0;
    double syy = 0.0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0.0 || syy == 0.0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  private static void requireSameLength(double[] predicted, double[] truth) {
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException(
          "predicted has " + predicted.length + " values, truth has " + truth.length);
    }
  }
}
