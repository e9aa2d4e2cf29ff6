package dev.elmrlaif.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named embedding space: one vector of {@code dimension} floats per entity of one kind, e.g.
 * "semantic" (text encoder over a movie's texts) or "behavioral" (matrix factorisation of ratings;
 * DESIGN.md §6). Vectors are stored row-major in one array; hypothetical entities (interpolations,
 * concept shifts) are plain vectors in the same space and need no entry here.
 *
 * <p>A space is <em>text-comparable</em> when its vectors live in the text encoder's space
 * (MovieLens's "semantic" space, a file domain's {@code <kind>_text} spaces or a space the user
 * declares so): semantic consistency then compares a text's encoding with the vector itself, and
 * behavioral consistency can rank the space's entities against a text. Other spaces (behavioral
 * factors, the user's own embeddings) are compared through the encoding of the target text instead
 * (paper App. B).
 */
public final class EmbeddingSpace {
  private final String name;
  private final String entityKind;
  private final int dimension;
  private final float[] data;
  private final boolean textComparable;

  /** A space that is not text-comparable. */
  public EmbeddingSpace(String name, String entityKind, int dimension, float[] data) {
    this(name, entityKind, dimension, data, false);
  }

  /**
   * @param textComparable whether the vectors live in the text encoder's space (see the class
   *     comment)
   */
  public EmbeddingSpace(
      String name, String entityKind, int dimension, float[] data, boolean textComparable) {
    this.name = Objects.requireNonNull(name, "name");
    this.entityKind = Objects.requireNonNull(entityKind, "entityKind");
    if (dimension < 1 || data.length % dimension != 0) {
      throw new IllegalArgumentException(
          "embedding space '"
              + name
              + "': "
              + data.length
              + " values do not form rows of dimension "
              + dimension);
    }
    this.dimension = dimension;
    this.data = data;
    this.textComparable = textComparable;
  }

  /** The same vectors, marked as living in the text encoder's space or not. */
  public EmbeddingSpace withTextComparable(boolean comparable) {
    return new EmbeddingSpace(name, entityKind, dimension, data, comparable);
  }

  /** Whether the vectors live in the text encoder's space (see the class comment). */
  public boolean textComparable() {
    return textComparable;
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
        throw new IllegalArgumentException(
            "embedding space '"
                + name
                + "': row "
                + i
                + " has "
                + rows[i].length
                + " values, expected "
                + dimension);
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
