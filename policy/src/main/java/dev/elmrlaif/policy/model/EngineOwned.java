package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;

/**
 * Tensors made from Java arrays and numbers whose memory the engine owns.
 *
 * <p>DJL's PyTorch engine builds a tensor created from a Java array over a direct buffer, and
 * closing that array frees the buffer, while views of it ({@code broadcast}) and the autograd graph
 * (which keeps gather and embedding indices, and matmul inputs, for the backward pass) still point
 * at it: a backward pass after the forward's scope closed read freed memory ("index ... is out of
 * bounds"). A copy made by the engine lives as long as anything references it, so every input of a
 * differentiable forward is created here.
 *
 * <p>The same holds for DJL's scalar overloads ({@code x.mul(0.5)}): the engine wraps the number in
 * a tensor over a Java buffer, closes it right after the op, and the garbage collector may free the
 * buffer before the backward pass reads it (a gradient of {@code 3x} came out as {@code -2e31}). On
 * a differentiable path, multiply or divide by {@link #scalar} instead.
 */
public final class EngineOwned {
  private EngineOwned() {}

  /**
   * {@code value} as a 0-d tensor of {@code like}'s type, device and manager, owned by the engine.
   */
  public static NDArray scalar(NDArray like, double value) {
    return scalar(like.getManager(), like.getDataType(), value);
  }

  /** {@code value} as a 0-d tensor of {@code type} in {@code manager}, owned by the engine. */
  public static NDArray scalar(NDManager manager, DataType type, double value) {
    try (NDArray javaBacked = manager.create(value)) {
      return engineCopy(javaBacked, type);
    }
  }

  /** {@code data} (e.g. gather indices, INT64) as a tensor of {@code shape} owned by the engine. */
  public static NDArray create(NDManager manager, long[] data, Shape shape) {
    return copyOf(() -> manager.create(data, shape));
  }

  /** {@code data} as a FLOAT32 tensor of {@code shape} owned by the engine. */
  public static NDArray create(NDManager manager, float[] data, Shape shape) {
    return copyOf(() -> manager.create(data, shape));
  }

  /** {@code data} as a BOOLEAN tensor of {@code shape} owned by the engine. */
  public static NDArray create(NDManager manager, boolean[] data, Shape shape) {
    return copyOf(() -> manager.create(data, shape));
  }

  /** {@code data} converted to {@code type} (a constant of a loss, say) and owned by the engine. */
  public static NDArray create(NDManager manager, double[] data, Shape shape, DataType type) {
    try (NDArray javaBacked = manager.create(data, shape)) {
      return engineCopy(javaBacked, type);
    }
  }

  /**
   * {@code javaBacked} as an engine-owned tensor of {@code type}. Not {@code toType(type, true)}:
   * DJL's PyTorch engine implements it with {@code Tensor.to(dtype)}, which returns the same
   * storage when the type does not change, so a FLOAT64 scalar made from a Java double aliased the
   * Java buffer freed on close (GradientCheckTest, in float64, failed now and then with a
   * finite-difference gradient of -8682).
   */
  private static NDArray engineCopy(NDArray javaBacked, DataType type) {
    return javaBacked.getDataType() == type
        ? javaBacked.duplicate()
        : javaBacked.toType(type, false);
  }

  private static NDArray copyOf(Supplier<NDArray> javaBacked) {
    try (NDArray view = javaBacked.get()) {
      return view.duplicate();
    }
  }
}
