package dev.elmrlaif.rlaif.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named embedding space: one vector of {@code dimension} floats per entity of one kind, e.g.
 * "semantic" (text encoder over a movie's texts) or "behavioral" (matrix factorisation of ratings;
 * DESIGN.md §6). Vectors are stored row-major in one array; hypothetical entities (interpolations,
 * concept shifts) are plain vectors in the same space and need no entry here.
 */
public final class EmbeddingSpace {
  private final String name;
  private final String entityKind;
  private final int dimension;
  private final float[] data;

  public EmbeddingSpace(String name, String entityKind, int dimension, float[] data) {
    this.name = Objects.requireNonNull(name, "name");
    this.entityKind = Objects.requireNonNull(entityKind, "entityKind");
    if (dimension < 1 || data.length % dimension != 0) {
      throw new IllegalArgumentException(
          "embedding space '" + name + "': " + data.length + " values do not form rows of dimension " + dimension);
    }
    this.dimension = dimension;
    this.data = data;
  }

  /** A space from one row per entity; all rows must have the same length. */
  public static EmbeddingSpace ofRows(String name, String entityKind, float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("embedding space '" + name + "' has no rows");
    }
    int dimension = rows[0].length;
    float[] data = new float[rows.length * dimension];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dimension) {
        throw new IllegalArgumentException("embedding space '" + name + "': row " + i + " has "
            + rows[i].length + " values, expected " + dimension);
      }
      System.arraycopy(rows[i], 0, data, i * dimension, dimension);
    }
    return new EmbeddingSpace(name, entityKind, dimension, data);
  }

  /** The space's name, e.g. "semantic". */
  public String name() {
    return name;
  }

  /** The kind of entity it embeds, e.g. "movie". */
  public String entityKind() {
    return entityKind;
  }

  /** The vector length. */
  public int dimension() {
    return dimension;
  }

  /** How many entities have a vector. */
  public int size() {
    return data.length / dimension;
  }

  /** A copy of entity {@code index}'s vector. */
  public float[] vector(int index) {
    return Arrays.copyOfRange(data, index * dimension, (index + 1) * dimension);
  }

  /** Entity {@code index}'s vector as doubles. */
  public double[] vectorAsDoubles(int index) {
    double[] v = new double[dimension];
    for (int k = 0; k < dimension; k++) {
      v[k] = data[index * dimension + k];
    }
    return v;
  }

  /** The row-major backing array (read-only by convention), for fast bulk use and saving. */
  public float[] rawData() {
    return data;
  }
}
