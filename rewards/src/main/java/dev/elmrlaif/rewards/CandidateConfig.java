package dev.elmrlaif.rewards;

/**
 * How {@link CandidateSampler} draws the candidates of a behavioral-consistency context.
 *
 * @param size candidates per context (the paper's fixed target set size)
 * @param ratedFraction for {@link CandidateSampler#fromRatings}: the share of candidates drawn from
 *     the entity's rated items (the rest are unrated items with relevance 0), in [0, 1]
 * @param seed base seed; each entity's draw is seeded by this and the entity id, so it is
 *     reproducible
 */
public record CandidateConfig(int size, double ratedFraction, long seed) {

  public CandidateConfig {
    if (size < 2) {
      throw new InvalidRewardInputException("CandidateConfig.size must be >= 2, found " + size);
    }
    if (!(ratedFraction >= 0.0 && ratedFraction <= 1.0)) {
      throw new InvalidRewardInputException(
          "CandidateConfig.ratedFraction must be in [0, 1], found " + ratedFraction);
    }
  }

  /** 50 candidates, half of them rated, seed 17. */
  public static CandidateConfig defaults() {
    return new CandidateConfig(50, 0.5, 17L);
  }
}
