package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;

/**
 * The terminal reward {@code r(y, c)} of the CoMDP (DESIGN.md §3) as every {@link RlTrainer} sees
 * it: a score for one completion of one context. Reward models, composites and the synthetic
 * CoMDP's reward table are all adapted to this one call.
 */
@FunctionalInterface
public interface CompletionReward {
  /**
   * The reward of {@code continuation} (token ids, the end token included when it was generated)
   * after {@code context}.
   */
  double reward(ElmPrompt context, int[] continuation);

  /**
   * The rewards of a batch, {@code contexts.get(i)} continued by {@code continuations.get(i)}: one
   * call per step, so a reward that scores batches at once (a remote AI judge with requests in
   * flight together) can; by default one {@link #reward} call each.
   */
  default double[] rewards(List<ElmPrompt> contexts, List<int[]> continuations) {
    if (contexts.size() != continuations.size()) {
      throw new IllegalArgumentException(
          contexts.size()
              + " contexts but "
              + continuations.size()
              + " continuations; expected one continuation per context");
    }
    double[] rewards = new double[contexts.size()];
    for (int i = 0; i < rewards.length; i++) {
      rewards[i] = reward(contexts.get(i), continuations.get(i));
    }
    return rewards;
  }
}
