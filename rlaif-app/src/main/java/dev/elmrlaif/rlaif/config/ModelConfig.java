package dev.elmrlaif.rlaif.config;

import dev.elmrlaif.rlaif.UserInputException;

/**
 * The language model the ELM is built on: either a local Hugging Face GPT-2 folder, or the shape of
 * the small GPT that the {@code pretrain} stage trains from scratch on the training corpus; and the
 * shape of the embedding adapter {@code E_A} (DESIGN.md §1) that {@code sft} adds.
 */
public record ModelConfig(
    @Doc("Local Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer.json) to start from; "
        + "empty pretrains a small GPT on the training corpus") String pretrained,
    @Doc("Longest sequence in tokens (prompt plus target; pretraining packs to this length)")
        @Range(min = 8, max = 65536) int contextLength,
    @Doc("Transformer blocks of the small GPT") @Range(min = 1, max = 256) int layers,
    @Doc("Attention heads per block; must divide d_model") @Range(min = 1, max = 256) int heads,
    @Doc("Width of the residual stream of the small GPT") @Range(min = 2, max = 65536) int dModel,
    @Doc("Hidden width of the embedding adapter E_A (a 2-layer MLP)") @Range(min = 1, max = 65536)
        int adapterHidden,
    @Doc("Standard deviation of the adapter's output-layer initial weights")
        @Range(min = 0, max = 10, minExclusive = true) double adapterInitStd) {

  public ModelConfig {
    if (pretrained == null) {
      throw new UserInputException("model.pretrained: found null, expected a folder path or an empty string");
    }
    if (heads > 0 && dModel % heads != 0) {
      throw new UserInputException(
          "model.d_model: found " + dModel + ", expected a multiple of model.heads=" + heads);
    }
  }

  /** Whether a pretrained folder is configured (then the {@code pretrain} stage loads it). */
  public boolean hasPretrained() {
    return !pretrained.isBlank();
  }

  /** The defaults every config starts from: a 4-layer, 4-head, d_model 128 GPT with context 128. */
  public static ModelConfig defaults() {
    return new ModelConfig("", 128, 4, 4, 128, 256, 0.02);
  }
}
