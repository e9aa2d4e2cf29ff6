package dev.elmrlaif.rewards.text;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A sparse matrix in compressed-row form (CSR): row {@code i} holds the entries {@code
 * columns[rowStart[i] .. rowStart[i+1])} with {@code values} at the same positions. It is the
 * TF-IDF document-term matrix the truncated SVD factorises; the range finder needs only the product
 * with a dense matrix and the transpose.
 */
record SparseRowMatrix(int rows, int columns, int[] rowStart, int[] columnIndex, double[] values) {

  SparseRowMatrix {
    if (rowStart.length != rows + 1
        || columnIndex.length != values.length
        || rowStart[rows] != values.length) {
      throw new IllegalArgumentException(
          "inconsistent CSR arrays: rows="
              + rows
              + ", rowStart="
              + rowStart.length
              + ", columnIndex="
              + columnIndex.length
              + ", values="
              + values.length);
    }
  }

  /**
   * {@code A · X} for a dense row-major {@code X} of shape columns × w; the result is rows × w.
   * Rows are computed in parallel; each is a fixed sequential sum, so the result does not depend on
   * the thread count.
   */
  double[][] times(double[][] x) {
    int width = x.length == 0 ? 0 : x[0].length;
    double[][] result = new double[rows][width];
    IntStream.range(0, rows)
        .parallel()
        .forEach(
            i -> {
              double[] out = result[i];
              for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                double v = values[p];
                double[] in = x[columnIndex[p]];
                for (int c = 0; c < width; c++) {
                  out[c] += v * in[c];
                }
              }
            });
    return result;
  }

  /**
   * {@code Aᵀ} in the same compressed-row form (entries of each new row in ascending column order).
   */
  SparseRowMatrix transpose() {
    int[] start = new int[columns + 1];
    for (int column : columnIndex) {
      start[column + 1]++;
    }
    for (int j = 0; j < columns; j++) {
      start[j + 1] += start[j];
    }
    int[] next = Arrays.copyOf(start, columns);
    int[] transposedColumns = new int[values.length];
    double[] transposedValues = new double[values.length];
    for (int i = 0; i < rows; i++) {
      for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
        int slot = next[columnIndex[p]]++;
        transposedColumns[slot] = i;
        transposedValues[slot] = values[p];
      }
    }
    return new SparseRowMatrix(columns, rows, start, transposedColumns, transposedValues);
  }
}
