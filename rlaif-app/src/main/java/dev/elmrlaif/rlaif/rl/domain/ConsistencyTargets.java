package dev.elmrlaif.rlaif.rl.domain;

import dev.elmrlaif.rewards.CandidateConfig;
import dev.elmrlaif.rewards.CandidateSampler;
import dev.elmrlaif.rewards.CandidateSet;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rlaif.data.PreparedData;
import dev.elmrlaif.rlaif.data.RewardAvailability;
import dev.elmrlaif.rlaif.domain.EmbeddingSpace;
import dev.elmrlaif.rlaif.domain.Interactions;
import dev.elmrlaif.rlaif.domain.Split;
import dev.elmrlaif.rlaif.tasks.TaskExample;
import dev.elmrlaif.rlaif.tasks.TaskSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a completion of an RL context is scored against (DESIGN.md §5), defined as the evaluation
 * ({@code eval.ConsistencyEvaluator}) defines it, so that the reward RL raises is the metric the
 * evaluation reports, and extended to hypothetical entities:
 *
 * <pre>
 * SC target   slots read text-comparable spaces:  Σ_k (1/n) · slot_k         (the slots as the policy sees them)
 *             other slots (the user profile):     E_txt(ground-truth text)      real entity
 *                                                 (1−a)·E_txt(t1) + a·E_txt(t2) interpolation
 *                                                 none                          concept shift (no text describes it)
 * BC          tasks about the interactions' row kind (the user), real user: candidates (movies) ranked
 *             against the user's ratings (0 where unrated); hypothetical user u: against u·v_m, v_m the
 *             candidates' vectors in the behavioral_movie space (no BC when the domain has none)
 * </pre>
 *
 * Which tasks get which target is {@link RewardAvailability}'s rule, as in the evaluation. Candidates
 * are training entities only (the evaluation may draw held-out ones), so no held-out entity reaches
 * RL training.
 */
final class ConsistencyTargets {
  private final PreparedData data;
  private final TextEncoder encoder;
  private final List<String> behavioralTasks;
  private final CandidateSampler candidates;
  private final Map<String, float[]> candidateBehavioral;
  private final int behavioralDimension;
  private final Interactions interactions;
  private final Split candidateSplit;

  /** @param seed seeds the candidate draws */
  ConsistencyTargets(PreparedData data, TextEncoder encoder, DomainRewardConfig config, long seed) {
    this.data = data;
    this.encoder = encoder;
    this.behavioralTasks = RewardAvailability.bcTasks(data);
    this.interactions = data.domain().interactions().orElse(null);
    EmbeddingSpace pool = interactions == null ? null : data.domain().textSpace(interactions.columnKind()).orElse(null);
    if (pool == null || !data.domain().splits().containsKey(pool.entityKind())) {
      this.candidates = null;
      this.candidateBehavioral = null;
      this.behavioralDimension = 0;
      this.candidateSplit = null;
      return;
    }
    this.candidateSplit = data.domain().split(pool.entityKind());
    Map<String, float[]> vectors = new TreeMap<>();
    for (int m : candidateSplit.trainIndices()) {
      float[] vector = pool.vector(m);
      if (Vectors.norm(vector) > 0) {
        vectors.put(Integer.toString(m), vector);
      }
    }
    int size = Math.min(config.bcCandidates(), vectors.size());
    this.candidates = size < 2 ? null
        : new CandidateSampler(vectors, new CandidateConfig(size, config.bcRatedFraction(), seed + 17));
    EmbeddingSpace behavioral = data.domain().spaces().get(PreparedData.BEHAVIORAL_MOVIE);
    this.behavioralDimension = behavioral == null ? 0 : behavioral.dimension();
    if (behavioral == null || !behavioral.entityKind().equals(pool.entityKind())) {
      this.candidateBehavioral = null;
    } else {
      Map<String, float[]> byId = new LinkedHashMap<>();
      for (String id : vectors.keySet()) {
        byId.put(id, behavioral.vector(Integer.parseInt(id)));
      }
      this.candidateBehavioral = byId;
    }
  }

  /** Whether the task's SC target is the mix of its slots' embeddings (as in the evaluation). */
  boolean semanticSlots(TaskSpec task) {
    return RewardAvailability.readsTextSpaces(data.domain(), task);
  }

  /** Whether BC applies to the task (as in the evaluation) and there are candidates to rank. */
  boolean behavioral(TaskSpec task) {
    return behavioralTasks.contains(task.name()) && candidates != null;
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
      context.candidates(candidates.fromRatings(interactions.rowKind() + ":" + user, trainingRatingsOf(user)));
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
    if (behavioral(task) && candidateBehavioral != null && behavioralDimension == slots[0].length) {
      CandidateSet set = candidates.fromScores(label, CandidateSampler.dotProducts(slots[0], candidateBehavioral));
      context.candidates(set).behavioral(slots[0]);
    }
  }

  /** A user's interactions with training candidates (their ratings of training movies), by candidate index. */
  private Map<String, Double> trainingRatingsOf(int user) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int k = interactions.rowStart()[user]; k < interactions.rowStart()[user + 1]; k++) {
      int movie = interactions.column()[k];
      if (!candidateSplit.isHeldOut(movie)) {
        values.put(Integer.toString(movie), (double) interactions.value()[k]);
      }
    }
    return values;
  }
}
