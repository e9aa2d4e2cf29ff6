package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Optimisation settings shared by the training stages (pretraining and supervised ELM training read
 * them; a stage's own section may refine them), including the selection of the best held-out
 * weights ({@code keep_best}) and early stopping on them ({@code patience}).
 */
@RecordBuilder
public record TrainerConfig(
    @Doc("Peak learning rate of AdamW")
        @Range(min = 0, max = 10, minExclusive = true)
        @Default("3e-4")
        double learningRate,
    @Doc("Decoupled (AdamW) weight decay") @Range(min = 0, max = 1) @Default("0.01")
        double weightDecay,
    @Doc("Sequences per optimisation step") @Range(min = 1, max = 65536) @Default("16")
        int batchSize,
    @Doc("Optimisation steps per training stage") @Range(min = 1) @Default("1000") int maxSteps,
    @Doc("Linear warm-up steps before the cosine decay") @Range(min = 0) @Default("50")
        int warmupSteps,
    @Doc("Global gradient-norm clip; 0 disables clipping") @Range(min = 0) @Default("1.0")
        double gradClip,
    @Doc("Save a full-state checkpoint every N steps; 0 saves only at stage ends")
        @Range(min = 0)
        @Default("200")
        int checkpointEvery,
    @Doc("Write training metrics every N steps") @Range(min = 1) @Default("10") int logEvery,
    @Doc(
            "Keep the weights with the lowest held-out loss (evaluated every pretrain.eval_every or"
                + " sft.eval_every steps) instead of the last ones, in pretraining and both SFT stages")
        @Default("false")
        boolean keepBest,
    @Doc(
            "Early stopping: a training stage (pretraining, each SFT stage) stops after this many held-out"
                + " evaluations in a row without a lower held-out loss than its best; 0 disables; needs keep_best")
        @Range(min = 0)
        @Default("0")
        int patience)
    implements TrainerConfigBuilder.With {

  public TrainerConfig {
    if (patience > 0 && !keepBest) {
      throw new ConfigException(
          "patience",
          "found "
              + patience
              + " with keep_best false; expected keep_best: true (early stopping ends a stage"
              + " with the weights of its lowest held-out loss, which keep_best keeps)");
    }
  }

  /** The defaults every config starts from. */
  public static TrainerConfig defaults() {
    return ConfigKeys.defaults(TrainerConfig.class);
  }
}
