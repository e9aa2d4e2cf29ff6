package dev.elmrlaif.domain;

/**
 * Solves small symmetric positive-definite systems {@code A x = b} on plain row-major {@code
 * double[]} arrays, without allocating: the per-row normal equations of weighted ALS are k × k with
 * k in the tens, solved for every user and movie in every sweep, in parallel. Commons Math's {@code
 * CholeskyDecomposition} (which the concept classifier uses) allocates two matrices per solve and
 * rounds differently in the last bits, which would change every prepared behavioral vector.
 */
public final class Cholesky {
  private Cholesky() {}

  /**
   * Solves {@code A x = b} in place: x overwrites b, and the lower triangle of A (the only part
   * read) is overwritten by the factor L with A = L·Lᵀ.
   *
   * @throws ArithmeticException if A is not positive definite
   */
  public static void solveInPlace(double[] a, double[] b, int k) {
    for (int j = 0; j < k; j++) {
      double diagonal = a[j * k + j];
      for (int m = 0; m < j; m++) {
        diagonal -= a[j * k + m] * a[j * k + m];
      }
      if (!(diagonal > 0)) {
        throw new ArithmeticException(
            "matrix is not positive definite (pivot "
                + j
                + " = "
                + diagonal
                + "); increase the regularization");
      }
      double pivot = Math.sqrt(diagonal);
      a[j * k + j] = pivot;
      for (int i = j + 1; i < k; i++) {
        double s = a[i * k + j];
        for (int m = 0; m < j; m++) {
          s -= a[i * k + m] * a[j * k + m];
        }
        a[i * k + j] = s / pivot;
      }
    }
    for (int i = 0; i < k; i++) {
      double s = b[i];
      for (int m = 0; m < i; m++) {
        s -= a[i * k + m] * b[m];
      }
      b[i] = s / a[i * k + i];
    }
    for (int i = k - 1; i >= 0; i--) {
      double s = b[i];
      for (int m = i + 1; m < k; m++) {
        s -= a[m * k + i] * b[m];
      }
      b[i] = s / a[i * k + i];
    }
  }
}
