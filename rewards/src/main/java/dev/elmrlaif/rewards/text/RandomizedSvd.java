package dev.elmrlaif.rewards.text;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The top-k right singular vectors of a sparse matrix by the randomized range finder with subspace
 * iteration (Halko, Martinsson &amp; Tropp 2011, Algorithms 4.4 and 5.1). All the math is here:
 *
 * <pre>
 *   l = min(k + p, rows, columns);  Ω ~ N(0, 1)^{columns × l}  (java.util.Random(seed))
 *   Q = orth(A Ω)
 *   repeat q times:  Q = orth(A · (Aᵀ Q))               (power iterations sharpen the spectrum)
 *   B = Qᵀ A  (l × columns);   B Bᵀ = U Σ² Uᵀ  (dense l × l symmetric eigenproblem)
 *   V = Bᵀ U Σ⁻¹   → keep the first k columns (largest σ); flip each so its largest-|.| entry is positive
 * </pre>
 *
 * {@code orth} is Cholesky QR ({@code G = YᵀY = RᵀR, Q = Y R⁻¹}): one pass inside the loop, where
 * the next step re-orthonormalises anyway, two ("CholeskyQR2") for the last Q; when the Gram matrix
 * is numerically singular (Y rank-deficient) it falls back to modified Gram-Schmidt. Only the rows
 * × l side is orthonormalised: with Q orthonormal, {@code Aᵀ Q} has condition number at most
 * σ_1/σ_l, so nothing is lost.
 *
 * <p>Rows of every dense product are computed in parallel, each as a fixed sequential sum, and Gram
 * matrices are summed over a fixed number of row blocks in block order: the output is bit-identical
 * for the same matrix and seed whatever the number of threads.
 */
final class RandomizedSvd {

  /** Right singular vectors (columns × k, row-major) and singular values (k, descending). */
  record Result(double[][] rightVectors, double[] singularValues) {}

  /** Row blocks of a parallel Gram matrix; fixed, so sums do not depend on the thread count. */
  private static final int GRAM_BLOCKS = 16;

  private RandomizedSvd() {}

  static Result topRightSingularVectors(
      SparseRowMatrix a, int k, int oversampling, int powerIterations, long seed) {
    int maxRank = Math.min(a.rows(), a.columns());
    if (k > maxRank) {
      throw new IllegalArgumentException(
          "cannot keep "
              + k
              + " singular vectors of a "
              + a.rows()
              + " x "
              + a.columns()
              + " matrix: at most "
              + maxRank);
    }
    int sketch = Math.min(k + oversampling, maxRank);
    Random random = new Random(seed);
    double[][] omega = new double[a.columns()][sketch];
    for (double[] row : omega) {
      for (int c = 0; c < sketch; c++) {
        row[c] = random.nextGaussian();
      }
    }
    SparseRowMatrix at = a.transpose();
    double[][] q = orthonormalColumns(a.times(omega), powerIterations == 0 ? 2 : 1);
    for (int iteration = 0; iteration < powerIterations; iteration++) {
      q = orthonormalColumns(a.times(at.times(q)), iteration == powerIterations - 1 ? 2 : 1);
    }
    double[][] bTransposed = at.times(q); // columns × l, = Bᵀ
    EigenDecomposition eigen =
        new EigenDecomposition(new Array2DRowRealMatrix(gram(bTransposed), false));
    double[] eigenvalues = eigen.getRealEigenvalues();
    Integer[] order = new Integer[sketch];
    for (int i = 0; i < sketch; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (x, y) ->
            x.equals(y)
                ? 0
                : eigenvalues[x] != eigenvalues[y]
                    ? Double.compare(eigenvalues[y], eigenvalues[x])
                    : Integer.compare(x, y));
    double[] singularValues = new double[k];
    double[][] uScaled = new double[k][]; // u_j / σ_j (0 for σ_j = 0)
    for (int j = 0; j < k; j++) {
      singularValues[j] = Math.sqrt(Math.max(0.0, eigenvalues[order[j]]));
      double inverseSigma = singularValues[j] > 1e-12 ? 1.0 / singularValues[j] : 0.0;
      uScaled[j] = eigen.getEigenvector(order[j]).mapMultiply(inverseSigma).toArray();
    }
    double[][] v = new double[a.columns()][k];
    IntStream.range(0, v.length)
        .parallel()
        .forEach(
            row -> {
              double[] bRow = bTransposed[row];
              for (int j = 0; j < k; j++) {
                double dot = 0.0;
                for (int c = 0; c < sketch; c++) {
                  dot += bRow[c] * uScaled[j][c];
                }
                v[row][j] = dot;
              }
            });
    for (int j = 0; j < k; j++) {
      fixSign(v, j);
    }
    return new Result(v, singularValues);
  }

  /**
   * Makes column {@code j}'s entry of largest magnitude positive (the first such entry on ties).
   */
  private static void fixSign(double[][] v, int j) {
    int best = 0;
    for (int row = 1; row < v.length; row++) {
      if (Math.abs(v[row][j]) > Math.abs(v[best][j])) {
        best = row;
      }
    }
    if (v[best][j] < 0) {
      for (double[] row : v) {
        row[j] = -row[j];
      }
    }
  }

  /**
   * An orthonormal basis of the columns of a row-major matrix: {@code passes} rounds of Cholesky
   * QR, or, if the Gram matrix is numerically singular, modified Gram-Schmidt applied twice, where
   * a column dependent on the previous ones becomes zero.
   */
  static double[][] orthonormalColumns(double[][] rowMajor, int passes) {
    double[][] q = rowMajor;
    for (int pass = 0; pass < passes && q != null; pass++) {
      q = choleskyQr(q);
    }
    return q != null ? q : gramSchmidt(rowMajor);
  }

  /** {@code Y R⁻¹} with {@code YᵀY = RᵀR}; null when a Cholesky pivot is not clearly positive. */
  private static double[][] choleskyQr(double[][] y) {
    int width = y.length == 0 ? 0 : y[0].length;
    double[][] r = gram(y); // overwritten by R (upper triangle)
    double largest = 0.0;
    for (int c = 0; c < width; c++) {
      largest = Math.max(largest, r[c][c]);
    }
    for (int j = 0; j < width; j++) {
      double pivot = r[j][j];
      for (int i = 0; i < j; i++) {
        pivot -= r[i][j] * r[i][j];
      }
      if (!(pivot > 1e-13 * largest)) {
        return null;
      }
      r[j][j] = Math.sqrt(pivot);
      for (int c = j + 1; c < width; c++) {
        double value = r[j][c];
        for (int i = 0; i < j; i++) {
          value -= r[i][j] * r[i][c];
        }
        r[j][c] = value / r[j][j];
      }
    }
    double[][] q = new double[y.length][width];
    IntStream.range(0, y.length)
        .parallel()
        .forEach(
            row -> { // solve q · R = y, column by column
              double[] in = y[row];
              double[] out = q[row];
              for (int j = 0; j < width; j++) {
                double value = in[j];
                for (int i = 0; i < j; i++) {
                  value -= out[i] * r[i][j];
                }
                out[j] = value / r[j][j];
              }
            });
    return q;
  }

  /** {@code YᵀY} (symmetric, width × width), summed over fixed row blocks in block order. */
  private static double[][] gram(double[][] y) {
    int width = y.length == 0 ? 0 : y[0].length;
    int blockSize = (y.length + GRAM_BLOCKS - 1) / GRAM_BLOCKS;
    double[][][] partial =
        IntStream.range(0, GRAM_BLOCKS)
            .parallel()
            .mapToObj(
                block -> {
                  double[][] g = new double[width][width];
                  for (int row = block * blockSize;
                      row < Math.min(y.length, (block + 1) * blockSize);
                      row++) {
                    double[] values = y[row];
                    for (int i = 0; i < width; i++) {
                      double vi = values[i];
                      if (vi == 0.0) {
                        continue;
                      }
                      double[] gi = g[i];
                      for (int j = i; j < width; j++) {
                        gi[j] += vi * values[j];
                      }
                    }
                  }
                  return g;
                })
            .toArray(double[][][]::new);
    double[][] sum = new double[width][width];
    for (double[][] g : partial) {
      for (int i = 0; i < width; i++) {
        for (int j = i; j < width; j++) {
          sum[i][j] += g[i][j];
        }
      }
    }
    for (int i = 0; i < width; i++) {
      for (int j = 0; j < i; j++) {
        sum[i][j] = sum[j][i];
      }
    }
    return sum;
  }

  /**
   * Modified Gram-Schmidt, two passes ("twice is enough"); numerically dependent columns become
   * zero.
   */
  private static double[][] gramSchmidt(double[][] rowMajor) {
    int rows = rowMajor.length;
    int width = rows == 0 ? 0 : rowMajor[0].length;
    double[][] columns = new double[width][rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        columns[c][r] = rowMajor[r][c];
      }
    }
    for (int c = 0; c < width; c++) {
      double[] column = columns[c];
      double originalNorm = norm(column);
      for (int pass = 0; pass < 2; pass++) {
        for (int previous = 0; previous < c; previous++) {
          double[] basis = columns[previous];
          double dot = 0.0;
          for (int r = 0; r < rows; r++) {
            dot += basis[r] * column[r];
          }
          for (int r = 0; r < rows; r++) {
            column[r] -= dot * basis[r];
          }
        }
      }
      double remaining = norm(column);
      double scale = remaining > 1e-10 * originalNorm && remaining > 0 ? 1.0 / remaining : 0.0;
      for (int r = 0; r < rows; r++) {
        column[r] *= scale;
      }
    }
    double[][] result = new double[rows][width];
    for (int c = 0; c < width; c++) {
      for (int r = 0; r < rows; r++) {
        result[r][c] = columns[c][r];
      }
    }
    return result;
  }

  private static double norm(double[] x) {
    double sum = 0.0;
    for (double value : x) {
      sum += value * value;
    }
    return Math.sqrt(sum);
  }
}
