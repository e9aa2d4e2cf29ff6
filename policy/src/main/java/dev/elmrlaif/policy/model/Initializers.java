package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Seeded weight initialisation drawn with a Java RNG, so the same seed gives the same weights on
 * every device and engine without touching DJL's global random seed.
 */
public final class Initializers {
  private Initializers() {}

  /** A tensor of independent {@code N(0, std^2)} draws. */
  public static NDArray gaussian(
      NDManager manager, Shape shape, double std, SplittableRandom rng, DataType dataType) {
    double[] values = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextGaussian() * std;
    }
    return manager.create(values, shape).toType(dataType, false);
  }

  /** A tensor of zeros or ones. */
  public static NDArray constant(NDManager manager, Shape shape, double value, DataType dataType) {
    return manager.full(shape, (float) value, dataType);
  }
}
