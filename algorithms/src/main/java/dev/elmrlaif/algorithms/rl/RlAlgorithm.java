package dev.elmrlaif.algorithms.rl;

/**
 * The RL algorithms the {@code rl} stage can run (DESIGN.md §4), by their YAML names {@code
 * reinforce}, {@code sac} and {@code soft_q}.
 */
public enum RlAlgorithm {
  /** On-policy REINFORCE with KL control (H1): K samples per context, baselines, KL estimators. */
  REINFORCE,
  /**
   * Soft actor-critic (H2–H4): Q and V critics with exact expectations over tokens, replay buffer.
   */
  SAC,
  /**
   * Soft Q-learning of {@code Q*} (H5–H6), then distillation of {@code π*} into the ELM (H7–H8).
   */
  SOFT_Q;

  /**
   * Whether each update learns only from completions sampled for it (REINFORCE), so a reward may
   * depend on the batch a completion was scored in; the off-policy algorithms replay stored rewards
   * long after that batch.
   */
  public boolean onPolicy() {
    return this == REINFORCE;
  }
}
