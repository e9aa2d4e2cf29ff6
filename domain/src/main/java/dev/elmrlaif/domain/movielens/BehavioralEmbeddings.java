package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.WalsConfig;
import java.util.Arrays;

/**
 * The behavioral embeddings of users and movies (DESIGN.md §6): weighted ALS fitted on the training
 * users' ratings of training movies only; held-out entities are then folded in, each solved alone
 * against the trained factors of the other side, which the fold-in never changes. So a held-out
 * user's ratings shape only that user's vector, never the factorisation.
 *
 * @param dimension the embedding dimension
 * @param userFactors users × dimension, row-major, every user (held-out ones folded in)
 * @param movieFactors movies × dimension, row-major, every movie (held-out ones folded in)
 * @param fitSeconds wall time of the fit on the training block
 */
public record BehavioralEmbeddings(
    int dimension, double[] userFactors, double[] movieFactors, double fitSeconds) {

  /**
   * Fits on the training block of {@code ratings} (users × movies) and folds in the held-out
   * entities.
   */
  public static BehavioralEmbeddings fit(
      Interactions ratings, Split users, Split movies, WalsConfig config, long seed) {
    int[] trainUsers = users.trainIndices();
    int[] trainMovies = movies.trainIndices();
    WeightedAls wals = new WeightedAls(config);
    long start = System.nanoTime();
    Interactions trainBlock = block(ratings, trainUsers, trainMovies);
    WeightedAls.Factors trained = wals.fit(trainBlock, seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    int k = config.dimension();

    double[] userFactors = new double[ratings.rows() * k];
    double[] movieFactors = new double[ratings.columns() * k];
    scatter(trained.rowFactors(), trainUsers, userFactors, k);
    scatter(trained.columnFactors(), trainMovies, movieFactors, k);

    int[] heldUsers = users.heldOutIndices();
    if (heldUsers.length > 0) {
      // held-out users against the trained movie factors, reading only their ratings of training
      // movies
      double[] folded =
          wals.solveRows(block(ratings, heldUsers, trainMovies), trained.columnFactors());
      scatter(folded, heldUsers, userFactors, k);
    }
    int[] heldMovies = movies.heldOutIndices();
    if (heldMovies.length > 0) {
      // held-out movies against the trained user factors, reading only training users' ratings
      double[] folded =
          wals.solveRows(block(ratings.transpose(), heldMovies, trainUsers), trained.rowFactors());
      scatter(folded, heldMovies, movieFactors, k);
    }
    return new BehavioralEmbeddings(k, userFactors, movieFactors, seconds);
  }

  /**
   * The sub-matrix of {@code matrix} with the given rows and columns (both ascending), re-indexed
   * to 0..n-1 in the order given.
   */
  public static Interactions block(Interactions matrix, int[] rows, int[] columns) {
    int[] newColumn = new int[matrix.columns()];
    Arrays.fill(newColumn, -1);
    for (int c = 0; c < columns.length; c++) {
      newColumn[columns[c]] = c;
    }
    int[] start = new int[rows.length + 1];
    int count = 0;
    for (int r = 0; r < rows.length; r++) {
      for (int at = matrix.rowStart()[rows[r]]; at < matrix.rowStart()[rows[r] + 1]; at++) {
        count += newColumn[matrix.column()[at]] >= 0 ? 1 : 0;
      }
      start[r + 1] = count;
    }
    int[] column = new int[count];
    float[] value = new float[count];
    int out = 0;
    for (int row : rows) {
      for (int at = matrix.rowStart()[row]; at < matrix.rowStart()[row + 1]; at++) {
        int c = newColumn[matrix.column()[at]];
        if (c >= 0) {
          column[out] = c;
          value[out++] = matrix.value()[at];
        }
      }
    }
    return new Interactions(
        matrix.rowKind(), matrix.columnKind(), rows.length, columns.length, start, column, value);
  }

  /** User {@code u}'s vector as floats. */
  public float[] user(int u) {
    return toFloats(userFactors, u);
  }

  /** Movie {@code m}'s vector as floats. */
  public float[] movie(int m) {
    return toFloats(movieFactors, m);
  }

  /** All user vectors as one row-major float array. */
  public float[] usersAsFloats() {
    return toFloats(userFactors);
  }

  /** All movie vectors as one row-major float array. */
  public float[] moviesAsFloats() {
    return toFloats(movieFactors);
  }

  private float[] toFloats(double[] factors, int index) {
    float[] v = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      v[d] = (float) factors[index * dimension + d];
    }
    return v;
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  private static void scatter(double[] compact, int[] indices, double[] full, int k) {
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(compact, i * k, full, indices[i] * k, k);
    }
  }
}
