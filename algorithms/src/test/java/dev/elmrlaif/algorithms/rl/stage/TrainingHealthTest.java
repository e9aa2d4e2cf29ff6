package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.RlWarningsConfig;
import dev.elmrlaif.algorithms.rl.stage.TrainingHealth.Warning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each training-health warning fires on a crafted metric series showing its failure, once per
 * episode of trouble, and stays silent on a healthy series (KL settling below the budget, k1 noisy
 * around a positive mean, entropy and length steady).
 */
class TrainingHealthTest {
  private static final int WINDOW = 10;
  private static final double BUDGET = 2.0;

  /** One step's metrics. */
  private static Map<String, Double> step(double k1, double entropy, double kl, double length) {
    return Map.of("kl_k1", k1, "entropy", entropy, "kl_exact", kl, "length_mean", length);
  }

  /** Every warning that fired over the series, in order. */
  private static List<Warning> run(TrainingHealth health, List<Map<String, Double>> series) {
    List<Warning> fired = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      health.observe(i + 1, series.get(i)).forEach(f -> fired.add(f.warning()));
    }
    return fired;
  }

  private static TrainingHealth health() {
    return new TrainingHealth(RlWarningsConfig.defaults().withWindow(WINDOW), BUDGET);
  }

  /** KL rising to 0.5 and settling, k1 = KL + noise, entropy 2 ± noise, length 10 ± noise. */
  private static List<Map<String, Double>> healthy(int steps, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, Double>> series = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      double kl = 0.5 * (1 - Math.exp(-t / 10.0));
      series.add(
          step(
              kl + 0.2 * (random.nextDouble() - 0.5),
              2 + 0.2 * (random.nextDouble() - 0.5),
              kl,
              10 + (random.nextDouble() - 0.5)));
    }
    return series;
  }

  @Test
  void aHealthySeriesRaisesNoWarning() {
    TrainingHealth health = health();
    assertEquals(List.of(), run(health, healthy(200, 1)));
    health.counts().values().forEach(count -> assertEquals(0, count));
  }

  @Test
  void aNegativeMeanK1FiresOnceWhileItLasts() {
    List<Map<String, Double>> series = new ArrayList<>(healthy(30, 2));
    for (int t = 0; t < 30; t++) {
      series.add(
          step(
              -0.3 + 0.01 * (t % 3),
              2,
              0.5,
              10)); // samples not from the policy: k1 clearly below 0
    }
    TrainingHealth health = health();
    assertEquals(List.of(Warning.NEGATIVE_K1), run(health, series));
    assertEquals(1, health.counts().get(Warning.NEGATIVE_K1));
  }

  @Test
  void entropyCollapseFiresBelowTheFractionOfTheStartingEntropy() {
    List<Map<String, Double>> series = new ArrayList<>(healthy(20, 3));
    for (int t = 0; t < 40; t++) {
      series.add(step(0.5, 2 * Math.exp(-t / 5.0), 0.5, 10)); // entropy 2 -> 0.001
    }
    assertEquals(List.of(Warning.ENTROPY_COLLAPSE), run(health(), series));
  }

  @Test
  void klAboveTheBudgetFiresOncePerEpisodeAndRisingKlFiresBeforeIt() {
    List<Map<String, Double>> series = new ArrayList<>(healthy(20, 4));
    for (int t = 0; t < 30; t++) {
      series.add(step(0.5 + 0.1 * t, 2, 0.5 + 0.1 * t, 10)); // KL grows without bound: 0.5 -> 3.4
    }
    for (int t = 0; t < 10; t++) {
      series.add(step(0.5, 2, 0.5, 10)); // pulled back under the budget
    }
    series.add(step(2.5, 2, 2.5, 10)); // a second excursion
    List<Warning> fired = run(health(), series);
    assertEquals(List.of(Warning.KL_RISING, Warning.KL_OVER_BUDGET, Warning.KL_OVER_BUDGET), fired);
  }

  @Test
  void lengthDriftFiresWhenTheMeanLengthMovesByMoreThanTheFraction() {
    List<Map<String, Double>> series = new ArrayList<>(healthy(20, 5));
    for (int t = 0; t < 30; t++) {
      series.add(step(0.5, 2, 0.5, 10 + t)); // completions grow from 10 to 39 tokens
    }
    assertEquals(List.of(Warning.LENGTH_DRIFT), run(health(), series));
  }

  @Test
  void aRestoredMonitorWarnsAsTheUninterruptedOne() {
    List<Map<String, Double>> series = new ArrayList<>(healthy(20, 6));
    for (int t = 0; t < 30; t++) {
      series.add(step(0.5, 2 * Math.exp(-t / 5.0), 0.5, 10 + t));
    }
    List<Warning> straight = run(health(), series);
    TrainingHealth first = health();
    run(first, series.subList(0, 25));
    TrainingHealth second = health();
    second.restore(first.state());
    List<Warning> after = new ArrayList<>();
    for (int i = 25; i < series.size(); i++) {
      second.observe(i + 1, series.get(i)).forEach(f -> after.add(f.warning()));
    }
    List<Warning> before = new ArrayList<>(run(health(), series.subList(0, 25)));
    before.addAll(after);
    assertEquals(straight, before);
    assertEquals(
        List.of(Warning.ENTROPY_COLLAPSE, Warning.LENGTH_DRIFT),
        straight.stream().sorted().toList());
  }

  @Test
  void aMissingMetricIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> health().observe(1, Map.of("kl_k1", 0.0, "entropy", 1.0, "length_mean", 3.0)));
    assertTrue(e.getMessage().contains("`kl_exact`"), e.getMessage());
  }
}
