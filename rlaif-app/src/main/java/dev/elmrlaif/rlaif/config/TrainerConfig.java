package dev.elmrlaif.rlaif.config;

/**
 * Optimisation settings shared by the training stages (pretraining and supervised ELM training
 * read them; a stage's own section may refine them).
 */
public record TrainerConfig(
    @Doc("Peak learning rate of AdamW") @Range(min = 0, max = 10, minExclusive = true)
        double learningRate,
    @Doc("Decoupled (AdamW) weight decay") @Range(min = 0, max = 1) double weightDecay,
    @Doc("Sequences per optimisation step") @Range(min = 1, max = 65536) int batchSize,
    @Doc("Optimisation steps per training stage") @Range(min = 1) int maxSteps,
    @Doc("Linear warm-up steps before the cosine decay") @Range(min = 0) int warmupSteps,
    @Doc("Global gradient-norm clip; 0 disables clipping") @Range(min = 0) double gradClip,
    @Doc("Save a full-state checkpoint every N steps; 0 saves only at stage ends") @Range(min = 0)
        int checkpointEvery,
    @Doc("Write training metrics every N steps") @Range(min = 1) int logEvery) {

  /** The defaults every config starts from. */
  public static TrainerConfig defaults() {
    return new TrainerConfig(3e-4, 0.01, 16, 1000, 50, 1.0, 200, 10);
  }
}
