package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * The two-stage toy of the paper's App. D as a run (YAML section {@code two_stage_toy}, absent by
 * default; {@code configs/toy-two-stage.yaml}): a tiny LM is first pretrained on a made-up
 * language, then an ELM must map two 2-d embeddings to the tokens "one" and "two", trained in one
 * stage (adapter and LM together) or two (adapter first, then everything); the run reports the
 * iterations each needs to fit, per seed. It exists because the paper found two-stage training
 * essential for convergence and a researcher should be able to check that claim in seconds.
 */
@RecordBuilder
public record TwoStageToyConfig(
    @Doc("Seeds; each pretrains its own LM and trains both ways from it") @Default("[1, 2, 3]")
        List<Long> seeds,
    @Doc("Vocabulary: 0 begins and ends, 1 is the placeholder, 2 is 'one', 3 'two', the rest words")
        @Range(min = 6, max = 256)
        @Default("12")
        int vocabSize,
    @Doc("Width of the tiny LM") @Range(min = 4, max = 512) @Default("32") int dModel,
    @Doc("Transformer blocks of the tiny LM") @Range(min = 1, max = 8) @Default("2") int layers,
    @Doc("Attention heads (must divide d_model)") @Range(min = 1, max = 16) @Default("2") int heads,
    @Doc("Hidden width of the adapter E_A") @Range(min = 1, max = 1024) @Default("16")
        int adapterHidden,
    @Doc("Steps pretraining the LM on its language (every word is followed by its successor)")
        @Range(min = 0, max = 100000)
        @Default("300")
        int pretrainSteps,
    @Doc("Learning rate of the pretraining")
        @Range(min = 0, max = 10, minExclusive = true)
        @Default("0.01")
        double pretrainLearningRate,
    @Doc("Learning rate of both ELM trainings (AdamW, constant)")
        @Range(min = 0, max = 10, minExclusive = true)
        @Default("0.001")
        double learningRate,
    @Doc("Most iterations of each training before it counts as not fitted")
        @Range(min = 1, max = 1000000)
        @Default("1500")
        int maxIterations,
    @Doc("Two-stage only: most adapter-only iterations before the second stage starts")
        @Range(min = 1, max = 1000000)
        @Default("500")
        int stage1MaxIterations,
    @Doc("Fitted when every training embedding's -log p(target token) is below this")
        @Range(min = 0, max = 10, minExclusive = true)
        @Default("0.1")
        double fitLoss,
    @Doc("Training examples per iteration (the two embeddings replicated)")
        @Range(min = 2, max = 4096)
        @Default("16")
        int batchSize)
    implements TwoStageToyConfigBuilder.With {

  public TwoStageToyConfig {
    seeds = seeds == null ? List.of() : List.copyOf(seeds);
    if (seeds.isEmpty()) {
      throw new ConfigException("seeds", "found none, expected at least one seed");
    }
    if (dModel % heads != 0) {
      throw new ConfigException(
          "heads", "found " + heads + ", expected a divisor of d_model " + dModel);
    }
  }

  /** The defaults every config starts from. */
  public static TwoStageToyConfig defaults() {
    return ConfigKeys.defaults(TwoStageToyConfig.class);
  }
}
