package dev.elmrlaif.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Draws reproducible candidate sets for behavioral consistency from a pool of items with
 * semantic-space vectors (movies with {@code E_txt} of their texts, or users with {@code E_txt} of
 * their profiles). Sampling is without replacement, over the pool's ids in sorted order, with a
 * random stream seeded by {@link CandidateConfig#seed()} and the entity id, so the same entity
 * always gets the same candidates. Immutable and thread-safe.
 */
public final class CandidateSampler {

  private final List<String> ids;
  private final Map<String, float[]> pool;
  private final CandidateConfig config;

  /**
   * @throws InvalidRewardInputException if the pool is smaller than the candidate size or holds a
   *     bad vector
   */
  public CandidateSampler(Map<String, float[]> pool, CandidateConfig config) {
    TreeMap<String, float[]> sorted = new TreeMap<>();
    for (Map.Entry<String, float[]> entry : pool.entrySet()) {
      Vectors.requireFinite("candidate pool vector of '" + entry.getKey() + "'", entry.getValue());
      sorted.put(entry.getKey(), entry.getValue().clone());
    }
    if (sorted.size() < config.size()) {
      throw new InvalidRewardInputException(
          "candidate pool has "
              + sorted.size()
              + " items, fewer than "
              + "CandidateConfig.size "
              + config.size());
    }
    this.ids = List.copyOf(sorted.keySet());
    this.pool = sorted;
    this.config = config;
  }

  /**
   * Candidates for an entity with ground-truth ratings (a user and the movies they rated, or a
   * movie and the users who rated it): {@code round(size · ratedFraction)} rated items (fewer if
   * the entity rated fewer items that are in the pool), the rest unrated items with relevance 0.
   * Rated ids missing from the pool (items without text) are ignored.
   */
  public CandidateSet fromRatings(String entityId, Map<String, Double> ratings) {
    SplittableRandom random = randomFor(entityId);
    List<String> rated = new ArrayList<>();
    for (String id : new TreeMap<>(ratings).keySet()) {
      if (pool.containsKey(id)) {
        rated.add(id);
      }
    }
    int ratedCount =
        Math.min(rated.size(), (int) Math.round(config.size() * config.ratedFraction()));
    List<String> chosen = new ArrayList<>(sample(rated, ratedCount, random));
    List<String> unrated = new ArrayList<>(ids.size());
    for (String id : ids) {
      if (!ratings.containsKey(id)) {
        unrated.add(id);
      }
    }
    chosen.addAll(sample(unrated, Math.min(unrated.size(), config.size() - ratedCount), random));
    return build(chosen, id -> ratings.getOrDefault(id, 0.0));
  }

  /**
   * Candidates drawn uniformly from the pool, with relevance from a function: e.g. the
   * matrix-factorisation score {@code u·v_m} for a hypothetical user.
   */
  public CandidateSet fromScores(String entityId, ToDoubleFunction<String> relevance) {
    return build(sample(ids, config.size(), randomFor(entityId)), relevance);
  }

  /**
   * The matrix-factorisation ground truth {@code id -> u·v_id} for a (possibly hypothetical)
   * behavioral vector {@code u}, for {@link #fromScores}. An id without a behavioral vector is an
   * unknown entity.
   *
   * @throws InvalidRewardInputException naming the id, when it is asked for and has no vector
   */
  public static ToDoubleFunction<String> dotProducts(float[] u, Map<String, float[]> itemVectors) {
    float[] vector = u.clone();
    Vectors.requireFinite("behavioral vector", vector);
    return id -> {
      float[] item = itemVectors.get(id);
      if (item == null) {
        throw new InvalidRewardInputException(
            "unknown entity '"
                + id
                + "': no behavioral vector among "
                + itemVectors.size()
                + " items");
      }
      return Vectors.dot(vector, item);
    };
  }

  private CandidateSet build(List<String> chosen, ToDoubleFunction<String> relevance) {
    float[][] embeddings = new float[chosen.size()][];
    double[] truth = new double[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      embeddings[i] = pool.get(chosen.get(i));
      truth[i] = relevance.applyAsDouble(chosen.get(i));
    }
    return new CandidateSet(chosen, embeddings, truth);
  }

  private SplittableRandom randomFor(String entityId) {
    return new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + entityId.hashCode());
  }

  /**
   * {@code count} items of {@code items} without replacement (partial Fisher–Yates), in draw order.
   */
  private static List<String> sample(List<String> items, int count, SplittableRandom random) {
    List<String> copy = new ArrayList<>(items);
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(copy.size() - i);
      String swap = copy.get(i);
      copy.set(i, copy.get(j));
      copy.set(j, swap);
    }
    return copy.subList(0, count);
  }
}
