package dev.elmrlaif.rewards.text;

/**
 * A sparse matrix in compressed-row form (CSR): row {@code i} holds the entries
 * {@code columns[rowStart[i] .. rowStart[i+1])} with {@code values} at the same positions.
 * It is the TF-IDF document-term matrix the truncated SVD factorises; only the two products the
 * randomized range finder needs are offered.
 */
record SparseRowMatrix(int rows, int columns, int[] rowStart, int[] columnIndex, double[] values) {

    SparseRowMatrix {
        if (rowStart.length != rows + 1 || columnIndex.length != values.length
                || rowStart[rows] != values.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays: rows=" + rows + ", rowStart="
                    + rowStart.length + ", columnIndex=" + columnIndex.length + ", values=" + values.length);
        }
    }

    /** {@code A · X} for a dense row-major {@code X} of shape columns × w; the result is rows × w. */
    double[][] times(double[][] x) {
        int width = x.length == 0 ? 0 : x[0].length;
        double[][] result = new double[rows][width];
        for (int i = 0; i < rows; i++) {
            double[] out = result[i];
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                double v = values[p];
                double[] in = x[columnIndex[p]];
                for (int c = 0; c < width; c++) {
                    out[c] += v * in[c];
                }
            }
        }
        return result;
    }

    /** {@code Aᵀ · Y} for a dense row-major {@code Y} of shape rows × w; the result is columns × w. */
    double[][] transposeTimes(double[][] y) {
        int width = y.length == 0 ? 0 : y[0].length;
        double[][] result = new double[columns][width];
        for (int i = 0; i < rows; i++) {
            double[] in = y[i];
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                double v = values[p];
                double[] out = result[columnIndex[p]];
                for (int c = 0; c < width; c++) {
                    out[c] += v * in[c];
                }
            }
        }
        return result;
    }
}
