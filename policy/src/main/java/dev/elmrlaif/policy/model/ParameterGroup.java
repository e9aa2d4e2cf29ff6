package dev.elmrlaif.policy.model;

import dev.elmrlaif.policy.lora.LoraWeights;

/**
 * The groups two-stage training freezes or trains together (paper Sec. 2, App. D): stage 1 trains
 * only {@link #ADAPTER}; stage 2 adds {@link #EMBEDDINGS} and {@link #BODY}, or {@link #LORA}.
 */
public enum ParameterGroup {
  /** The embedding adapter {@code E_A}: names starting with {@code adapter.}. */
  ADAPTER,
  /** Token and position embeddings (and an untied {@code lm_head}). */
  EMBEDDINGS,
  /** Transformer blocks and the final LayerNorm. */
  BODY,
  /** LoRA tensors ({@code *.lora_A}, {@code *.lora_B}). */
  LORA;

  /** The group a parameter name belongs to. */
  public static ParameterGroup of(String name) {
    if (name.startsWith(EmbeddingAdapter.PREFIX)) {
      return ADAPTER;
    }
    if (name.contains(LoraWeights.MARKER)) {
      return LORA;
    }
    if (name.startsWith("wte.") || name.startsWith("wpe.") || name.startsWith("lm_head.")) {
      return EMBEDDINGS;
    }
    return BODY;
  }
}
