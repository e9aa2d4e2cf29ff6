package dev.elmrlaif.rewards;

import dev.elmrlaif.rewards.text.TextEncoder;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Semantic consistency (paper Sec. 3.2, App. B; DESIGN.md §5): {@code SC(y; e) = cos(E_txt(y), e)},
 * where {@code e} is the context's semantic target — one entity's embedding, or for two-entity
 * tasks the mix {@code (1−a)·e1 + a·e2} ({@link RewardContext#semanticTarget()}). Component {@code
 * "sc"}, in [−1, 1].
 *
 * <p>Fallbacks (score 0 and a flag, never an exception): empty text {@link RewardFlag#EMPTY_TEXT};
 * a text the encoder maps to zero {@link RewardFlag#ZERO_TEXT_EMBEDDING}; a zero-norm target {@link
 * RewardFlag#ZERO_TARGET}; no semantic embedding in the context {@link RewardFlag#NO_TARGET}.
 * Thread-safe when the encoder is (all built-in encoders are); wrap the encoder in a {@link
 * dev.elmrlaif.rewards.text.CachingTextEncoder} to encode repeated texts once.
 */
public final class SemanticConsistencyReward extends PerSampleReward {

  public static final String COMPONENT = "sc";
  private final TextEncoder encoder;

  public SemanticConsistencyReward(TextEncoder encoder) {
    super("semantic_consistency", COMPONENT);
    this.encoder = encoder;
  }

  @Override
  protected IntFunction<SampleScore> scorer(List<String> texts, List<RewardContext> contexts) {
    float[][] encoded = encoder.encode(texts);
    return i -> {
      Optional<float[]> target = contexts.get(i).semanticTarget();
      if (texts.get(i).isBlank()) {
        return SampleScore.fallback(0.0, RewardFlag.EMPTY_TEXT);
      } else if (Vectors.norm(encoded[i]) == 0.0) {
        return SampleScore.fallback(0.0, RewardFlag.ZERO_TEXT_EMBEDDING);
      } else if (target.isEmpty()) {
        return SampleScore.fallback(0.0, RewardFlag.NO_TARGET);
      } else if (Vectors.norm(target.get()) == 0.0) {
        return SampleScore.fallback(0.0, RewardFlag.ZERO_TARGET);
      }
      return SampleScore.of(Vectors.cosine(encoded[i], target.get()));
    };
  }
}
