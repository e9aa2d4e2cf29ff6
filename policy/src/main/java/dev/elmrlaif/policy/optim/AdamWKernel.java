package dev.elmrlaif.policy.optim;

/**
 * How {@link AdamW} applies its update to one parameter. Both compute PyTorch's AdamW; they differ
 * in float rounding only.
 */
public enum AdamWKernel {
  /**
   * About 15 DJL tensor ops per parameter, written in the same order as {@code torch.optim.AdamW}
   * (single-tensor path): decay, moments, {@code sqrt(v) / sqrt(bc2) + eps}, update.
   */
  HAND_WRITTEN,
  /**
   * One call per parameter into the PyTorch engine's fused {@code adamUpdate} (DJL's {@code
   * NDArrayEx}), which also zeroes the gradient. That kernel computes {@code p -= lr_bc * m /
   * (sqrt(v) + eps')}; passing {@code lr_bc = lr * sqrt(bc2) / bc1} and {@code eps' = eps *
   * sqrt(bc2)} makes it the same formula as PyTorch's. Its scalars are float32.
   */
  NATIVE
}
