package dev.elmrlaif.domain.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.WalsConfig;
import dev.elmrlaif.domain.data.RankingReport;
import org.junit.jupiter.api.Test;

class RankingEvaluationTest {
  @Test
  void aucAndNdcgMatchHandComputedValues() {
    double[] scores = {0.9, 0.8, 0.7, 0.6, 0.5};
    boolean[] positive = {true, false, false, true, false};
    boolean[] none = new boolean[5];
    // positives beat 3 + 1 of the 6 positive/negative pairs
    assertEquals(4.0 / 6, RankingEvaluation.auc(scores, positive, none), 1e-12);
    // DCG = 1/log2(2) + 1/log2(5); ideal = 1/log2(2) + 1/log2(3)
    double dcg = 1 + 1 / (Math.log(5) / Math.log(2));
    double ideal = 1 + 1 / (Math.log(3) / Math.log(2));
    assertEquals(dcg / ideal, RankingEvaluation.ndcg(scores, positive, none, 10), 1e-12);
    // cut-off 1 sees only the top candidate, which is positive
    assertEquals(1.0, RankingEvaluation.ndcg(scores, positive, none, 1), 1e-12);
    // excluding the top positive leaves one positive ranked third of four
    boolean[] excludeTop = {true, false, false, false, false};
    assertEquals(
        1 / (Math.log(4) / Math.log(2)),
        RankingEvaluation.ndcg(scores, positive, excludeTop, 10),
        1e-12);
    assertEquals(1.0 / 3, RankingEvaluation.auc(scores, positive, excludeTop), 1e-12);
    // a tie between a positive and a negative counts one half
    assertEquals(
        0.75,
        RankingEvaluation.auc(
            new double[] {1, 1, 0}, new boolean[] {true, false, false}, new boolean[3]),
        1e-12);
  }

  @Test
  void factorisationBeatsPopularityWhenTastesAreStructured() {
    // two taste groups: a user mostly rates movies of its own parity, so which movies a user rates
    // is
    // predictable from the user's other ratings but not from popularity (all movies are about
    // equally rated)
    int users = 200;
    int movies = 100;
    java.util.Random random = new java.util.Random(4);
    java.util.List<int[]> cells = new java.util.ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int m = 0; m < movies; m++) {
        if (random.nextDouble() < (m % 2 == u % 2 ? 0.4 : 0.04)) {
          cells.add(new int[] {u, m});
        }
      }
    }
    int[] rows = cells.stream().mapToInt(c -> c[0]).toArray();
    int[] columns = cells.stream().mapToInt(c -> c[1]).toArray();
    float[] stars = new float[cells.size()];
    java.util.Arrays.fill(stars, 4f);
    Interactions ratings =
        Interactions.fromTriples("user", "movie", users, movies, rows, columns, stars);
    Split userSplit = Split.random("user", users, 0.2, 3);
    Split movieSplit = Split.random("movie", movies, 0.1, 3);
    WalsConfig config =
        WalsConfig.defaults()
            .with(b -> b.dimension(4).iterations(10).regularization(1.0).threads(1));
    BehavioralEmbeddings embeddings =
        BehavioralEmbeddings.fit(ratings, userSplit, movieSplit, config, 5);
    RankingReport report =
        RankingEvaluation.evaluate(ratings, userSplit, movieSplit, embeddings, config, 9);
    assertEquals(40, report.users());
    // the ceiling is about 0.8: unrated movies of the own group are indistinguishable from rated
    // ones
    assertTrue(report.walsAuc() > 0.7, report.toString());
    assertTrue(report.popularityAuc() < 0.6, report.toString());
    assertTrue(report.walsNdcg() > report.popularityNdcg() + 0.1, report.toString());
  }
}
