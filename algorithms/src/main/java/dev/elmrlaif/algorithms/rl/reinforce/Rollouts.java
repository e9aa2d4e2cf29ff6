package dev.elmrlaif.algorithms.rl.reinforce;

import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;

/**
 * One REINFORCE batch: completions grouped by context, {@code samplesPerContext} consecutive rows
 * per context (the groups the leave-one-out and group-normalised baselines work in), their rewards,
 * and the weight of each row in the expectation the loss estimates.
 *
 * <p>Sampled batches weight every row {@code 1/rows}; an exact batch lists every sequence of a
 * small CoMDP once with weight {@code π(y)}, so the loss's gradient is the exact expectation (how
 * the trainer's gradient is tested against the analytic policy gradient).
 *
 * @param prompts the context of each row
 * @param continuations the completion of each row
 * @param rewards {@code r(y, c)} of each row
 * @param weights each row's weight; non-negative, summing to 1
 * @param samplesPerContext rows per context group; divides the number of rows
 */
public record Rollouts(
    List<ElmPrompt> prompts,
    List<int[]> continuations,
    double[] rewards,
    double[] weights,
    int samplesPerContext) {

  public Rollouts {
    prompts = List.copyOf(prompts);
    continuations = List.copyOf(continuations);
    int rows = prompts.size();
    if (rows == 0) {
      throw new IllegalArgumentException("rollouts: found no rows, expected at least one");
    }
    if (continuations.size() != rows || rewards.length != rows || weights.length != rows) {
      throw new IllegalArgumentException(
          "rollouts: found "
              + rows
              + " prompts, "
              + continuations.size()
              + " continuations, "
              + rewards.length
              + " rewards and "
              + weights.length
              + " weights, expected one of each per row");
    }
    if (samplesPerContext < 1 || rows % samplesPerContext != 0) {
      throw new IllegalArgumentException(
          "rollouts.samplesPerContext: found "
              + samplesPerContext
              + " for "
              + rows
              + " rows, expected a divisor of the number of rows");
    }
    double total = 0;
    for (int i = 0; i < rows; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            "rollouts.weights[" + i + "]: found " + weights[i] + ", expected a finite value >= 0");
      }
      if (!Double.isFinite(rewards[i])) {
        throw new IllegalArgumentException(
            "rollouts.rewards[" + i + "]: found " + rewards[i] + ", expected a finite reward");
      }
      if (continuations.get(i).length == 0) {
        throw new IllegalArgumentException(
            "rollouts.continuations[" + i + "]: empty, expected at least one token");
      }
      total += weights[i];
    }
    if (Math.abs(total - 1) > 1e-9) {
      throw new IllegalArgumentException("rollouts.weights: sum to " + total + ", expected 1");
    }
    rewards = rewards.clone();
    weights = weights.clone();
  }

  /** Equal weights {@code 1/rows}: the Monte Carlo estimate over sampled rows. */
  public static Rollouts sampled(
      List<ElmPrompt> prompts, List<int[]> continuations, double[] rewards, int samplesPerContext) {
    double[] weights = new double[prompts.size()];
    java.util.Arrays.fill(weights, 1.0 / prompts.size());
    return new Rollouts(prompts, continuations, rewards, weights, samplesPerContext);
  }

  public int rows() {
    return prompts.size();
  }

  public int contexts() {
    return rows() / samplesPerContext;
  }
}
