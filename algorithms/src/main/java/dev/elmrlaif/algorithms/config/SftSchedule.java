package dev.elmrlaif.algorithms.config;

/** Which sub-stages of two-stage ELM training (paper Sec. 2, App. D) the {@code sft} stage runs. */
public enum SftSchedule {
  /** Stage 1 (adapter only, LM frozen), then stage 2. */
  TWO_STAGE,
  /** Only stage 1: the adapter learns to talk to a frozen LM. */
  STAGE1_ONLY,
  /** Only stage 2, from a freshly initialised adapter (the ablation App. D reports as unstable). */
  STAGE2_ONLY
}
