package dev.elmrlaif.policy.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end: AdamW with global-norm clipping and a warmup-cosine schedule trains a linear model
 * held as a {@code Map<String, NDArray>} (the exchange type of the policy) to the closed-form
 * least-squares solution of the normal equations {@code (A^T A) theta = A^T y}.
 */
class LeastSquaresTrainingTest {

  private static final int ROWS = 64;
  private static final int FEATURES = 3;
  private static final int STEPS = 300;

  @ParameterizedTest
  @EnumSource(AdamWKernel.class)
  void reachesTheNormalEquationsSolution(AdamWKernel kernel) {
    SplittableRandom random = new SplittableRandom(2024);
    double[][] x = new double[ROWS][FEATURES];
    double[] y = new double[ROWS];
    double[] trueWeights = {2.0, -3.0, 0.5};
    for (int i = 0; i < ROWS; i++) {
      y[i] = 4.0 + random.nextGaussian() * 0.3;
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = random.nextGaussian();
        y[i] += trueWeights[j] * x[i][j];
      }
    }
    double[] optimum = leastSquares(x, y); // weights then intercept
    double optimalLoss = meanSquaredError(x, y, optimum);

    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray inputs =
          manager.create(flatten(x), new Shape(ROWS, FEATURES)).toType(DataType.FLOAT32, false);
      NDArray targets = manager.create(y, new Shape(ROWS, 1)).toType(DataType.FLOAT32, false);
      Map<String, NDArray> parameters = new LinkedHashMap<>();
      parameters.put("linear.weight", manager.zeros(new Shape(FEATURES, 1)));
      parameters.put("linear.bias", manager.zeros(new Shape(1)));
      parameters.values().forEach(p -> p.setRequiresGradient(true));

      AdamWConfig config = AdamWConfig.builder().weightDecay(0).kernel(kernel).build();
      LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(0.1, 20, STEPS, 0.01);
      double firstNorm = Double.NaN;
      try (AdamW adamW = new AdamW(config, schedule, manager)) {
        for (int step = 0; step < STEPS; step++) {
          try (NDScope scope = new NDScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray prediction =
                  inputs.matMul(parameters.get("linear.weight")).add(parameters.get("linear.bias"));
              collector.backward(prediction.sub(targets).square().mean());
            }
            double norm = GradientClipping.clipByGlobalNorm(parameters, 1.0);
            if (step == 0) {
              firstNorm = norm;
            }
            adamW.step(parameters);
          }
        }
        assertEquals(STEPS, adamW.stepCount());
      }
      assertTrue(firstNorm > 1.0, "clipping should be active at the start, norm " + firstNorm);

      float[] weights = parameters.get("linear.weight").toFloatArray();
      float bias = parameters.get("linear.bias").getFloat();
      double[] learned = {weights[0], weights[1], weights[2], bias};
      for (int j = 0; j <= FEATURES; j++) {
        assertEquals(optimum[j], learned[j], 1e-4, kernel + " coefficient " + j);
      }
      assertEquals(optimalLoss, meanSquaredError(x, y, learned), 1e-5 * (1 + optimalLoss));
    }
  }

  /** Solves the normal equations for [weights..., intercept] by Gaussian elimination. */
  private static double[] leastSquares(double[][] x, double[] y) {
    int n = FEATURES + 1;
    double[][] system = new double[n][n + 1];
    for (int i = 0; i < ROWS; i++) {
      double[] row = new double[n];
      System.arraycopy(x[i], 0, row, 0, FEATURES);
      row[FEATURES] = 1.0;
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          system[a][b] += row[a] * row[b];
        }
        system[a][n] += row[a] * y[i];
      }
    }
    for (int pivot = 0; pivot < n; pivot++) {
      for (int r = pivot + 1; r < n; r++) {
        double factor = system[r][pivot] / system[pivot][pivot];
        for (int c = pivot; c <= n; c++) {
          system[r][c] -= factor * system[pivot][c];
        }
      }
    }
    double[] solution = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double sum = system[r][n];
      for (int c = r + 1; c < n; c++) {
        sum -= system[r][c] * solution[c];
      }
      solution[r] = sum / system[r][r];
    }
    return solution;
  }

  private static double meanSquaredError(double[][] x, double[] y, double[] theta) {
    double total = 0;
    for (int i = 0; i < ROWS; i++) {
      double prediction = theta[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        prediction += theta[j] * x[i][j];
      }
      total += (prediction - y[i]) * (prediction - y[i]);
    }
    return total / ROWS;
  }

  private static double[] flatten(double[][] matrix) {
    double[] flat = new double[matrix.length * matrix[0].length];
    for (int i = 0; i < matrix.length; i++) {
      System.arraycopy(matrix[i], 0, flat, i * matrix[0].length, matrix[0].length);
    }
    return flat;
  }
}
