package dev.elmrlaif.algorithms.rl.math;

/**
 * Where along the sequence the KL penalty {@code β·kl_t} is charged when it is placed in the reward
 * ({@link KlPlacement#REWARD}); see {@link Returns#shapedRewards}.
 */
public enum KlLevel {
  /**
   * Per token: step {@code t} gets reward {@code r_t − β·kl_t}, so the return of step {@code t}
   * (reward-to-go) carries only the KL of the tokens from {@code t} on: {@code G_t = Σ_{k≥t}
   * γ^{k−t} (r_k − β·kl_k)}.
   */
  TOKEN,
  /**
   * Per sequence: the summed penalty {@code β·Σ_k kl_k} is charged at the last token, so with
   * {@code γ = 1} every step's return is the sequence return {@code R = r(y) − β·Σ_k kl_k}.
   */
  SEQUENCE
}
