package dev.elmrlaif.rewards;

import dev.elmrlaif.rewards.text.TextEncoder;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Behavioral consistency (paper Sec. 3.2, App. B; DESIGN.md §5). For a user: rank the context's
 * candidate movies by {@code cos(E_txt(y), E_txt(movie))} and compare that ranking with the ground
 * truth (the user's ratings, 0 where unrated, or {@code u·v_m} for hypothetical users). For a
 * movie: rank candidate users by the similarity of {@code y} to their profile texts, against their
 * ratings of the movie. Both are the same computation over the context's {@link CandidateSet}; the
 * metric is {@link RankMetrics} (Spearman by default). Component {@code "bc"}.
 *
 * <p>Fallbacks (score 0 and a flag): empty text {@link RewardFlag#EMPTY_TEXT}; zero text embedding
 * {@link RewardFlag#ZERO_TEXT_EMBEDDING}; no or a single candidate {@link
 * RewardFlag#NO_CANDIDATES}; constant ground truth or similarities {@link
 * RewardFlag#UNDEFINED_CORRELATION}. Thread-safe when the encoder is.
 */
public final class BehavioralConsistencyReward extends PerSampleReward {

  public static final String COMPONENT = "bc";
  private final TextEncoder encoder;
  private final BehavioralConsistencyConfig config;

  public BehavioralConsistencyReward(TextEncoder encoder, BehavioralConsistencyConfig config) {
    super("behavioral_consistency", COMPONENT);
    this.encoder = encoder;
    this.config = config;
  }

  @Override
  protected IntFunction<SampleScore> scorer(List<String> texts, List<RewardContext> contexts) {
    float[][] encoded = encoder.encode(texts);
    return i -> {
      CandidateSet candidates = contexts.get(i).candidates();
      if (texts.get(i).isBlank()) {
        return SampleScore.fallback(0.0, RewardFlag.EMPTY_TEXT);
      } else if (Vectors.norm(encoded[i]) == 0.0) {
        return SampleScore.fallback(0.0, RewardFlag.ZERO_TEXT_EMBEDDING);
      } else if (candidates == null || candidates.size() < 2) {
        return SampleScore.fallback(0.0, RewardFlag.NO_CANDIDATES);
      }
      double value = consistency(encoded[i], candidates, config);
      return Double.isNaN(value)
          ? SampleScore.fallback(0.0, RewardFlag.UNDEFINED_CORRELATION)
          : SampleScore.of(value);
    };
  }

  /**
   * The rank metric between the candidates' similarities to {@code textEmbedding} and their
   * relevance; NaN when undefined.
   */
  public static double consistency(
      float[] textEmbedding, CandidateSet candidates, BehavioralConsistencyConfig config) {
    double[] similarity = new double[candidates.size()];
    float[][] embeddings = candidates.embeddings();
    for (int j = 0; j < similarity.length; j++) {
      similarity[j] = Vectors.cosine(textEmbedding, embeddings[j]);
    }
    return RankMetrics.compute(config.metric(), similarity, candidates.relevance(), config.ndcgK());
  }
}
