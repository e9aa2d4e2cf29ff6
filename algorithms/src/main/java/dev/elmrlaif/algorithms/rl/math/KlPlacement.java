package dev.elmrlaif.algorithms.rl.math;

/** Whether the KL regulariser of H1 enters through the reward or as a separate loss term. */
public enum KlPlacement {
  /**
   * In the reward: the per-token estimate ({@link KlEstimator}) times {@code β} is subtracted from
   * the rewards before returns are computed ({@link Returns#shapedRewards}); the policy gradient
   * then carries it. The estimate is treated as a constant (no gradient through it).
   */
  REWARD,
  /**
   * In the loss: returns hold the environment reward only, and the trainer adds {@code β·Σ_t
   * KL(π_θ(·|s_t) ‖ π_ref(·|s_t))} computed exactly over the vocabulary ({@link
   * KlDivergence#exact}) to the loss, differentiated directly.
   */
  LOSS
}
