package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.WalsConfig;
import dev.elmrlaif.domain.data.RankingReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Held-out ranking quality of the behavioral embeddings against a popularity baseline. For every
 * held-out user (never seen by the fit) with at least four ratings of training movies, half of
 * those ratings (chosen by seed) fold the user in against the trained movie factors; the other half
 * are the positives. Every training movie the user did not use for the fold-in is a candidate, and
 * both scorers (the dot product {@code x_u·y_m}, and the number of training users who rated {@code
 * m}) are judged by AUC (the chance a positive outranks an unrated candidate) and NDCG@10 with
 * binary gains. Beyond {@value #MAX_USERS} held-out users a seeded sample of about that many is
 * evaluated.
 */
public final class RankingEvaluation {
  private static final int CUTOFF = 10;

  /**
   * Most held-out users evaluated (a seeded sample beyond that), so ml-25m evaluates in seconds.
   */
  private static final int MAX_USERS = 2000;

  private RankingEvaluation() {}

  /**
   * Evaluates {@code embeddings}, fitted with {@code config} on the training block of {@code
   * ratings}.
   */
  public static RankingReport evaluate(
      Interactions ratings,
      Split users,
      Split movies,
      BehavioralEmbeddings embeddings,
      WalsConfig config,
      long seed) {
    int k = embeddings.dimension();
    int[] trainMovies = movies.trainIndices();
    double[] movieFactors = new double[trainMovies.length * k];
    for (int c = 0; c < trainMovies.length; c++) {
      System.arraycopy(embeddings.movieFactors(), trainMovies[c] * k, movieFactors, c * k, k);
    }
    Interactions heldOutRows =
        BehavioralEmbeddings.block(ratings, users.heldOutIndices(), trainMovies);
    Interactions trainRows = BehavioralEmbeddings.block(ratings, users.trainIndices(), trainMovies);
    double[] popularity = new double[trainMovies.length];
    for (int c : trainRows.column()) {
      popularity[c]++;
    }

    SplittableRandom random = new SplittableRandom(seed);
    List<int[]> queries = new ArrayList<>();
    List<int[]> positives = new ArrayList<>();
    int[] start = new int[heldOutRows.rows() + 1];
    List<Float> queryValues = new ArrayList<>();
    double keep = Math.min(1.0, (double) MAX_USERS / Math.max(1, heldOutRows.rows()));
    for (int u = 0; u < heldOutRows.rows(); u++) {
      if (keep < 1.0 && random.nextDouble() >= keep) {
        continue;
      }
      int[] rated =
          Arrays.copyOfRange(
              heldOutRows.column(), heldOutRows.rowStart()[u], heldOutRows.rowStart()[u + 1]);
      if (rated.length < 4) {
        continue;
      }
      for (int i = rated.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = rated[i];
        rated[i] = rated[j];
        rated[j] = swap;
      }
      int half = rated.length / 2;
      int[] query = Arrays.copyOf(rated, half);
      Arrays.sort(query);
      for (int c : query) {
        queryValues.add(heldOutRows.get(u, c, 0f));
      }
      queries.add(query);
      positives.add(Arrays.copyOfRange(rated, half, rated.length));
      start[queries.size()] = start[queries.size() - 1] + query.length;
    }
    // fold each user in from its query half only
    int n = queries.size();
    int[] column = queries.stream().flatMapToInt(Arrays::stream).toArray();
    float[] value = new float[column.length];
    for (int j = 0; j < value.length; j++) {
      value[j] = queryValues.get(j);
    }
    Interactions queryMatrix =
        new Interactions(
            "user", "movie", n, trainMovies.length, Arrays.copyOf(start, n + 1), column, value);
    double[] userFactors = new WeightedAls(config).solveRows(queryMatrix, movieFactors);

    double walsAuc = 0;
    double walsNdcg = 0;
    double popAuc = 0;
    double popNdcg = 0;
    double[] scores = new double[trainMovies.length];
    for (int i = 0; i < n; i++) {
      boolean[] excluded = new boolean[trainMovies.length];
      for (int c : queries.get(i)) {
        excluded[c] = true;
      }
      boolean[] positive = new boolean[trainMovies.length];
      for (int c : positives.get(i)) {
        positive[c] = true;
      }
      for (int c = 0; c < trainMovies.length; c++) {
        double s = 0;
        for (int d = 0; d < k; d++) {
          s += userFactors[i * k + d] * movieFactors[c * k + d];
        }
        scores[c] = s;
      }
      walsAuc += auc(scores, positive, excluded);
      walsNdcg += ndcg(scores, positive, excluded, CUTOFF);
      popAuc += auc(popularity, positive, excluded);
      popNdcg += ndcg(popularity, positive, excluded, CUTOFF);
    }
    int denominator = Math.max(1, n);
    return new RankingReport(
        n,
        walsAuc / denominator,
        walsNdcg / denominator,
        popAuc / denominator,
        popNdcg / denominator);
  }

  /**
   * The probability that a random positive outscores a random negative among the non-excluded
   * candidates, ties counting one half (Mann-Whitney U over average ranks).
   */
  static double auc(double[] scores, boolean[] positive, boolean[] excluded) {
    Integer[] order = candidates(scores, excluded, false);
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int m = i; m <= j; m++) {
        if (positive[order[m]]) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = order.length - positives;
    if (positives == 0 || negatives == 0) {
      return 0.5;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * NDCG at {@code cutoff} with binary gains; candidates ranked by descending score, ties by index.
   */
  static double ndcg(double[] scores, boolean[] positive, boolean[] excluded, int cutoff) {
    Integer[] order = candidates(scores, excluded, true);
    double dcg = 0;
    int positives = 0;
    for (int c = 0; c < scores.length; c++) {
      positives += !excluded[c] && positive[c] ? 1 : 0;
    }
    for (int r = 0; r < Math.min(cutoff, order.length); r++) {
      if (positive[order[r]]) {
        dcg += 1 / log2(r + 2);
      }
    }
    double ideal = 0;
    for (int r = 0; r < Math.min(cutoff, positives); r++) {
      ideal += 1 / log2(r + 2);
    }
    return ideal == 0 ? 0 : dcg / ideal;
  }

  private static Integer[] candidates(double[] scores, boolean[] excluded, boolean descending) {
    List<Integer> list = new ArrayList<>();
    for (int c = 0; c < scores.length; c++) {
      if (!excluded[c]) {
        list.add(c);
      }
    }
    Integer[] order = list.toArray(new Integer[0]);
    Arrays.sort(
        order,
        (a, b) -> {
          int byScore =
              descending
                  ? Double.compare(scores[b], scores[a])
                  : Double.compare(scores[a], scores[b]);
          return byScore != 0 ? byScore : Integer.compare(a, b);
        });
    return order;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
