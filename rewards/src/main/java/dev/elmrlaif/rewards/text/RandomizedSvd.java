package dev.elmrlaif.rewards.text;

import java.util.Arrays;
import java.util.Random;
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
 *   (orth = modified Gram-Schmidt: one pass inside the loop, two passes for the last Q)
 *   B = Qᵀ A  (l × columns);   B Bᵀ = U Σ² Uᵀ  (dense l × l symmetric eigenproblem)
 *   V = Bᵀ U Σ⁻¹   → keep the first k columns (largest σ); flip each so its largest-|.| entry is positive
 * </pre>
 *
 * Only the rows × l side is re-orthonormalised in each power iteration: with Q orthonormal, {@code Aᵀ Q} has
 * condition number at most σ_1/σ_l, so nothing is lost in double precision, and the larger columns × l
 * basis (the vocabulary side) is never orthonormalised, which halves the cost. Everything is sequential
 * double arithmetic, so the same matrix and seed give bit-identical output.
 */
final class RandomizedSvd {

    /** Right singular vectors (columns × k, row-major) and singular values (k, descending). */
    record Result(double[][] rightVectors, double[] singularValues) {}

    private RandomizedSvd() {}

    static Result topRightSingularVectors(SparseRowMatrix a, int k, int oversampling, int powerIterations,
            long seed) {
        int maxRank = Math.min(a.rows(), a.columns());
        if (k > maxRank) {
            throw new IllegalArgumentException("cannot keep " + k + " singular vectors of a " + a.rows() + " x "
                    + a.columns() + " matrix: at most " + maxRank);
        }
        int sketch = Math.min(k + oversampling, maxRank);
        Random random = new Random(seed);
        double[][] omega = new double[a.columns()][sketch];
        for (double[] row : omega) {
            for (int c = 0; c < sketch; c++) {
                row[c] = random.nextGaussian();
            }
        }
        double[][] q = orthonormalColumns(a.times(omega), powerIterations == 0 ? 2 : 1);
        for (int iteration = 0; iteration < powerIterations; iteration++) {
            q = orthonormalColumns(a.times(a.transposeTimes(q)), iteration == powerIterations - 1 ? 2 : 1);
        }
        double[][] bTransposed = a.transposeTimes(q);            // columns × l, = Bᵀ
        double[][] gram = new double[sketch][sketch];            // B Bᵀ
        for (double[] row : bTransposed) {
            for (int r = 0; r < sketch; r++) {
                double vr = row[r];
                if (vr == 0.0) {
                    continue;
                }
                for (int c = r; c < sketch; c++) {
                    gram[r][c] += vr * row[c];
                }
            }
        }
        for (int r = 0; r < sketch; r++) {
            for (int c = 0; c < r; c++) {
                gram[r][c] = gram[c][r];
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(gram, false));
        double[] eigenvalues = eigen.getRealEigenvalues();
        Integer[] order = new Integer[sketch];
        for (int i = 0; i < sketch; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> x.equals(y) ? 0
                : eigenvalues[x] != eigenvalues[y] ? Double.compare(eigenvalues[y], eigenvalues[x])
                : Integer.compare(x, y));
        double[] singularValues = new double[k];
        double[][] u = new double[k][];
        for (int j = 0; j < k; j++) {
            singularValues[j] = Math.sqrt(Math.max(0.0, eigenvalues[order[j]]));
            u[j] = eigen.getEigenvector(order[j]).toArray();
        }
        double[][] v = new double[a.columns()][k];
        for (int j = 0; j < k; j++) {
            double inverseSigma = singularValues[j] > 1e-12 ? 1.0 / singularValues[j] : 0.0;
            double[] uj = u[j];
            for (int row = 0; row < v.length; row++) {
                double dot = 0.0;
                double[] bRow = bTransposed[row];
                for (int c = 0; c < sketch; c++) {
                    dot += bRow[c] * uj[c];
                }
                v[row][j] = dot * inverseSigma;
            }
            fixSign(v, j);
        }
        return new Result(v, singularValues);
    }

    /** Makes column {@code j}'s entry of largest magnitude positive (the first such entry on ties). */
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
     * An orthonormal basis of the columns of a row-major matrix, by modified Gram-Schmidt with the given number
     * of passes (one is enough inside the power iterations, where the next step re-orthonormalises; two,
     * "twice is enough", for the final basis); a column numerically dependent on the previous ones becomes zero.
     */
    static double[][] orthonormalColumns(double[][] rowMajor, int passes) {
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
            for (int pass = 0; pass < passes; pass++) {
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
            double scale = remaining > 1e-10 * Math.max(originalNorm, Double.MIN_NORMAL) && remaining > 0
                    ? 1.0 / remaining : 0.0;
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
