package dev.elmrlaif.rlaif.rl.domain;

import dev.elmrlaif.rewards.CandidateConfig;
import dev.elmrlaif.rewards.CandidateSampler;
import dev.elmrlaif.rewards.CandidateSet;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rlaif.data.PreparedData;
import dev.elmrlaif.rlaif.domain.EmbeddingSpace;
import dev.elmrlaif.rlaif.domain.Interactions;
import dev.elmrlaif.rlaif.domain.Split;
import dev.elmrlaif.rlaif.tasks.TaskExample;
import dev.elmrlaif.rlaif.tasks.TaskSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a completion of an RL context is scored against (DESIGN.md §5), defined as the evaluation
 * ({@code eval.ConsistencyEvaluator}) defines it, so that the reward RL raises is the metric the
 * evaluation reports, and extended to hypothetical entities:
 *
 * <pre>
 * SC target   slots read the semantic space:  Σ_k (1/n) · slot_k            (the slots as the policy sees them)
 *             other slots (the user profile): E_txt(ground-truth text)         real entity
 *                                             (1−a)·E_txt(t1) + a·E_txt(t2)    interpolation
 *                                             none                             concept shift (no text describes it)
 * BC          user tasks, real user:          candidate movies ranked against the user's ratings (0 where unrated)
 *             hypothetical user u:            candidate movies ranked against u·v_m (space behavioral_movie)
 * </pre>
 *
 * Candidate movies are training movies only (the evaluation may draw held-out ones), so no held-out
 * entity reaches RL training.
 */
final class ConsistencyTargets {
  private final TextEncoder encoder;
  private final CandidateSampler candidates;
  private final Map<String, float[]> movieBehavioral;
  private final Interactions ratingsByUser;
  private final Split movies;

  /** @param seed seeds the candidate draws */
  ConsistencyTargets(PreparedData data, TextEncoder encoder, DomainRewardConfig config, long seed) {
    this.encoder = encoder;
    Interactions ratings = data.domain().ratings();
    EmbeddingSpace semantic = data.domain().spaces().get(PreparedData.SEMANTIC);
    if (ratings == null || semantic == null || !data.domain().splits().containsKey(semantic.entityKind())) {
      this.candidates = null;
      this.movieBehavioral = null;
      this.ratingsByUser = null;
      this.movies = null;
      return;
    }
    this.movies = data.domain().split(semantic.entityKind());
    this.ratingsByUser = ratings.rowKind().equals("user") ? ratings : ratings.transpose();
    Map<String, float[]> pool = new TreeMap<>();
    for (int m : movies.trainIndices()) {
      float[] vector = semantic.vector(m);
      if (Vectors.norm(vector) > 0) {
        pool.put(Integer.toString(m), vector);
      }
    }
    int size = Math.min(config.bcCandidates(), pool.size());
    this.candidates = size < 2 ? null
        : new CandidateSampler(pool, new CandidateConfig(size, config.bcRatedFraction(), seed + 17));
    EmbeddingSpace behavioral = data.domain().spaces().get(PreparedData.BEHAVIORAL_MOVIE);
    if (behavioral == null) {
      this.movieBehavioral = null;
    } else {
      Map<String, float[]> vectors = new LinkedHashMap<>();
      for (String id : pool.keySet()) {
        vectors.put(id, behavioral.vector(Integer.parseInt(id)));
      }
      this.movieBehavioral = vectors;
    }
  }

  /** Whether the task's SC target is the mix of its slots' semantic embeddings (as in the evaluation). */
  static boolean semanticSlots(TaskSpec task) {
    return task.slots().stream().allMatch(s -> s.space().equals(PreparedData.SEMANTIC));
  }

  /** Whether the task is about a user and BC can be scored (ratings and candidate movies exist). */
  boolean behavioral(TaskSpec task) {
    return task.slots().get(0).kind().equals("user") && candidates != null;
  }

  /** A real training entity: {@code slots} are its embeddings. */
  RewardContext real(String label, TaskSpec task, TaskExample example, float[][] slots) {
    RewardContext.Builder context = RewardContext.builder(label);
    if (semanticSlots(task)) {
      mixOfSlots(context, slots);
    } else {
      context.semantic(encoder.encode(example.target()), 1.0);
    }
    if (behavioral(task)) {
      int user = example.entities().get(0);
      context.candidates(candidates.fromRatings("user:" + user, trainingRatingsOf(user)));
    }
    return context.build();
  }

  /** {@code slots = (1−a)·slots(first) + a·slots(second)}. */
  RewardContext interpolation(String label, TaskSpec task, TaskExample first, TaskExample second, double a,
      float[][] slots) {
    RewardContext.Builder context = RewardContext.builder(label);
    if (semanticSlots(task)) {
      mixOfSlots(context, slots);
    } else {
      context.semantic(encoder.encode(first.target()), 1 - a).semantic(encoder.encode(second.target()), a);
    }
    hypotheticalUser(context, label, task, slots);
    return context.build();
  }

  /** {@code slots = slots(example) + s·cav}. */
  RewardContext shift(String label, TaskSpec task, float[][] slots) {
    RewardContext.Builder context = RewardContext.builder(label);
    if (semanticSlots(task)) {
      mixOfSlots(context, slots);
    }
    hypotheticalUser(context, label, task, slots);
    return context.build();
  }

  private static void mixOfSlots(RewardContext.Builder context, float[][] slots) {
    for (float[] slot : slots) {
      context.semantic(slot, 1.0 / slots.length);
    }
  }

  /** BC of a vector that is no real user's: the factorisation's scores {@code u·v_m} are the ground truth. */
  private void hypotheticalUser(RewardContext.Builder context, String label, TaskSpec task, float[][] slots) {
    if (behavioral(task) && movieBehavioral != null) {
      CandidateSet set = candidates.fromScores(label, CandidateSampler.dotProducts(slots[0], movieBehavioral));
      context.candidates(set).behavioral(slots[0]);
    }
  }

  /** A user's ratings of training movies, by movie index (the candidate ids). */
  private Map<String, Double> trainingRatingsOf(int user) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int k = ratingsByUser.rowStart()[user]; k < ratingsByUser.rowStart()[user + 1]; k++) {
      int movie = ratingsByUser.column()[k];
      if (!movies.isHeldOut(movie)) {
        values.put(Integer.toString(movie), (double) ratingsByUser.value()[k]);
      }
    }
    return values;
  }
}
