package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The language model the ELM is built on: either a local Hugging Face GPT-2 folder, or the shape of
 * the small GPT that the {@code pretrain} stage trains from scratch on the training corpus; and the
 * shape of the embedding adapter {@code E_A} (DESIGN.md §1) that {@code sft} adds.
 */
@RecordBuilder
public record ModelConfig(
    @Doc(
            "Local Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer.json) to start from; "
                + "empty pretrains a small GPT on the training corpus")
        @Default("")
        String pretrained,
    @Doc("Longest sequence in tokens (prompt plus target; pretraining packs to this length)")
        @Range(min = 8, max = 65536)
        @Default("128")
        int contextLength,
    @Doc("Transformer blocks of the small GPT") @Range(min = 1, max = 256) @Default("4") int layers,
    @Doc("Attention heads per block; must divide d_model") @Range(min = 1, max = 256) @Default("4")
        int heads,
    @Doc("Width of the residual stream of the small GPT")
        @Range(min = 2, max = 65536)
        @Default("128")
        int dModel,
    @Doc("Hidden width of the embedding adapter E_A (a 2-layer MLP)")
        @Range(min = 1, max = 65536)
        @Default("256")
        int adapterHidden,
    @Doc("Standard deviation of the adapter's output-layer initial weights")
        @Range(min = 0, max = 10, minExclusive = true)
        @Default("0.02")
        double adapterInitStd)
    implements ModelConfigBuilder.With {

  public ModelConfig {
    if (pretrained == null) {
      throw new ConfigException(
          "pretrained", "found null, expected a folder path or an empty string");
    }
    if (heads > 0 && dModel % heads != 0) {
      throw new ConfigException(
          "d_model", "found " + dModel + ", expected a multiple of model.heads=" + heads);
    }
  }

  /** Whether a pretrained folder is configured (then the {@code pretrain} stage loads it). */
  public boolean hasPretrained() {
    return !pretrained.isBlank();
  }

  /** The defaults every config starts from: a 4-layer, 4-head, d_model 128 GPT with context 128. */
  public static ModelConfig defaults() {
    return ConfigKeys.defaults(ModelConfig.class);
  }
}
