package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

class RandomizedSvdTest {

  /** Builds a CSR matrix from a dense one, keeping the non-zeros. */
  static SparseRowMatrix sparse(double[][] dense) {
    int[] rowStart = new int[dense.length + 1];
    List<Integer> columns = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < dense.length; i++) {
      for (int j = 0; j < dense[i].length; j++) {
        if (dense[i][j] != 0.0) {
          columns.add(j);
          values.add(dense[i][j]);
        }
      }
      rowStart[i + 1] = values.size();
    }
    return new SparseRowMatrix(
        dense.length,
        dense[0].length,
        rowStart,
        columns.stream().mapToInt(Integer::intValue).toArray(),
        values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Compares with commons-math's exact SVD: singular values, and vectors up to sign. */
  private static void assertMatchesExactSvd(
      double[][] dense, RandomizedSvd.Result result, int k, double tol) {
    SingularValueDecomposition exact =
        new SingularValueDecomposition(new Array2DRowRealMatrix(dense));
    RealMatrix v = exact.getV();
    for (int j = 0; j < k; j++) {
      assertEquals(
          exact.getSingularValues()[j], result.singularValues()[j], tol, "singular value " + j);
      double dot = 0.0;
      for (int row = 0; row < dense[0].length; row++) {
        dot += v.getEntry(row, j) * result.rightVectors()[row][j];
      }
      assertEquals(1.0, Math.abs(dot), tol, "|<v_exact, v_randomized>| for component " + j);
    }
  }

  @Test
  void fullSketchOfSparseRandomMatrixIsExact() {
    Random random = new Random(7);
    double[][] dense = new double[30][20];
    for (double[] row : dense) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextDouble() < 0.3 ? random.nextGaussian() : 0.0;
      }
    }
    RandomizedSvd.Result result =
        RandomizedSvd.topRightSingularVectors(sparse(dense), 4, 16, 2, 1L);
    assertMatchesExactSvd(dense, result, 4, 1e-9);
  }

  @Test
  void lowRankMatrixIsRecoveredWithSmallSketch() {
    Random random = new Random(11);
    int rows = 50;
    int columns = 40;
    int rank = 3;
    double[][] left = new double[rows][rank];
    double[][] right = new double[rank][columns];
    for (double[] row : left) {
      for (int r = 0; r < rank; r++) {
        row[r] = random.nextGaussian();
      }
    }
    for (int r = 0; r < rank; r++) {
      for (int j = 0; j < columns; j++) {
        right[r][j] = random.nextGaussian() * (rank - r);
      }
    }
    double[][] dense =
        new Array2DRowRealMatrix(left).multiply(new Array2DRowRealMatrix(right)).getData();
    RandomizedSvd.Result result = RandomizedSvd.topRightSingularVectors(sparse(dense), 3, 2, 1, 5L);
    assertMatchesExactSvd(dense, result, 3, 1e-8);
  }

  @Test
  void choleskyQrGivesAnOrthonormalBasisOfTheSameSpan() {
    Random random = new Random(21);
    double[][] y = new double[200][12];
    for (double[] row : y) {
      for (int c = 0; c < row.length; c++) {
        row[c] = random.nextGaussian() + (c == 0 ? 5 : 0); // correlated columns
      }
    }
    RealMatrix q = new Array2DRowRealMatrix(RandomizedSvd.orthonormalColumns(y, 2));
    RealMatrix gram = q.transpose().multiply(q);
    for (int a = 0; a < 12; a++) {
      for (int b = 0; b < 12; b++) {
        assertEquals(a == b ? 1.0 : 0.0, gram.getEntry(a, b), 1e-13, "QᵀQ at " + a + ", " + b);
      }
    }
    // Y lies in span(Q): Q Qᵀ Y = Y
    RealMatrix original = new Array2DRowRealMatrix(y);
    RealMatrix projected = q.multiply(q.transpose().multiply(original));
    assertEquals(
        0.0, projected.subtract(original).getFrobeniusNorm() / original.getFrobeniusNorm(), 1e-12);
  }

  @Test
  void transposeMovesEveryEntry() {
    double[][] dense = {{0, 1.5, 0}, {2, 0, 3}};
    SparseRowMatrix t = sparse(dense).transpose();
    assertEquals(3, t.rows());
    assertEquals(2, t.columns());
    double[][] product = t.times(new double[][] {{1}, {10}}); // Aᵀ · (1, 10)ᵀ = (20, 1.5, 30)
    assertEquals(20.0, product[0][0], 0.0);
    assertEquals(1.5, product[1][0], 0.0);
    assertEquals(30.0, product[2][0], 0.0);
  }

  @Test
  void orthonormalisationGivesOrthonormalColumnsAndZeroesDependentOnes() {
    double[][] matrix = {
      {1, 2, 3}, {0, 1, 1}, {1, 0, 1}, {2, 1, 3}
    }; // column 3 = column 1 + column 2
    double[][] q = RandomizedSvd.orthonormalColumns(matrix, 2);
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        double dot = 0.0;
        for (double[] row : q) {
          dot += row[a] * row[b];
        }
        double expected = a == b && a < 2 ? 1.0 : 0.0;
        assertEquals(expected, dot, 1e-12, "<q" + a + ", q" + b + ">");
      }
    }
  }
}
