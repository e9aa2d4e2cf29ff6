package dev.elmrlaif.domain.movielens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.Cholesky;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.config.WalsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.junit.jupiter.api.Test;

class WeightedAlsTest {

  /** A rank-3 matrix X·Yᵀ with entries of order 1. */
  private static double[][] plantedMatrix(int rows, int columns, int rank, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[rows][rank];
    double[][] y = new double[columns][rank];
    for (double[] v : x) {
      for (int d = 0; d < rank; d++) {
        v[d] = random.nextGaussian();
      }
    }
    for (double[] v : y) {
      for (int d = 0; d < rank; d++) {
        v[d] = random.nextGaussian();
      }
    }
    double[][] m = new double[rows][columns];
    for (int u = 0; u < rows; u++) {
      for (int i = 0; i < columns; i++) {
        for (int d = 0; d < rank; d++) {
          m[u][i] += x[u][d] * y[i][d];
        }
      }
    }
    return m;
  }

  private static Interactions observe(double[][] m, boolean[][] observed) {
    List<int[]> cells = new ArrayList<>();
    for (int u = 0; u < m.length; u++) {
      for (int i = 0; i < m[0].length; i++) {
        if (observed[u][i]) {
          cells.add(new int[] {u, i});
        }
      }
    }
    int[] r = new int[cells.size()];
    int[] c = new int[cells.size()];
    float[] v = new float[cells.size()];
    for (int n = 0; n < cells.size(); n++) {
      r[n] = cells.get(n)[0];
      c[n] = cells.get(n)[1];
      v[n] = (float) m[r[n]][c[n]];
    }
    return Interactions.fromTriples("user", "movie", m.length, m[0].length, r, c, v);
  }

  @Test
  void recoversPlantedLowRankMatrixFromHalfItsEntries() {
    double[][] m = plantedMatrix(80, 60, 3, 1);
    Random random = new Random(2);
    boolean[][] observed = new boolean[80][60];
    for (boolean[] row : observed) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextDouble() < 0.5;
      }
    }
    // w0 = 0: unobserved entries carry no weight, so this is plain low-rank completion.
    WeightedAls wals =
        new WeightedAls(
            WalsConfig.defaults()
                .with(
                    b ->
                        b.dimension(3)
                            .iterations(60)
                            .unobservedWeight(0.0)
                            .regularization(1e-4)
                            .threads(2)));
    WeightedAls.Factors f = wals.fit(observe(m, observed), 7);
    double squaredError = 0;
    double squaredValue = 0;
    int missing = 0;
    for (int u = 0; u < 80; u++) {
      for (int i = 0; i < 60; i++) {
        if (!observed[u][i]) {
          double e = f.score(u, i) - m[u][i];
          squaredError += e * e;
          squaredValue += m[u][i] * m[u][i];
          missing++;
        }
      }
    }
    assertTrue(missing > 2000);
    double relativeError = Math.sqrt(squaredError / squaredValue);
    assertTrue(relativeError < 0.01, "relative error on unobserved entries " + relativeError);
  }

  @Test
  void rowSolveZeroesTheGradientOfTheWeightedObjective() {
    double[][] m = plantedMatrix(30, 25, 4, 3);
    Random random = new Random(4);
    boolean[][] observed = new boolean[30][25];
    for (boolean[] row : observed) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextDouble() < 0.3;
      }
    }
    Interactions ratings = observe(m, observed);
    WalsConfig config =
        WalsConfig.defaults()
            .with(
                b ->
                    b.dimension(4)
                        .iterations(2)
                        .unobservedWeight(0.2)
                        .regularization(0.5)
                        .threads(1));
    WeightedAls wals = new WeightedAls(config);
    WeightedAls.Factors fitted = wals.fit(ratings, 11);
    // After the last sweep the columns are the exact minimiser given the rows, and the rows were
    // the
    // minimiser given the previous columns; re-solving rows for the final columns gives a point
    // where
    // the objective's gradient in every row coordinate vanishes. Check by central differences.
    double[] rows = wals.solveRows(ratings, fitted.columnFactors());
    WeightedAls.Factors f = new WeightedAls.Factors(4, rows, fitted.columnFactors());
    double h = 1e-5;
    for (int coordinate : new int[] {0, 7, 33, 101, 119}) {
      double[] plus = rows.clone();
      double[] minus = rows.clone();
      plus[coordinate] += h;
      minus[coordinate] -= h;
      double derivative =
          (wals.loss(ratings, new WeightedAls.Factors(4, plus, f.columnFactors()))
                  - wals.loss(ratings, new WeightedAls.Factors(4, minus, f.columnFactors())))
              / (2 * h);
      assertEquals(0.0, derivative, 1e-5, "d loss / d row coordinate " + coordinate);
    }
    // And moving a coordinate away from the solve raises the loss (it is a minimum, not a saddle).
    double[] moved = rows.clone();
    moved[5] += 0.01;
    assertTrue(
        wals.loss(ratings, new WeightedAls.Factors(4, moved, f.columnFactors()))
            > wals.loss(ratings, f));
  }

  @Test
  void lossMatchesTheDenseDefinitionAndNeverIncreasesAcrossSweeps() {
    double[][] m = plantedMatrix(20, 15, 2, 5);
    Random random = new Random(6);
    boolean[][] observed = new boolean[20][15];
    for (boolean[] row : observed) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextDouble() < 0.4;
      }
    }
    Interactions ratings = observe(m, observed);
    double w0 = 0.3;
    double lambda = 0.7;
    double previous = Double.POSITIVE_INFINITY;
    for (int sweeps = 1; sweeps <= 6; sweeps++) {
      WeightedAls wals =
          new WeightedAls(
              WalsConfig.defaults()
                  .with(c -> c.dimension(3).unobservedWeight(w0).regularization(lambda).threads(1))
                  .withIterations(sweeps));
      WeightedAls.Factors f = wals.fit(ratings, 9);
      double dense = 0;
      for (int u = 0; u < 20; u++) {
        for (int i = 0; i < 15; i++) {
          double prediction = f.score(u, i);
          // observed values are stored as floats, so the target is the float value
          dense +=
              observed[u][i]
                  ? Math.pow((float) m[u][i] - prediction, 2)
                  : w0 * prediction * prediction;
        }
      }
      for (double v : f.rowFactors()) {
        dense += lambda * v * v;
      }
      for (double v : f.columnFactors()) {
        dense += lambda * v * v;
      }
      double loss = wals.loss(ratings, f);
      assertEquals(dense, loss, 1e-3 * Math.abs(dense));
      assertTrue(
          loss <= previous + 1e-9,
          "loss rose from " + previous + " to " + loss + " at sweep " + sweeps);
      previous = loss;
    }
  }

  @Test
  void choleskySolveMatchesCommonsMath() {
    Random random = new Random(8);
    int k = 6;
    double[][] g = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        g[i][j] = random.nextGaussian();
      }
    }
    double[] a = new double[k * k];
    double[][] spd = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        for (int m = 0; m < k; m++) {
          spd[i][j] += g[i][m] * g[j][m];
        }
        spd[i][j] += i == j ? 0.5 : 0;
        a[i * k + j] = spd[i][j];
      }
    }
    double[] b = {1, -2, 3, 0.5, -1, 2};
    double[] expected =
        new CholeskyDecomposition(new Array2DRowRealMatrix(spd))
            .getSolver()
            .solve(new ArrayRealVector(b))
            .toArray();
    Cholesky.solveInPlace(a, b, k);
    assertArrayEquals(expected, b, 1e-9);
  }
}
