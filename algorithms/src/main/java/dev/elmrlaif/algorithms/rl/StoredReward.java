package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.algorithms.rl.math.Advantages;
import java.util.Arrays;

/**
 * What an off-policy trainer stores in its replay buffer as a completion's reward, from the reward
 * model's rewards of a step's {@code K} completions of each context.
 */
public enum StoredReward {
  /** The reward model's reward. */
  RAW,
  /**
   * The reward minus the mean reward of the context's other {@code K − 1} completions (RLOO's
   * leave-one-out baseline, Ahmadian et al. 2024): the same constant shift for every completion of
   * a context in expectation, so the KL-regularised optimum is unchanged.
   */
  LEAVE_ONE_OUT,
  /**
   * {@code (r − mean) / (std + 1e-6)} over the context's {@code K} completions: REINFORCE's {@code
   * group_normalised} baseline (GRPO's advantage, Shao et al. 2024; TRL's {@code scale_rewards}).
   * Every context's completions then differ on the same unit scale, whatever the spread of their
   * rewards. Deviation: dividing by the context's spread changes the objective (the soft optimum is
   * {@code π_ref·exp(r / (α·std_c))} per context, a temperature of its own for each), as it does
   * for GRPO.
   */
  GROUP_NORMALISED;

  /** The group-normalisation {@code ε}, REINFORCE's default. */
  public static final double EPSILON = 1e-6;

  /**
   * The stored rewards of {@code rewards}, {@code k} consecutive rows per context.
   *
   * @throws IllegalArgumentException if {@code rewards.length} is not a multiple of {@code k}
   */
  public double[] of(double[] rewards, int k) {
    if (k < 1 || rewards.length % k != 0) {
      throw new IllegalArgumentException(
          "rewards: found " + rewards.length + ", expected a multiple of k = " + k);
    }
    if (this == RAW) {
      return rewards.clone();
    }
    double[] stored = new double[rewards.length];
    for (int from = 0; from < rewards.length; from += k) {
      double[] context = Arrays.copyOfRange(rewards, from, from + k);
      double[] shifted =
          this == LEAVE_ONE_OUT
              ? Advantages.leaveOneOut(context)
              : Advantages.groupNormalised(context, EPSILON);
      System.arraycopy(shifted, 0, stored, from, k);
    }
    return stored;
  }

  /**
   * The stored reward of a text written by someone else for a context (a demonstration), against
   * the context's {@code K} completions' rewards: {@code r} itself ({@link #RAW}), {@code r} minus
   * their mean ({@link #LEAVE_ONE_OUT}: none of them is the text), or {@code (r − mean) / (std +
   * ε)} with their mean and standard deviation ({@link #GROUP_NORMALISED}).
   */
  public double against(double reward, double[] completionRewards) {
    if (this == RAW) {
      return reward;
    }
    double mean = 0;
    for (double r : completionRewards) {
      mean += r / completionRewards.length;
    }
    if (this == LEAVE_ONE_OUT) {
      return reward - mean;
    }
    double squares = 0;
    for (double r : completionRewards) {
      squares += (r - mean) * (r - mean);
    }
    return (reward - mean) / (Math.sqrt(squares / completionRewards.length) + EPSILON);
  }
}
