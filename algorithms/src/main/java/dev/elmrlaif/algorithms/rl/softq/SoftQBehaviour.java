package dev.elmrlaif.algorithms.rl.softq;

/**
 * Which ELM generates the trajectories the soft-Q trainer stores in its replay buffer (YAML {@code
 * soft_q.behaviour}). Soft Q-learning is off-policy (H5 holds for transitions from any policy), so
 * all are valid; they differ in which states the critic and the distillation see.
 */
public enum SoftQBehaviour {
  /**
   * The current policy {@code π_θ}: data follows the distilled policy toward high-reward states.
   */
  POLICY,
  /** The frozen reference {@code π_ref}: a fixed data distribution, as in offline RL. */
  REFERENCE,
  /**
   * Nobody: offline RL from a buffer saved earlier ({@code soft_q.offline_buffer}, e.g. a
   * checkpoint's {@code trainer/replay.bin}, whatever ELMs filled it); nothing is generated.
   */
  OFFLINE
}
