package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompositeRewardTest {

  private static final double EPS = 1e-8;
  private static final RewardContext CONTEXT = RewardContext.builder("c").build();

  /** A reward whose score is the number written in the text, times a factor. */
  private record ParsedReward(String name, double factor) implements RewardModel {
    @Override
    public List<String> componentNames() {
      return List.of(name);
    }

    @Override
    public RewardResult score(List<String> texts, List<RewardContext> contexts) {
      double[] scores = texts.stream().mapToDouble(t -> factor * Double.parseDouble(t)).toArray();
      List<Set<RewardFlag>> flags = new ArrayList<>();
      texts.forEach(t -> flags.add(EnumSet.noneOf(RewardFlag.class)));
      return RewardResult.single(name, scores, flags);
    }
  }

  private static List<RewardContext> contexts(int n) {
    return Collections.nCopies(n, CONTEXT);
  }

  private static CompositeConfig unclipped(
      CompositeConfig.Normalization normalization, long warmup) {
    return new CompositeConfig(
        normalization, EPS, warmup, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  private static List<CompositeReward.Term> terms() {
    return List.of(
        new CompositeReward.Term("a", new ParsedReward("a", 1.0), 2.0),
        new CompositeReward.Term("b", new ParsedReward("b", 10.0), -1.0));
  }

  @Test
  void weightedSumWithComponentsAndTheirStatistics() {
    CompositeReward composite = new CompositeReward(terms(), CompositeConfig.weightedSum());
    RewardResult result = composite.score(List.of("1", "2", "3"), contexts(3));
    // total = 2·x − 10·x = −8·x
    assertArrayEquals(new double[] {-8, -16, -24}, result.scores(), 1e-12);
    assertArrayEquals(new double[] {10, 20, 30}, result.component("b"), 1e-12);
    RewardResult.ComponentStats a = result.componentStats().get("a");
    assertEquals(2.0, a.mean(), 1e-12);
    assertEquals(Math.sqrt(2.0 / 3.0), a.std(), 1e-12);
    assertEquals(-16.0, result.componentStats().get("total").mean(), 1e-12);
  }

  @Test
  void theFormulaNamesEachTermWithItsWeight() {
    assertEquals(
        "2·a + -1·b", new CompositeReward(terms(), CompositeConfig.weightedSum()).formula());
    assertEquals(
        "0.05·bc",
        new CompositeReward(
                List.of(new CompositeReward.Term("bc", new ParsedReward("bc", 1.0), 0.05)),
                CompositeConfig.weightedSum())
            .formula());
  }

  @Test
  void sumThenNormalizeMatchesItsFormula() {
    CompositeReward composite =
        new CompositeReward(
            terms(), unclipped(CompositeConfig.Normalization.SUM_THEN_NORMALIZE, 0));
    // batch 1: s = (−8, −16, −24), μ = −16, σ² = 128/3
    double[] first = composite.score(List.of("1", "2", "3"), contexts(3)).scores();
    double sd1 = Math.sqrt(128.0 / 3.0 + EPS);
    assertArrayEquals(new double[] {8 / sd1, 0, -8 / sd1}, first, 1e-12);
    // batch 2: s = −32; over (−8, −16, −24, −32): μ = −20, σ² = (144 + 16 + 16 + 144) / 4 = 80
    double[] second = composite.score(List.of("4"), contexts(1)).scores();
    assertEquals(-12 / Math.sqrt(80 + EPS), second[0], 1e-12);
  }

  @Test
  void normalizeThenSumMatchesItsFormula() {
    CompositeReward composite =
        new CompositeReward(
            terms(), unclipped(CompositeConfig.Normalization.NORMALIZE_THEN_SUM, 0));
    // a = (1, 2, 5): μ = 8/3, σ² = 26/9;  b = 10·a: μ = 80/3, σ² = 2600/9
    double[] total = composite.score(List.of("1", "2", "5"), contexts(3)).scores();
    double[] x = {1, 2, 5};
    for (int i = 0; i < 3; i++) {
      double za = (x[i] - 8.0 / 3) / Math.sqrt(26.0 / 9 + EPS);
      double zb = (10 * x[i] - 80.0 / 3) / Math.sqrt(2600.0 / 9 + EPS);
      assertEquals(2 * za - zb, total[i], 1e-9);
    }
    assertEquals(3, composite.normalizerState().get("a").count());
  }

  @Test
  void warmUpPassesValuesThroughThenNormalises() {
    CompositeConfig config = unclipped(CompositeConfig.Normalization.SUM_THEN_NORMALIZE, 5);
    CompositeReward composite =
        new CompositeReward(
            List.of(new CompositeReward.Term("a", new ParsedReward("a", 1.0), 1.0)), config);
    assertArrayEquals(
        new double[] {1, 2, 3},
        composite.score(List.of("1", "2", "3"), contexts(3)).scores(),
        0.0,
        "3 of 5 warm-up values seen: raw");
    // 6 values seen: (1..6), μ = 3.5, σ² = 35/12
    double[] after = composite.score(List.of("4", "5", "6"), contexts(3)).scores();
    assertEquals((4 - 3.5) / Math.sqrt(35.0 / 12 + EPS), after[0], 1e-12);
  }

  @Test
  void resumingFromSavedStateGivesTheSameScores() {
    CompositeConfig config =
        CompositeConfig.normalized(CompositeConfig.Normalization.NORMALIZE_THEN_SUM);
    CompositeReward original = new CompositeReward(terms(), config);
    Random random = new Random(1);
    for (int batch = 0; batch < 10; batch++) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        texts.add(Double.toString(random.nextGaussian()));
      }
      original.score(texts, contexts(16));
    }
    CompositeReward resumed = new CompositeReward(terms(), config, original.normalizerState());
    List<String> next = List.of("0.5", "-1.25", "2");
    assertArrayEquals(
        original.score(next, contexts(3)).scores(), resumed.score(next, contexts(3)).scores(), 0.0);
  }

  @Test
  void clippingBoundsTheTotalAndFlagsIt() {
    CompositeReward composite =
        new CompositeReward(
            List.of(new CompositeReward.Term("a", new ParsedReward("a", 1.0), 1.0)),
            new CompositeConfig(CompositeConfig.Normalization.NONE, EPS, 0, -1, 1));
    RewardResult result = composite.score(List.of("-3", "0.5", "7"), contexts(3));
    assertArrayEquals(new double[] {-1, 0.5, 1}, result.scores(), 0.0);
    assertEquals(Set.of(RewardFlag.CLIPPED), result.flags().get(0));
    assertEquals(Set.of(), result.flags().get(1));
    assertArrayEquals(new double[] {-3, 0.5, 7}, result.component("a"), 0.0, "components stay raw");
  }

  @Test
  void runningStatsMatchTwoPassFormulas() {
    Random random = new Random(9);
    RunningStats stats = new RunningStats();
    double[] values = new double[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1e6 + random.nextGaussian() * 3; // a large offset: naive Σx² would lose precision
      stats.add(values[i]);
    }
    double mean = Arrays.stream(values).average().orElseThrow();
    double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
    assertEquals(mean, stats.mean(), 1e-9);
    assertEquals(variance, stats.variance(), 1e-6);
  }

  @Test
  void badCompositionsAreRefused() {
    assertThrows(
        InvalidRewardInputException.class,
        () -> new CompositeReward(List.of(), CompositeConfig.weightedSum()));
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () ->
                new CompositeReward(
                    List.of(
                        new CompositeReward.Term("a", new ParsedReward("a", 1), 1),
                        new CompositeReward.Term("a", new ParsedReward("a", 1), 1)),
                    CompositeConfig.weightedSum()));
    assertTrue(e.getMessage().contains("'a'"));
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new CompositeConfig(CompositeConfig.Normalization.NONE, 0.0, 0, 0, 1));
    assertTrue(e.getMessage().contains("epsilon"));
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new CompositeConfig(CompositeConfig.Normalization.NONE, EPS, 0, 2, 1));
    assertTrue(e.getMessage().contains("clipMin"));
    assertThrows(
        InvalidRewardInputException.class,
        () -> new CompositeReward.Term("w", new ParsedReward("w", 1), Double.NaN));
    assertEquals(
        Map.of(), new CompositeReward(terms(), CompositeConfig.weightedSum()).normalizerState());
  }
}
