package dev.elmrlaif.domain.data;

import java.util.Locale;

/**
 * Held-out ranking quality of a domain's behavioral embeddings against a popularity baseline, as
 * the preparation measured it (for MovieLens: {@code movielens.RankingEvaluation}); kept with the
 * prepared data and its manifest, so the generic data package needs no domain's evaluation code.
 *
 * @param users held-out users evaluated
 * @param walsAuc mean AUC of the factorisation's scores
 * @param walsNdcg mean NDCG@10 of the factorisation's scores
 * @param popularityAuc mean AUC of popularity
 * @param popularityNdcg mean NDCG@10 of popularity
 */
public record RankingReport(
    int users, double walsAuc, double walsNdcg, double popularityAuc, double popularityNdcg) {
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "held-out users %d: WALS AUC %.4f NDCG@10 %.4f | popularity AUC %.4f NDCG@10 %.4f",
        users,
        walsAuc,
        walsNdcg,
        popularityAuc,
        popularityNdcg);
  }
}
