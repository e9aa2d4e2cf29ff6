package dev.elmrlaif.algorithms.rl.math;

/**
 * The baseline {@code b} subtracted from returns in the REINFORCE gradient {@code Σ_t ∇log
 * π_θ(a_t|s_t)·(R − b)}; each keeps the gradient unbiased (b does not depend on the sample's own
 * action) while reducing its variance.
 */
public enum Baseline {
  /** {@code A = R}. */
  NONE,
  /**
   * An exponential moving average of past batches' mean return, bias-corrected: {@code m ← d·m +
   * (1−d)·mean(R)}, {@code b = m / (1 − d^n)} after {@code n} updates; a batch's advantages use the
   * baseline from before that batch ({@link MovingAverageBaseline}).
   */
  MOVING_AVERAGE,
  /**
   * Over the K samples of one context, each sample's baseline is the mean of the other K−1: {@code
   * A_i = R_i − (Σ_j R_j − R_i)/(K−1)} ({@link Advantages#leaveOneOut}).
   */
  LEAVE_ONE_OUT,
  /**
   * Over the K samples of one context: {@code A_i = (R_i − mean(R)) / (std(R) + ε)}, population
   * standard deviation ({@link Advantages#groupNormalised}). Rescales as well as centres, so it is
   * not a pure baseline: it also normalises the step size per context (GRPO-style).
   */
  GROUP_NORMALISED
}
