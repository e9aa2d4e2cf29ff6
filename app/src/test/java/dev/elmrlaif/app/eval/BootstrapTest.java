package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The bootstrap percentile intervals against hand-computed replicates and quantiles. */
class BootstrapTest {

  @Test
  void aTinySampleGivesTheHandComputedPercentileInterval() {
    // Seed 7 draws the index triples (1,0,1), (0,0,1), (2,0,2), (0,1,1) from {1, 2, 4}: replicate
    // means 5/3, 4/3, 3, 5/3; sorted 4/3, 5/3, 5/3, 3. R-7 with B = 4: h = 3p (0-based),
    // p = 0.025 -> h = 0.075: 4/3 + 0.075 * (5/3 - 4/3) = 1.358333...;
    // p = 0.975 -> h = 2.925: 5/3 + 0.925 * (3 - 5/3) = 2.9.
    Bootstrap bootstrap = new Bootstrap(4, 0.95, 7);
    double[] sample = {1, 2, 4};
    assertArrayEquals(
        new double[] {5.0 / 3, 4.0 / 3, 3, 5.0 / 3}, bootstrap.replicates(List.of(sample)), 1e-12);
    Bootstrap.Interval interval = bootstrap.mean(sample);
    assertEquals(7.0 / 3, interval.estimate(), 1e-12);
    assertEquals(4.0 / 3 + 0.025, interval.low(), 1e-12);
    assertEquals(2.9, interval.high(), 1e-12);
  }

  @Test
  void replicatesFollowTheDocumentedDrawOrderReplicateByReplicateGroupByGroup() {
    double[] first = {0.1, 0.7, 0.3, 0.9};
    double[] second = {2, 5};
    Bootstrap bootstrap = new Bootstrap(50, 0.95, 123);
    double[] replicates = bootstrap.replicates(List.of(first, second));
    SplittableRandom random = new SplittableRandom(123);
    double[] expected = new double[50];
    for (int b = 0; b < 50; b++) {
      double a = 0;
      for (int i = 0; i < first.length; i++) {
        a += first[random.nextInt(first.length)];
      }
      double c = 0;
      for (int i = 0; i < second.length; i++) {
        c += second[random.nextInt(second.length)];
      }
      expected[b] = (a / first.length + c / second.length) / 2;
    }
    assertArrayEquals(expected, replicates, 1e-12);
    // the percentile interval is the R-7 quantile of those replicates
    double[] sorted = expected.clone();
    Arrays.sort(sorted);
    Bootstrap.Interval interval = bootstrap.meanOfMeans(List.of(first, second));
    assertEquals(r7(sorted, 0.025), interval.low(), 1e-12);
    assertEquals(r7(sorted, 0.975), interval.high(), 1e-12);
  }

  @Test
  void anyStatisticOfTheResampledIndicesUsesTheSameDrawsAsTheMean() {
    // the seed-7 triples of the first test, (1,0,1), (0,0,1), (2,0,2), (0,1,1); the statistic is
    // the largest index drawn: 1, 1, 2, 1; sorted 1, 1, 1, 2. R-7: low 1, high 1 + 0.925 * 1.
    Bootstrap bootstrap = new Bootstrap(4, 0.95, 7);
    ToDoubleFunction<int[]> largest = indices -> Arrays.stream(indices).max().orElseThrow();
    assertArrayEquals(
        new double[] {1, 1, 2, 1},
        bootstrap.replicates(new int[] {3}, groups -> largest.applyAsDouble(groups[0])),
        0.0);
    Bootstrap.Interval raw = bootstrap.interval(3, largest);
    assertEquals(2.0, raw.estimate(), 0.0, "the statistic of indices 0, 1, 2");
    assertEquals(1.0, raw.low(), 1e-12);
    assertEquals(1.925, raw.high(), 1e-12);
    // bias-corrected: mean of the replicates 5/4, bias 5/4 - 2 = -3/4, both bounds shifted up by it
    Bootstrap.Interval corrected = bootstrap.biasCorrectedInterval(3, largest);
    assertEquals(2.0, corrected.estimate(), 0.0);
    assertEquals(1.75, corrected.low(), 1e-12);
    assertEquals(2.675, corrected.high(), 1e-12);
    // replicates where the statistic is undefined are left out: 1, 1, 1 (2 is NaN) -> [1, 1]
    Bootstrap.Interval defined =
        bootstrap.interval(3, indices -> largest.applyAsDouble(indices) == 2 ? Double.NaN : 1);
    assertEquals(1.0, defined.low(), 0.0);
    assertEquals(1.0, defined.high(), 0.0);
    assertTrue(Double.isNaN(bootstrap.interval(0, largest).estimate()), "no example");
  }

  @Test
  void aConstantSampleHasAZeroWidthInterval() {
    Bootstrap.Interval interval =
        new Bootstrap(1000, 0.95, 1).mean(new double[] {0.42, 0.42, 0.42, 0.42, 0.42});
    assertEquals(0.42, interval.estimate(), 1e-15);
    assertEquals(0.42, interval.low(), 1e-15);
    assertEquals(0.42, interval.high(), 1e-15);
    assertEquals(0.0, interval.width(), 1e-15);
  }

  @Test
  void theMeanOverTasksWeighsEachTaskTheSameAndResamplesEachTaskOnItsOwn() {
    Bootstrap bootstrap = new Bootstrap(1000, 0.95, 3);
    // constant tasks of different sizes: every replicate is (0 + 1) / 2, not the pooled 3/4
    Bootstrap.Interval constant =
        bootstrap.meanOfMeans(List.of(new double[] {0}, new double[] {1, 1, 1}));
    assertEquals(0.5, constant.estimate(), 1e-15);
    assertEquals(0.5, constant.low(), 1e-15);
    assertEquals(0.5, constant.high(), 1e-15);
    // a task that varies and one that does not: the interval is half the varying task's own
    double[] varying = {0, 1, 0, 1, 1, 0, 0, 1};
    Bootstrap.Interval alone = bootstrap.mean(varying);
    Bootstrap.Interval mixed = bootstrap.meanOfMeans(List.of(varying, new double[] {3, 3, 3}));
    assertEquals((0.5 + 3) / 2, mixed.estimate(), 1e-12);
    assertEquals((alone.low() + 3) / 2, mixed.low(), 1e-12, "the same draws for the first task");
    assertEquals((alone.high() + 3) / 2, mixed.high(), 1e-12);
    assertTrue(
        Double.isNaN(bootstrap.meanOfMeans(List.of(varying, new double[0])).estimate()),
        "an empty task");
  }

  @Test
  void aPairedIntervalOfIdenticalSamplesIsExactlyZero() {
    double[] sample = {0.31, 0.12, 0.56, 0.77, 0.05, 0.49};
    Bootstrap.Interval interval =
        new Bootstrap(1000, 0.95, 11).pairedDifference(sample, sample.clone());
    assertEquals(0.0, interval.estimate(), 0.0);
    assertEquals(0.0, interval.low(), 0.0);
    assertEquals(0.0, interval.high(), 0.0);
  }

  @Test
  void pairingCancelsWhatTheSamplesShareSoCorrelatedSamplesGetANarrowerInterval() {
    // b spreads widely over examples; a is b plus a small, consistent gain
    int n = 200;
    SplittableRandom random = new SplittableRandom(5);
    double[] b = new double[n];
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = random.nextDouble();
      a[i] = b[i] + 0.02 + 0.01 * (random.nextDouble() - 0.5);
    }
    Bootstrap bootstrap = new Bootstrap(1000, 0.95, 17);
    Bootstrap.Interval paired = bootstrap.pairedDifference(a, b);
    // unpaired: a and b resampled independently (different seeds), replicate differences
    double[] ra = new Bootstrap(1000, 0.95, 101).replicates(List.of(a));
    double[] rb = new Bootstrap(1000, 0.95, 202).replicates(List.of(b));
    double[] difference = new double[ra.length];
    for (int i = 0; i < ra.length; i++) {
      difference[i] = ra[i] - rb[i];
    }
    Arrays.sort(difference);
    double unpairedLow = r7(difference, 0.025);
    double unpairedHigh = r7(difference, 0.975);
    assertEquals(
        Arrays.stream(a).average().orElseThrow() - Arrays.stream(b).average().orElseThrow(),
        paired.estimate(),
        1e-12);
    assertTrue(
        paired.width() < 0.05 * (unpairedHigh - unpairedLow),
        "paired " + paired + " vs unpaired [" + unpairedLow + ", " + unpairedHigh + "]");
    assertTrue(paired.low() > 0, "the paired interval sees the gain: " + paired);
    assertTrue(
        unpairedLow < 0 && unpairedHigh > 0,
        "the unpaired one does not: " + unpairedLow + ", " + unpairedHigh);
  }

  @Test
  void theSameSeedGivesTheSameIntervalWhateverTheOrderOfCalls() {
    double[] x = {0.3, 0.9, 0.1, 0.5, 0.8, 0.2, 0.6};
    double[] y = {0.4, 0.4, 0.7, 0.1, 0.9, 0.3, 0.2};
    Bootstrap first = new Bootstrap(1000, 0.95, 99);
    Bootstrap.Interval before = first.mean(x);
    first.mean(y);
    first.pairedDifference(x, y);
    assertEquals(before, first.mean(x), "a call does not move the next one's draws");
    assertEquals(before, new Bootstrap(1000, 0.95, 99).mean(x), "a new instance, the same seed");
    assertNotEquals(before, new Bootstrap(1000, 0.95, 100).mean(x), "another seed, other draws");
  }

  @Test
  void mismatchedPairsAndBadParametersAreRejected() {
    Bootstrap bootstrap = new Bootstrap(10, 0.95, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> bootstrap.pairedDifference(new double[2], new double[3]));
    assertThrows(
        IllegalArgumentException.class,
        () -> bootstrap.pairedDifferenceOfMeans(List.of(new double[2]), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1, 0.95, 1));
    assertThrows(IllegalArgumentException.class, () -> new Bootstrap(10, 1.0, 1));
  }

  /** Hyndman and Fan's definition 7 on sorted values, written out: h = (B - 1) p, 0-based. */
  static double r7(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lower = (int) Math.floor(h);
    int upper = Math.min(sorted.length - 1, lower + 1);
    return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
  }
}
