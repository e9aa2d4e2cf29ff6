package dev.elmrlaif.algorithms.rl.domain;

import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.rewards.RewardContext;
import java.util.List;

/**
 * One context {@code c} of RL on a domain, as {@link DomainRlEnvironment} drew it: the prompt the
 * policy continues (with the slot embeddings), how those embeddings were made, and what the reward
 * scores a completion against.
 *
 * @param task the task's name
 * @param kind real entity, interpolation or concept shift
 * @param entities the training entities it was made from (indices into their kinds' tables): one
 *     example's slot entities, then, for an interpolation, the second example's
 * @param weight the interpolation weight {@code a}, or the concept step {@code s}; 0 for a real
 *     entity
 * @param concept the concept's name for a shift, else empty
 * @param prompt the prompt with the slot embeddings the policy sees
 * @param reward the semantic target (absent for shifted entities whose slots are not semantic) and,
 *     for user tasks, the behavioral candidates with their ground truth
 */
public record DomainContext(
    String task,
    ContextKind kind,
    List<Integer> entities,
    double weight,
    String concept,
    ElmPrompt prompt,
    RewardContext reward) {

  public DomainContext {
    entities = List.copyOf(entities);
  }

  /** Whether SC applies: the context has a semantic target. */
  public boolean hasSemanticTarget() {
    return reward.mixWeights().length > 0;
  }

  /** Whether BC applies: the context has behavioral candidates. */
  public boolean hasBehavioralTarget() {
    return reward.candidates() != null;
  }
}
