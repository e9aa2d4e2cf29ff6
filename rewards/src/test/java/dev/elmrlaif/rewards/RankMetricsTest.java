package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

class RankMetricsTest {

  // Fixture with ties on both sides.
  private static final double[] X = {1, 2, 2, 3, 4};
  private static final double[] Y = {1, 3, 2, 2, 5};

  @Test
  void averageRanksShareTiedRanks() {
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4, 5}, RankMetrics.averageRanks(X));
    assertArrayEquals(new double[] {1, 4, 2.5, 2.5, 5}, RankMetrics.averageRanks(Y));
    assertArrayEquals(new double[] {2, 2, 2}, RankMetrics.averageRanks(new double[] {7, 7, 7}));
  }

  @Test
  void spearmanWithTiesEqualsHandComputedValue() {
    // rank deviations from the mean 3: dx = (-2, -.5, -.5, 1, 2), dy = (-2, 1, -.5, -.5, 2)
    // Σdx·dy = 4 - .5 + .25 - .5 + 4 = 7.25;  Σdx² = Σdy² = 9.5;  ρ = 7.25 / 9.5
    assertEquals(7.25 / 9.5, RankMetrics.spearman(X, Y), 1e-12);
    assertEquals(new SpearmansCorrelation().correlation(X, Y), RankMetrics.spearman(X, Y), 1e-12);
  }

  @Test
  void kendallTauBWithTiesEqualsHandComputedValue() {
    // 10 pairs: concordant 7, discordant 1 (pair 1-3), tied in X 1 (pair 1-2), tied in Y 1 (pair
    // 2-3)
    // τ_b = (7 - 1) / sqrt((10 - 1)(10 - 1)) = 6 / 9
    assertEquals(6.0 / 9.0, RankMetrics.kendallTauB(X, Y), 1e-12);
    assertEquals(
        new KendallsCorrelation().correlation(X, Y),
        RankMetrics.kendallTauB(X, Y),
        1e-12,
        "commons-math's KendallsCorrelation is tau-b as well");
  }

  @Test
  void ndcgWithTiedPredictionsEqualsHandComputedValue() {
    double[] predicted = {0.9, 0.5, 0.5, 0.1};
    double[] truth = {3, 2, 0, 1};
    double log2of3 = Math.log(3) / Math.log(2);
    // order: item0, then items 1 and 2 tied (mean gain 1 over positions 1 and 2), item3 beyond k =
    // 3
    double dcg = 3 * 1 + 1 * (1 / log2of3 + 1 / 2.0);
    double idcg = 3 * 1 + 2 / log2of3 + 1 / 2.0; // gains 3, 2, 1
    assertEquals(dcg / idcg, RankMetrics.ndcg(predicted, truth, 3), 1e-12);
    assertEquals(0.867504, RankMetrics.ndcg(predicted, truth, 3), 1e-6);
    // all positions: DCG adds 1 / log2(5), IDCG adds 0
    double log2of5 = Math.log(5) / Math.log(2);
    assertEquals((dcg + 1 / log2of5) / idcg, RankMetrics.ndcg(predicted, truth, 0), 1e-12);
    // the same data in another order gives the same value (ties are order-free)
    assertEquals(
        dcg / idcg,
        RankMetrics.ndcg(new double[] {0.5, 0.1, 0.9, 0.5}, new double[] {0, 1, 3, 2}, 3),
        1e-12);
  }

  @Test
  void ndcgShiftsNegativeRelevanceToZero() {
    // gains (-1, 1) - (-1) = (0, 2); predicted order item0, item1: DCG = 2 / log2(3), IDCG = 2
    assertEquals(
        1 / (Math.log(3) / Math.log(2)),
        RankMetrics.ndcg(new double[] {1, 0}, new double[] {-1, 1}, 0),
        1e-12);
  }

  @Test
  void perfectAndReversedOrders() {
    double[] up = {1, 2, 3, 4, 5, 6};
    double[] down = {6, 5, 4, 3, 2, 1};
    assertEquals(1.0, RankMetrics.spearman(up, up), 1e-12);
    assertEquals(-1.0, RankMetrics.spearman(up, down), 1e-12);
    assertEquals(1.0, RankMetrics.kendallTauB(up, up), 1e-12);
    assertEquals(-1.0, RankMetrics.kendallTauB(up, down), 1e-12);
    assertEquals(1.0, RankMetrics.ndcg(up, up, 3), 1e-12);
    assertTrue(RankMetrics.ndcg(up, down, 3) < 0.5);
  }

  @Test
  void undefinedCasesAreNaN() {
    double[] constant = {2, 2, 2};
    double[] varied = {1, 2, 3};
    assertTrue(Double.isNaN(RankMetrics.spearman(constant, varied)));
    assertTrue(Double.isNaN(RankMetrics.kendallTauB(varied, constant)));
    assertTrue(Double.isNaN(RankMetrics.ndcg(varied, new double[] {0, 0, 0}, 0)));
    assertTrue(Double.isNaN(RankMetrics.spearman(new double[] {1}, new double[] {1})));
  }

  @Test
  void aNanRanksAboveEveryNumber() {
    assertArrayEquals(
        new double[] {2, 4.5, 3, 4.5, 1},
        RankMetrics.averageRanks(new double[] {1, Double.NaN, 2, Double.NaN, 0}));
    // every pair is concordant when NaN counts as the largest value
    assertEquals(
        1.0,
        RankMetrics.kendallTauB(new double[] {0, Double.NaN, 1}, new double[] {1, 3, 2}),
        1e-12);
  }

  @Test
  void sameBitsAsTheDefinitionsOnRandomTiedData() {
    // The hand-written versions these metrics had before Commons Math supplied them: a sort with
    // ties
    // averaged, and pair counting. Every reported figure depends on the bits, so they must agree
    // exactly.
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + random.nextInt(80);
      double[] a = new double[n];
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = random.nextBoolean() ? random.nextInt(6) : (float) random.nextGaussian();
        b[i] = random.nextInt(11) / 2.0;
      }
      assertArrayEquals(sortedAverageRanks(a), RankMetrics.averageRanks(a));
      assertEquals(
          pearson(sortedAverageRanks(a), sortedAverageRanks(b)), RankMetrics.spearman(a, b));
      assertEquals(pairCountingTauB(a, b), RankMetrics.kendallTauB(a, b));
    }
  }

  private static double[] sortedAverageRanks(double[] values) {
    int n = values.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
    double[] ranks = new double[n];
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && values[order[end]] == values[order[start]]) {
        end++;
      }
      for (int i = start; i < end; i++) {
        ranks[order[i]] = (start + 1 + end) / 2.0; // mean of ranks start+1 .. end
      }
      start = end;
    }
    return ranks;
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

  /** τ_b by its definition: every pair is concordant, discordant or tied in one vector or both. */
  private static double pairCountingTauB(double[] x, double[] y) {
    int n = x.length;
    long concordant = 0;
    long discordant = 0;
    long tiedX = 0;
    long tiedY = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        int a = Double.compare(x[i], x[j]);
        int b = Double.compare(y[i], y[j]);
        tiedX += a == 0 ? 1 : 0;
        tiedY += b == 0 ? 1 : 0;
        if (a != 0 && b != 0) {
          if (a == b) {
            concordant++;
          } else {
            discordant++;
          }
        }
      }
    }
    long pairs = (long) n * (n - 1) / 2;
    double denominator = Math.sqrt((double) (pairs - tiedX) * (pairs - tiedY));
    return denominator == 0.0 ? Double.NaN : (concordant - discordant) / denominator;
  }

  @Test
  void agreesWithCommonsMathOnRandomTiedData() {
    Random random = new Random(3);
    for (int trial = 0; trial < 50; trial++) {
      double[] a = new double[30];
      double[] b = new double[30];
      for (int i = 0; i < a.length; i++) {
        a[i] = random.nextInt(5);
        b[i] = random.nextInt(4);
      }
      assertEquals(new SpearmansCorrelation().correlation(a, b), RankMetrics.spearman(a, b), 1e-12);
      assertEquals(
          new KendallsCorrelation().correlation(a, b), RankMetrics.kendallTauB(a, b), 1e-12);
    }
  }
}
