package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;

/**
 * An additive term on a linear projection of the transformer, {@code y = x W + b + delta(x)}: the
 * hook through which LoRA (see {@code dev.elmrlaif.policy.lora.LoraWeights}) changes the model
 * without touching its base weights.
 */
@FunctionalInterface
public interface ProjectionDelta {
  /** No extra term: the plain base model. */
  ProjectionDelta NONE = (projection, input) -> null;

  /**
   * The term to add to the output of a projection.
   *
   * @param projection the projection's parameter prefix, e.g. {@code h.0.attn.c_attn}
   * @param input the projection's input {@code x}, shape {@code [..., in]}
   * @return an array of shape {@code [..., out]}, or {@code null} when this projection has none
   */
  NDArray apply(String projection, NDArray input);
}
