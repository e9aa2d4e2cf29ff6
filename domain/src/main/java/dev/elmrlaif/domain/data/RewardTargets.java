package dev.elmrlaif.domain.data;

import dev.elmrlaif.domain.Domain;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.rewards.CandidateConfig;
import dev.elmrlaif.rewards.CandidateSampler;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.text.TextEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * What a text generated for a task context is scored against (paper Sec. 3.2, App. B; DESIGN.md
 * §5): the one definition of the semantic (SC) and behavioral (BC) consistency targets, which the
 * evaluation ({@code eval.ConsistencyEvaluator}) and the RL environment ({@code
 * rl.domain.DomainRlEnvironment}) both use, so that the reward RL raises is the metric the
 * evaluation reports. Extended to the hypothetical entities RL trains on:
 *
 * <pre>
 * SC target   slots read text-comparable spaces:  Σ_k (1/n) · slot_k         (the slots as the policy sees them)
 *             other slots (e.g. a user profile):  E_txt(ground-truth text)      real entity
 *                                                 (1−a)·E_txt(t1) + a·E_txt(t2) interpolation
 *                                                 none                          concept shift (no text describes it)
 * BC          tasks whose first slot is the interactions' row kind r; candidates: entities of the column kind
 *             (drawn from the {@link CandidatePool}) ranked by similarity to the text in the column kind's
 *             text space; real r: against its interactions (0 where none); hypothetical u: against u·v_c,
 *             v_c the candidates' vectors in the column kind's {@link Domain#behavioralSpace} (no BC for
 *             hypothetical entities when the domain has none, or its dimension is not the slot's)
 * </pre>
 *
 * Which tasks get which target is {@link RewardAvailability}'s rule. The evaluation and RL differ
 * in one thing only, the {@link CandidatePool}; everything else (candidate count and rated share
 * from the caller's config, draws seeded by {@code seed + 17} and the row entity) is the same.
 * Immutable and thread-safe when the text encoder is.
 */
public final class RewardTargets {

  /** Which entities of the interactions' column kind BC candidates are drawn from. */
  public enum CandidatePool {
    /**
     * Every entity with a non-zero vector in the column kind's text space, held-out ones included:
     * the evaluation's pool. It scores held-out row entities, whose interactions with held-out
     * entities are part of their ground truth, and trains nothing, so no held-out entity can leak
     * into a model.
     */
    ALL_ENTITIES,
    /**
     * The training entities of the column kind with a non-zero text vector: RL's pool, so that no
     * held-out entity (its text vector, its interactions) reaches RL training through the reward.
     * Without a split of the column kind there are no candidates.
     */
    TRAINING_ENTITIES
  }

  /** Added to the caller's seed for the candidate draws (as both callers always did). */
  private static final long CANDIDATE_SEED_OFFSET = 17;

  private final Domain domain;
  private final TextEncoder encoder;
  private final List<String> behavioralTasks;
  private final Interactions interactions;
  private final CandidateSampler candidates;
  private final Map<String, float[]> candidateBehavioral;
  private final int behavioralDimension;

  /**
   * @param encoder encodes target texts (the data's text encoder, or a cache over it)
   * @param pool which candidates BC draws from (see {@link CandidatePool})
   * @param candidateCount candidates per BC context (at most the pool's size); fewer than 2 in the
   *     pool: no BC target
   * @param ratedFraction share of a real row entity's interactions among its candidates
   * @param seed the caller's seed; candidate draws use {@code seed + 17} and the row entity's label
   */
  public RewardTargets(
      PreparedData data,
      TextEncoder encoder,
      CandidatePool pool,
      int candidateCount,
      double ratedFraction,
      long seed) {
    this.domain = data.domain();
    this.encoder = encoder;
    this.behavioralTasks = RewardAvailability.bcTasks(data);
    this.interactions = domain.interactions().orElse(null);
    Map<String, float[]> vectors = behavioralTasks.isEmpty() ? Map.of() : candidateVectors(pool);
    int size = Math.min(candidateCount, vectors.size());
    this.candidates =
        size < 2
            ? null
            : new CandidateSampler(
                vectors, new CandidateConfig(size, ratedFraction, seed + CANDIDATE_SEED_OFFSET));
    EmbeddingSpace behavioral =
        candidates == null ? null : domain.behavioralSpace(interactions.columnKind()).orElse(null);
    this.behavioralDimension = behavioral == null ? 0 : behavioral.dimension();
    if (behavioral == null) {
      this.candidateBehavioral = null;
    } else {
      Map<String, float[]> byId = new LinkedHashMap<>();
      for (String id : vectors.keySet()) {
        byId.put(id, behavioral.vector(Integer.parseInt(id)));
      }
      this.candidateBehavioral = byId;
    }
  }

  /** The pool's text vectors by entity index (as a string), sorted; empty when there is no pool. */
  private Map<String, float[]> candidateVectors(CandidatePool pool) {
    EmbeddingSpace space =
        interactions == null ? null : domain.textSpace(interactions.columnKind()).orElse(null);
    Map<String, float[]> vectors = new TreeMap<>();
    if (space == null) {
      return vectors;
    }
    int[] indices;
    if (pool == CandidatePool.ALL_ENTITIES) {
      indices = IntStream.range(0, space.size()).toArray();
    } else if (domain.splits().containsKey(space.entityKind())) {
      indices = domain.split(space.entityKind()).trainIndices();
    } else {
      return vectors;
    }
    for (int index : indices) {
      float[] vector = space.vector(index);
      if (Vectors.norm(vector) > 0) {
        vectors.put(Integer.toString(index), vector);
      }
    }
    return vectors;
  }

  /**
   * Whether the task's SC target is the mix of its slots' embeddings ({@link
   * RewardAvailability#readsTextSpaces}).
   */
  public boolean semanticSlots(TaskSpec task) {
    return RewardAvailability.readsTextSpaces(domain, task);
  }

  /**
   * Whether BC applies to the task ({@link RewardAvailability#bcTasks}) and there are candidates to
   * rank.
   */
  public boolean behavioral(TaskSpec task) {
    return candidates != null && behavioralTasks.contains(task.name());
  }

  /**
   * The targets of a real example.
   *
   * @param label names the context in reward logs and messages
   * @param slots the example's slot embeddings, as the policy sees them
   */
  public RewardContext real(String label, TaskSpec task, TaskExample example, float[][] slots) {
    RewardContext.Builder context = RewardContext.builder(label);
    if (semanticSlots(task)) {
      mixOfSlots(context, slots);
    } else {
      context.semantic(encoder.encode(example.target()), 1.0);
    }
    if (behavioral(task)) {
      int row = example.entities().get(0);
      context.candidates(
          candidates.fromRatings(interactions.rowKind() + ":" + row, interactionsOf(row)));
    }
    return context.build();
  }

  /** The targets of the interpolation {@code slots = (1−a)·slots(first) + a·slots(second)}. */
  public RewardContext interpolation(
      String label,
      TaskSpec task,
      TaskExample first,
      TaskExample second,
      double a,
      float[][] slots) {
    RewardContext.Builder context = RewardContext.builder(label);
    if (semanticSlots(task)) {
      mixOfSlots(context, slots);
    } else {
      context
          .semantic(encoder.encode(first.target()), 1 - a)
          .semantic(encoder.encode(second.target()), a);
    }
    hypothetical(context, label, task, slots);
    return context.build();
  }

  /** The targets of the concept shift {@code slots = slots(example) + s·cav}. */
  public RewardContext shift(String label, TaskSpec task, float[][] slots) {
    RewardContext.Builder context = RewardContext.builder(label);
    if (semanticSlots(task)) {
      mixOfSlots(context, slots);
    }
    hypothetical(context, label, task, slots);
    return context.build();
  }

  private static void mixOfSlots(RewardContext.Builder context, float[][] slots) {
    for (float[] slot : slots) {
      context.semantic(slot, 1.0 / slots.length);
    }
  }

  /**
   * BC of a vector that is no real entity's: the factorisation's scores {@code u·v_c} are the
   * ground truth.
   */
  private void hypothetical(
      RewardContext.Builder context, String label, TaskSpec task, float[][] slots) {
    if (behavioral(task) && candidateBehavioral != null && behavioralDimension == slots[0].length) {
      context
          .candidates(
              candidates.fromScores(
                  label, CandidateSampler.dotProducts(slots[0], candidateBehavioral)))
          .behavioral(slots[0]);
    }
  }

  /**
   * A row entity's interaction values by column index; those outside the pool (held out, or without
   * text) are ignored by {@link CandidateSampler#fromRatings}.
   */
  private Map<String, Double> interactionsOf(int row) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int k = interactions.rowStart()[row]; k < interactions.rowStart()[row + 1]; k++) {
      values.put(Integer.toString(interactions.column()[k]), (double) interactions.value()[k]);
    }
    return values;
  }
}
