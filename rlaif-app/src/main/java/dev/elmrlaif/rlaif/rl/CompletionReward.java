package dev.elmrlaif.rlaif.rl;

import dev.elmrlaif.policy.model.ElmPrompt;

/**
 * The terminal reward {@code r(y, c)} of the CoMDP (DESIGN.md §3) as every {@link RlTrainer}
 * sees it: a score for one completion of one context. Reward models, composites and the synthetic
 * CoMDP's reward table are all adapted to this one call.
 */
@FunctionalInterface
public interface CompletionReward {
  /**
   * The reward of {@code continuation} (token ids, the end token included when it was generated)
   * after {@code context}.
   */
  double reward(ElmPrompt context, int[] continuation);
}
