package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.rewards.text.CachingTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TfidfSvdConfig;
import dev.elmrlaif.rewards.text.TfidfSvdTextEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConsistencyRewardsTest {

  private static final FixedTextEncoder ENCODER =
      new FixedTextEncoder(
          2,
          Map.of(
              "east", new float[] {1, 0},
              "north", new float[] {0, 1},
              "north-east", new float[] {3, 4},
              "west", new float[] {-2, 0}));

  @Test
  void semanticConsistencyIsCosineToTheTarget() {
    SemanticConsistencyReward sc = new SemanticConsistencyReward(ENCODER);
    RewardContext eastish = RewardContext.single("movie:1", new float[] {2, 0});
    RewardResult result =
        sc.score(
            List.of("east", "north-east", "west", "north"),
            List.of(eastish, eastish, eastish, eastish));
    assertEquals(1.0, result.scores()[0], 1e-12);
    assertEquals(0.6, result.scores()[1], 1e-7); // (3, 4)·(1, 0) / 5
    assertEquals(-1.0, result.scores()[2], 1e-12);
    assertEquals(0.0, result.scores()[3], 1e-12);
    assertEquals(List.of("sc"), List.copyOf(result.components().keySet()));
    assertEquals(0.15, result.componentStats().get("sc").mean(), 1e-7);
  }

  @Test
  void interpolationTargetIsTheMixture() {
    SemanticConsistencyReward sc = new SemanticConsistencyReward(ENCODER);
    // (1 - a)·e1 + a·e2 with a = 0.25, e1 = (4, 0), e2 = (0, 4) -> (3, 1); cos with (3, 4) = 13 /
    // (5·√10)
    RewardContext mix =
        RewardContext.interpolation("mix", new float[] {4, 0}, new float[] {0, 4}, 0.25);
    assertEquals(3.0f, mix.semanticTarget().orElseThrow()[0], 1e-6f);
    assertEquals(1.0f, mix.semanticTarget().orElseThrow()[1], 1e-6f);
    assertEquals(
        13 / (5 * Math.sqrt(10)), sc.score(List.of("north-east"), List.of(mix)).scores()[0], 1e-7);
  }

  @Test
  void badTextsGetZeroAndAFlag() {
    SemanticConsistencyReward sc = new SemanticConsistencyReward(ENCODER);
    RewardContext good = RewardContext.single("m", new float[] {1, 1});
    RewardContext zero = RewardContext.single("z", new float[] {0, 0});
    RewardContext none = RewardContext.builder("user:9").build();
    RewardResult result =
        sc.score(
            Arrays.asList("", "unknown words", "east", "east", null),
            List.of(good, good, zero, none, good));
    assertEquals(0.0, Arrays.stream(result.scores()).map(Math::abs).sum(), 0.0);
    assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(0));
    assertEquals(Set.of(RewardFlag.ZERO_TEXT_EMBEDDING), result.flags().get(1));
    assertEquals(Set.of(RewardFlag.ZERO_TARGET), result.flags().get(2));
    assertEquals(Set.of(RewardFlag.NO_TARGET), result.flags().get(3));
    assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(4));
    assertEquals(2, result.flagCount(RewardFlag.EMPTY_TEXT));
  }

  @Test
  void nanEmbeddingsAreRefusedBeforeTraining() {
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> RewardContext.single("movie:42", new float[] {1, Float.NaN}));
    assertTrue(
        e.getMessage().contains("movie:42") && e.getMessage().contains("index 1"), e.getMessage());
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () ->
                RewardContext.builder("u")
                    .behavioral(new float[] {Float.POSITIVE_INFINITY})
                    .build());
    assertTrue(e.getMessage().contains("behavioralVector"), e.getMessage());
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () ->
                RewardContext.builder("u")
                    .semantic(new float[] {1, 0}, 1)
                    .semantic(new float[] {1, 0, 0}, 1)
                    .build());
    assertTrue(e.getMessage().contains("semanticEmbeddings[1]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SemanticConsistencyReward(ENCODER)
                .score(List.of("a", "b"), List.of(RewardContext.single("m", new float[] {1, 0}))));
  }

  @Test
  void behavioralConsistencyCorrelatesSimilarityRankingWithGroundTruth() {
    // candidates at angles 0°, 30°, 60°, 90° from "east"; similarity to "east" decreases in that
    // order
    float[][] embeddings = new float[4][];
    for (int i = 0; i < 4; i++) {
      double angle = Math.toRadians(30 * i);
      embeddings[i] = new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
    }
    CandidateSet candidates =
        new CandidateSet(List.of("a", "b", "c", "d"), embeddings, new double[] {5, 4, 0, 0});
    RewardContext user = RewardContext.builder("user:1").candidates(candidates).build();
    BehavioralConsistencyReward spearman =
        new BehavioralConsistencyReward(ENCODER, BehavioralConsistencyConfig.spearman());
    // similarity ranks (1, 2, 3, 4 reversed) vs truth ranks with a tie: truth (5, 4, 0, 0) -> (4,
    // 3, 1.5, 1.5)
    // deviations from 2.5: (1.5, .5, -.5, -1.5) and (1.5, .5, -1, -1): ρ = 4.5 / sqrt(5 · 4.5)
    double expected = 4.5 / Math.sqrt(5 * 4.5);
    RewardResult result =
        spearman.score(List.of("east", "west", "north"), List.of(user, user, user));
    assertEquals(expected, result.scores()[0], 1e-12);
    assertEquals(-expected, result.scores()[1], 1e-12);
    assertEquals(
        -expected, result.scores()[2], 1e-12); // "north" (90°) reverses the order, like "west"

    BehavioralConsistencyReward kendall =
        new BehavioralConsistencyReward(
            ENCODER, new BehavioralConsistencyConfig(RankMetrics.Metric.KENDALL_TAU_B, 0));
    // 6 pairs, 1 tied in truth, 5 concordant: τ_b = 5 / sqrt(6 · 5)
    assertEquals(
        5 / Math.sqrt(30), kendall.score(List.of("east"), List.of(user)).scores()[0], 1e-12);
  }

  @Test
  void concurrentCallersGetTheSequentialScores() throws Exception {
    List<String> corpus = new ArrayList<>();
    String[] words = {
      "space", "alien", "planet", "love", "wedding", "kiss", "crime", "police", "heist"
    };
    Random random = new Random(2);
    for (int d = 0; d < 120; d++) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 12; w++) {
        text.append(words[(d % 3) * 3 + random.nextInt(3)]).append(' ');
      }
      corpus.add(text.toString());
    }
    TextEncoder encoder =
        new CachingTextEncoder(
            TfidfSvdTextEncoder.fit(corpus, TfidfSvdConfig.builder().dimension(3).build()), 50);
    SemanticConsistencyReward sc = new SemanticConsistencyReward(encoder);
    List<RewardContext> contexts = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      contexts.add(
          RewardContext.single("doc" + i, encoder.encode(corpus.get((i + 1) % corpus.size()))));
    }
    double[] expected = sc.score(corpus, contexts).scores();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<double[]>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> sc.score(corpus, contexts).scores()));
      }
      for (Future<double[]> result : results) {
        assertArrayEquals(expected, result.get(), 0.0);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void behavioralConsistencyFallbacks() {
    BehavioralConsistencyReward bc =
        new BehavioralConsistencyReward(ENCODER, BehavioralConsistencyConfig.spearman());
    CandidateSet flat =
        new CandidateSet(List.of("a", "b"), new float[][] {{1, 0}, {0, 1}}, new double[] {0, 0});
    RewardResult result =
        bc.score(
            List.of("east", "east", ""),
            List.of(
                RewardContext.builder("u1").build(),
                RewardContext.builder("u2").candidates(flat).build(),
                RewardContext.builder("u3").candidates(flat).build()));
    assertEquals(Set.of(RewardFlag.NO_CANDIDATES), result.flags().get(0));
    assertEquals(Set.of(RewardFlag.UNDEFINED_CORRELATION), result.flags().get(1));
    assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(2));
    assertEquals(0.0, Arrays.stream(result.scores()).map(Math::abs).sum(), 0.0);
  }
}
