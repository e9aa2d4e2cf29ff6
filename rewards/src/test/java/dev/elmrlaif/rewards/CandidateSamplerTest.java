package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidateSamplerTest {

  private static Map<String, float[]> pool(int size) {
    Map<String, float[]> pool = new HashMap<>();
    for (int i = 0; i < size; i++) {
      pool.put("m" + i, new float[] {i, 1});
    }
    return pool;
  }

  @Test
  void fromRatingsMixesRatedAndUnratedReproducibly() {
    CandidateSampler sampler = new CandidateSampler(pool(100), new CandidateConfig(10, 0.4, 5));
    Map<String, Double> ratings =
        Map.of(
            "m1", 5.0, "m2", 3.5, "m3", 1.0, "m4", 4.0, "m5", 2.0, "m6", 4.5, "not-in-pool", 5.0);
    CandidateSet set = sampler.fromRatings("user:7", ratings);
    assertEquals(10, set.size());
    assertEquals(10, new HashSet<>(set.ids()).size(), "no candidate twice");
    long rated = set.ids().stream().filter(ratings::containsKey).count();
    assertEquals(4, rated, "round(10 · 0.4) rated candidates");
    for (int i = 0; i < set.size(); i++) {
      assertEquals(ratings.getOrDefault(set.ids().get(i), 0.0), set.relevance()[i]);
      assertArrayEquals(pool(100).get(set.ids().get(i)), set.embeddings()[i]);
    }
    assertEquals(
        set.ids(),
        sampler.fromRatings("user:7", new HashMap<>(ratings)).ids(),
        "same seed, same draw");
    assertNotEquals(
        set.ids(), sampler.fromRatings("user:8", ratings).ids(), "another entity, another draw");
  }

  @Test
  void fromScoresUsesTheRelevanceFunction() {
    CandidateSampler sampler = new CandidateSampler(pool(30), new CandidateConfig(8, 0.0, 1));
    CandidateSet set =
        sampler.fromScores("hypothetical", id -> Integer.parseInt(id.substring(1)) * 0.5);
    for (int i = 0; i < set.size(); i++) {
      assertEquals(Integer.parseInt(set.ids().get(i).substring(1)) * 0.5, set.relevance()[i]);
    }
  }

  @Test
  void dotProductsGiveFactorisationScoresAndNameUnknownEntities() {
    Map<String, float[]> behavioral =
        Map.of("m1", new float[] {1, 2}, "m2", new float[] {-1, 0.5f});
    var relevance = CandidateSampler.dotProducts(new float[] {3, 4}, behavioral);
    assertEquals(11.0, relevance.applyAsDouble("m1"), 1e-12);
    assertEquals(-1.0, relevance.applyAsDouble("m2"), 1e-12);
    InvalidRewardInputException e =
        assertThrows(InvalidRewardInputException.class, () -> relevance.applyAsDouble("m404"));
    assertTrue(e.getMessage().contains("'m404'"), e.getMessage());
    CandidateSampler sampler =
        new CandidateSampler(
            Map.of("m1", new float[] {1, 0}, "m2", new float[] {0, 1}),
            new CandidateConfig(2, 0.0, 4));
    CandidateSet set = sampler.fromScores("hypothetical-user", relevance);
    for (int i = 0; i < 2; i++) {
      assertEquals(relevance.applyAsDouble(set.ids().get(i)), set.relevance()[i], 0.0);
    }
  }

  @Test
  void badPoolsAndConfigsAreRefused() {
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new CandidateSampler(pool(3), new CandidateConfig(5, 0.5, 1)));
    assertTrue(e.getMessage().contains("3 items") && e.getMessage().contains("5"), e.getMessage());
    Map<String, float[]> bad = pool(10);
    bad.put("nan", new float[] {Float.NaN, 0});
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new CandidateSampler(bad, new CandidateConfig(5, 0.5, 1)));
    assertTrue(e.getMessage().contains("'nan'"), e.getMessage());
    assertThrows(InvalidRewardInputException.class, () -> new CandidateConfig(1, 0.5, 1));
    assertThrows(InvalidRewardInputException.class, () -> new CandidateConfig(5, 1.5, 1));
  }
}
