package dev.elmrlaif.domain;

/**
 * Sparse interactions between two entity kinds (users rating movies), compressed by row: the
 * entries of row {@code r} are {@code column[rowStart[r] .. rowStart[r+1])} with values {@code
 * value[...]}, columns ascending. Never a dense rows × columns matrix.
 */
public record Interactions(
    String rowKind,
    String columnKind,
    int rows,
    int columns,
    int[] rowStart,
    int[] column,
    float[] value) {

  public Interactions {
    if (rowStart.length != rows + 1) {
      throw new IllegalArgumentException(
          "rowStart has " + rowStart.length + " entries, expected rows + 1 = " + (rows + 1));
    }
    if (column.length != value.length || rowStart[rows] != column.length) {
      throw new IllegalArgumentException(
          "column/value arrays disagree with rowStart: "
              + column.length
              + " columns, "
              + value.length
              + " values, rowStart[rows] = "
              + rowStart[rows]);
    }
  }

  /**
   * Builds the row-compressed form from coordinate triples (any order; a repeated pair keeps the
   * last value).
   */
  public static Interactions fromTriples(
      String rowKind,
      String columnKind,
      int rows,
      int columns,
      int[] rowIndex,
      int[] columnIndex,
      float[] values) {
    int n = rowIndex.length;
    int[] start = new int[rows + 1];
    for (int i = 0; i < n; i++) {
      start[rowIndex[i] + 1]++;
    }
    for (int r = 0; r < rows; r++) {
      start[r + 1] += start[r];
    }
    int[] fill = start.clone();
    int[] col = new int[n];
    float[] val = new float[n];
    for (int i = 0; i < n; i++) {
      int at = fill[rowIndex[i]]++;
      col[at] = columnIndex[i];
      val[at] = values[i];
    }
    // sort each row by column (insertion sort: rows are short), then drop repeated columns
    int[] outStart = new int[rows + 1];
    int out = 0;
    for (int r = 0; r < rows; r++) {
      int from = start[r];
      int to = start[r + 1];
      for (int i = from + 1; i < to; i++) {
        int c = col[i];
        float v = val[i];
        int j = i - 1;
        while (j >= from && col[j] > c) {
          col[j + 1] = col[j];
          val[j + 1] = val[j];
          j--;
        }
        col[j + 1] = c;
        val[j + 1] = v;
      }
      outStart[r] = out;
      for (int i = from; i < to; i++) {
        if (out > outStart[r] && col[out - 1] == col[i]) {
          val[out - 1] = val[i];
        } else {
          col[out] = col[i];
          val[out] = val[i];
          out++;
        }
      }
    }
    outStart[rows] = out;
    return new Interactions(
        rowKind,
        columnKind,
        rows,
        columns,
        outStart,
        java.util.Arrays.copyOf(col, out),
        java.util.Arrays.copyOf(val, out));
  }

  /** How many stored entries there are. */
  public int count() {
    return column.length;
  }

  /** How many entries row {@code r} has. */
  public int rowLength(int r) {
    return rowStart[r + 1] - rowStart[r];
  }

  /** The stored value at ({@code r}, {@code c}), or {@code missing} when absent. */
  public float get(int r, int c, float missing) {
    int at = java.util.Arrays.binarySearch(column, rowStart[r], rowStart[r + 1], c);
    return at >= 0 ? value[at] : missing;
  }

  /** The same interactions indexed by column: rows become columns. */
  public Interactions transpose() {
    int[] start = new int[columns + 1];
    for (int c : column) {
      start[c + 1]++;
    }
    for (int c = 0; c < columns; c++) {
      start[c + 1] += start[c];
    }
    int[] fill = start.clone();
    int[] col = new int[column.length];
    float[] val = new float[column.length];
    for (int r = 0; r < rows; r++) {
      for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
        int at = fill[column[i]]++;
        col[at] = r;
        val[at] = value[i];
      }
    }
    return new Interactions(columnKind, rowKind, columns, rows, start, col, val);
  }
}
