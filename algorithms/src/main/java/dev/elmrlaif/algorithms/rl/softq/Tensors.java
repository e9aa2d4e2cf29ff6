package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Tensor values read back as doubles (the losses' constants are made with {@code
 * policy.model.EngineOwned}, see docs/djl-pitfalls.md).
 */
final class Tensors {
  private Tensors() {}

  /** The values of {@code array} (any float type) as doubles, without its gradient. */
  static double[] toDoubles(NDArray array) {
    return array.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
