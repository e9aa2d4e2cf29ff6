package dev.elmrlaif.rlaif.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Constants of the soft-Q losses as tensors the engine owns (docs/djl-pitfalls.md: a tensor over a
 * Java buffer may be freed before the backward pass reads it), and values read back as doubles.
 */
final class Tensors {
  private Tensors() {}

  /** {@code values} as a constant of type {@code type}, copied into engine-owned memory. */
  static NDArray constant(NDManager scope, double[] values, Shape shape, DataType type) {
    try (NDArray javaBacked = scope.create(values, shape)) {
      return javaBacked.toType(type, true);
    }
  }

  /** Gather indices (INT64, as gather needs them), copied into engine-owned memory. */
  static NDArray indices(NDManager scope, long[] values, Shape shape) {
    try (NDArray javaBacked = scope.create(values, shape)) {
      return javaBacked.duplicate();
    }
  }

  /** The values of {@code array} (any float type) as doubles, without its gradient. */
  static double[] toDoubles(NDArray array) {
    return array.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
