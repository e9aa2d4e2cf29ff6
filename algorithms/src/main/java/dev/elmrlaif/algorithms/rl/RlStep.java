package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;
import java.util.Map;

/**
 * What one step of an {@link RlTrainer} reports: its metrics and the completions it generated (so
 * the {@code rl} stage can measure distinct-2, lengths and samples/s without knowing the
 * algorithm).
 *
 * @param metrics the step's metrics by name (see {@link RlTrainer#step} for the common keys)
 * @param prompts the context of each completion generated this step (empty when none was)
 * @param completions the token ids of each completion generated this step, in prompt order
 * @param rewards {@code r(y, c)} of each completion
 */
public record RlStep(
    Map<String, Double> metrics,
    List<ElmPrompt> prompts,
    List<int[]> completions,
    double[] rewards) {

  public RlStep {
    metrics = Map.copyOf(metrics);
    prompts = List.copyOf(prompts);
    completions = List.copyOf(completions);
    rewards = rewards.clone();
    if (prompts.size() != completions.size() || rewards.length != completions.size()) {
      throw new IllegalArgumentException(
          "RlStep: found "
              + prompts.size()
              + " prompts, "
              + completions.size()
              + " completions and "
              + rewards.length
              + " rewards, expected one of each per completion");
    }
  }
}
