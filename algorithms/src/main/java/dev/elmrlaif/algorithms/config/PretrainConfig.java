package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The {@code pretrain} stage: causal-LM pretraining of the small GPT on the training split's texts
 * ({@code corpus}), packed into sequences of {@code model.context_length}. Learning rate, batch
 * size, warm-up, weight decay, clipping, checkpoint and log intervals come from the shared {@code
 * trainer} section.
 */
@RecordBuilder
public record PretrainConfig(
    @Doc("Optimisation steps; 0 means trainer.max_steps") @Range(min = 0) @Default("0") int steps,
    @Doc("Held-out loss every N steps (and always at the end); 0 means only at the end")
        @Range(min = 0)
        @Default("100")
        int evalEvery,
    @Doc("Held-out batches per held-out loss") @Range(min = 1, max = 100000) @Default("4")
        int evalBatches,
    @Doc("Floor of the cosine decay as a fraction of the peak learning rate")
        @Range(min = 0, max = 1)
        @Default("0.1")
        double minLearningRateRatio,
    @Doc(
            "Texts to pretrain on (and train the BPE on): examples (the training examples' teacher"
                + " texts) or training_texts (also every text about a training entity, and"
                + " the data's texts about no entity, e.g. TMDB films outside MovieLens)")
        @Default("examples")
        PretrainCorpusSource corpus)
    implements PretrainConfigBuilder.With {

  public PretrainConfig {
    if (corpus == null) {
      throw new ConfigException("corpus", "missing; expected examples or training_texts");
    }
  }

  /** The defaults every config starts from. */
  public static PretrainConfig defaults() {
    return ConfigKeys.defaults(PretrainConfig.class);
  }

  /** The number of steps to run given the shared trainer section. */
  public int resolvedSteps(TrainerConfig trainer) {
    return steps > 0 ? steps : trainer.maxSteps();
  }
}
