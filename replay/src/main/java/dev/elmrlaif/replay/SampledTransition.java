package dev.elmrlaif.replay;

/**
 * One transition {@code (s_t, a_t, s_{t+1})} of a stored trajectory, drawn from a {@link
 * ReplayBuffer}: state {@code s_t} is the prompt plus actions {@code [0, t)}, the action is {@code
 * actions[t]} and the next state is terminal when {@code t} is the last step.
 *
 * @param trajectory the whole trajectory (critics read the full token sequence)
 * @param t the step, {@code 0 <= t < trajectory.length()}
 * @param probability the probability this transition had of being drawn
 * @param importanceWeight the prioritised-replay correction (1 under uniform sampling)
 */
public record SampledTransition(
    Trajectory trajectory, int t, double probability, double importanceWeight) {

  public SampledTransition {
    if (t < 0 || t >= trajectory.length()) {
      throw new IndexOutOfBoundsException(
          "transition step t=" + t + " outside [0, " + trajectory.length() + ")");
    }
  }

  /** The token ids of {@code s_t}. */
  public int[] stateTokens() {
    return trajectory.stateTokens(t);
  }

  /** The token {@code a_t}. */
  public int action() {
    return trajectory.action(t);
  }

  /** Whether {@code s_{t+1}} is terminal, i.e. this is the trajectory's last step. */
  public boolean isLast() {
    return t == trajectory.length() - 1;
  }

  /**
   * The environment reward of this step, before any KL shaping: the per-token reward when the
   * trajectory has them, plus the terminal reward on the last step.
   */
  public double environmentReward() {
    double tokenReward = trajectory.tokenRewards().map(r -> r[t]).orElse(0.0);
    return tokenReward + (isLast() ? trajectory.reward() : 0.0);
  }
}
