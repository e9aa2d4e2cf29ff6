package dev.elmrlaif.rewards;

import java.util.Arrays;

/**
 * How behavioral consistency compares rankings.
 *
 * @param metric the rank metric (Spearman by default)
 * @param ndcgK the NDCG cut-off; 0 means all candidates; ignored by the other metrics
 */
public record BehavioralConsistencyConfig(RankMetrics.Metric metric, int ndcgK) {

  public BehavioralConsistencyConfig {
    if (metric == null) {
      throw new InvalidRewardInputException(
          "BehavioralConsistencyConfig.metric is missing, expected one of "
              + Arrays.toString(RankMetrics.Metric.values()));
    }
    if (ndcgK < 0) {
      throw new InvalidRewardInputException(
          "BehavioralConsistencyConfig.ndcgK must be >= 0 (0 = all), found " + ndcgK);
    }
  }

  /** Spearman, as in the paper. */
  public static BehavioralConsistencyConfig spearman() {
    return new BehavioralConsistencyConfig(RankMetrics.Metric.SPEARMAN, 0);
  }
}
