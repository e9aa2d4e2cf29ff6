package dev.elmrlaif.policy.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

  private static final float[] GRAD_A = {3f, -4f, 1f, 2f, 0.5f, -2.5f};
  private static final float[] GRAD_B = {12f, -0.25f};
  private static final double HAND_NORM = Math.sqrt(9 + 16 + 1 + 4 + 0.25 + 6.25 + 144 + 0.0625);

  private NDManager manager;
  private Map<String, NDArray> parameters;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    parameters = new LinkedHashMap<>();
    parameters.put("a", trainable(new Shape(2, 3)));
    parameters.put("b", trainable(new Shape(2)));
    parameters.put("frozen", manager.create(new float[] {100f, 100f}));
    backward(Map.of("a", GRAD_A, "b", GRAD_B));
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void aboveTheThresholdTheNormBecomesMaxNorm() {
    double maxNorm = 2.0;
    double returned = GradientClipping.clipByGlobalNorm(parameters, maxNorm);

    assertEquals(HAND_NORM, returned, 1e-6 * HAND_NORM);
    double after = GradientClipping.globalNorm(parameters);
    assertEquals(maxNorm, after, 1e-6 * maxNorm);
    double scale = maxNorm / (HAND_NORM + GradientClipping.NORM_EPSILON);
    assertArrayEquals(scaled(GRAD_A, scale), gradient("a"), 1e-6f);
    assertArrayEquals(scaled(GRAD_B, scale), gradient("b"), 1e-6f);
  }

  @Test
  void float64AndFloat32GradientsClipTogether() {
    NDArray wide = manager.zeros(new Shape(2), DataType.FLOAT64);
    wide.setRequiresGradient(true);
    parameters.put("wide", wide);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(wide.mul(manager.create(new double[] {5.0, -12.0})).sum());
    }
    double handNorm = Math.sqrt(HAND_NORM * HAND_NORM + 25 + 144);

    double returned = GradientClipping.clipByGlobalNorm(parameters, 1.0);

    assertEquals(handNorm, returned, 1e-6 * handNorm);
    assertEquals(1.0, GradientClipping.globalNorm(parameters), 1e-6);
    try (NDArray gradient = wide.getGradient()) {
      assertArrayEquals(
          new double[] {5.0 / handNorm, -12.0 / handNorm}, gradient.toDoubleArray(), 1e-6);
    }
  }

  @Test
  void belowTheThresholdGradientsAreUnchanged() {
    double returned = GradientClipping.clipByGlobalNorm(parameters, HAND_NORM * 1.01);
    assertEquals(HAND_NORM, returned, 1e-6 * HAND_NORM);
    assertArrayEquals(GRAD_A, gradient("a"), 0f);
    assertArrayEquals(GRAD_B, gradient("b"), 0f);
  }

  @Test
  void nonFiniteNormIsReportedAndNothingIsScaled() {
    backward(Map.of("a", new float[] {Float.NaN, 0, 0, 0, 0, 0}, "b", new float[2]));
    double returned = GradientClipping.clipByGlobalNorm(parameters, 1.0);
    assertTrue(Double.isNaN(returned));
    assertEquals(GRAD_B[0], gradient("b")[0], 0f);
  }

  @Test
  void parametersWithoutGradientsHaveNormZero() {
    Map<String, NDArray> frozen = Map.of("frozen", parameters.get("frozen"));
    assertEquals(0.0, GradientClipping.clipByGlobalNorm(frozen, 1.0), 0.0);
    assertFalse(parameters.get("frozen").hasGradient());
  }

  @Test
  void maxNormMustBePositive() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(parameters, 0));
    assertTrue(e.getMessage().startsWith("maxNorm"), e.getMessage());
  }

  private NDArray trainable(Shape shape) {
    NDArray parameter = manager.zeros(shape);
    parameter.setRequiresGradient(true);
    return parameter;
  }

  /** Adds {@code gradients} to the parameters' gradients: d/dp sum(p * c) = c. */
  private void backward(Map<String, float[]> gradients) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = manager.create(0f);
      for (Map.Entry<String, float[]> entry : gradients.entrySet()) {
        NDArray parameter = parameters.get(entry.getKey());
        NDArray c = manager.create(entry.getValue(), parameter.getShape());
        loss = loss.add(parameter.mul(c).sum());
      }
      collector.backward(loss);
    }
  }

  private float[] gradient(String name) {
    try (NDArray gradient = parameters.get(name).getGradient()) {
      return gradient.toFloatArray();
    }
  }

  private static float[] scaled(float[] values, double scale) {
    float[] result = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = (float) (values[i] * scale);
    }
    return result;
  }
}
