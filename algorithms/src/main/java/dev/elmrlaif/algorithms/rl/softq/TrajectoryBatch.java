package dev.elmrlaif.algorithms.rl.softq;

import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.replay.SampledTrajectory;
import dev.elmrlaif.replay.Trajectory;
import java.util.ArrayList;
import java.util.List;

/**
 * Trajectories drawn from the replay buffer, laid out as the critic and the distillation read them:
 * one row per trajectory (its context and generated tokens), so one forward pass gives {@code
 * Q(s_t,·)}, {@code π_ref(·|s_t)} and {@code π_θ(·|s_t)} at every state {@code s_t} of every row.
 * Row {@code b} has {@code continuations.get(b).length} transitions.
 *
 * @param ids the trajectories' ids (for priority updates)
 * @param prompts each row's context
 * @param continuations each row's generated tokens {@code a_0..a_{T−1}}
 * @param stepRewards each row's {@code r_t}: per-token rewards when stored, plus the terminal
 *     reward on the last step
 * @param importanceWeights each row's prioritised-replay correction (1 under uniform sampling)
 */
record TrajectoryBatch(
    List<String> ids,
    List<ElmPrompt> prompts,
    List<int[]> continuations,
    List<double[]> stepRewards,
    double[] importanceWeights) {

  TrajectoryBatch {
    ids = List.copyOf(ids);
    prompts = List.copyOf(prompts);
    continuations = List.copyOf(continuations);
    stepRewards = List.copyOf(stepRewards);
    importanceWeights = importanceWeights.clone();
    int rows = ids.size();
    if (prompts.size() != rows
        || continuations.size() != rows
        || stepRewards.size() != rows
        || importanceWeights.length != rows) {
      throw new IllegalArgumentException(
          "TrajectoryBatch: found "
              + rows
              + " ids, "
              + prompts.size()
              + " prompts, "
              + continuations.size()
              + " continuations, "
              + stepRewards.size()
              + " reward rows and "
              + importanceWeights.length
              + " weights, expected one of each per row");
    }
    for (int b = 0; b < rows; b++) {
      if (continuations.get(b).length == 0
          || stepRewards.get(b).length != continuations.get(b).length) {
        throw new IllegalArgumentException(
            "TrajectoryBatch row "
                + b
                + ": "
                + continuations.get(b).length
                + " tokens and "
                + stepRewards.get(b).length
                + " rewards, expected at least one token and one"
                + " reward per token");
      }
    }
  }

  /** The sampled trajectories as one batch, with their importance weights. */
  static TrajectoryBatch of(List<SampledTrajectory> sampled) {
    List<String> ids = new ArrayList<>(sampled.size());
    List<ElmPrompt> prompts = new ArrayList<>(sampled.size());
    List<int[]> continuations = new ArrayList<>(sampled.size());
    List<double[]> rewards = new ArrayList<>(sampled.size());
    double[] weights = new double[sampled.size()];
    for (int b = 0; b < sampled.size(); b++) {
      Trajectory trajectory = sampled.get(b).trajectory();
      ids.add(trajectory.id());
      prompts.add(new ElmPrompt(trajectory.promptIds(), trajectory.contexts()));
      continuations.add(trajectory.actionIds());
      rewards.add(stepRewards(trajectory));
      weights[b] = sampled.get(b).importanceWeight();
    }
    return new TrajectoryBatch(ids, prompts, continuations, rewards, weights);
  }

  /**
   * {@code r_t} of a stored trajectory: its per-token rewards, if any, plus the terminal reward
   * last.
   */
  static double[] stepRewards(Trajectory trajectory) {
    double[] rewards = trajectory.tokenRewards().orElse(new double[trajectory.length()]);
    rewards[rewards.length - 1] += trajectory.reward();
    return rewards;
  }

  int rows() {
    return ids.size();
  }

  /** The longest continuation: the width C of every {@code [B, C, ...]} array of the batch. */
  int width() {
    int width = 0;
    for (int[] continuation : continuations) {
      width = Math.max(width, continuation.length);
    }
    return width;
  }

  /**
   * Per-state weights {@code [B·C]} of a batch mean: {@code w_b / N} at the real states of row
   * {@code b} and 0 on padding, {@code N} the number of real states, so {@code Σ weight·ℓ} is the
   * importance-weighted mean of a per-state loss {@code ℓ}.
   */
  double[] stateWeights() {
    int width = width();
    int states = 0;
    for (int[] continuation : continuations) {
      states += continuation.length;
    }
    double[] weights = new double[rows() * width];
    for (int b = 0; b < rows(); b++) {
      for (int t = 0; t < continuations.get(b).length; t++) {
        weights[b * width + t] = importanceWeights[b] / states;
      }
    }
    return weights;
  }
}
