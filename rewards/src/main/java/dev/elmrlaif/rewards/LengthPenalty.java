package dev.elmrlaif.rewards;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A length penalty against texts that are too short or too long (a common reward-hacking route: a
 * very short text can score a high cosine by naming a genre). With {@code n} whitespace-separated
 * words: {@code penalty = −perWord · (max(0, minWords − n) + max(0, n − maxWords))}, 0 inside the
 * band. Component {@code "length_penalty"}. Stateless and thread-safe.
 */
public final class LengthPenalty extends PerSampleReward {

  public static final String COMPONENT = "length_penalty";

  /**
   * @param minWords fewer words than this are penalised
   * @param maxWords more words than this are penalised
   * @param perWord penalty per word outside the band
   */
  public record Config(int minWords, int maxWords, double perWord) {
    public Config {
      if (minWords < 0 || maxWords < minWords) {
        throw new InvalidRewardInputException(
            "LengthPenalty.Config needs 0 <= minWords <= maxWords, found "
                + minWords
                + " and "
                + maxWords);
      }
      if (!(perWord >= 0) || !Double.isFinite(perWord)) {
        throw new InvalidRewardInputException(
            "LengthPenalty.Config.perWord must be >= 0, found " + perWord);
      }
    }
  }

  private final Config config;

  public LengthPenalty(Config config) {
    super("length_penalty", COMPONENT);
    this.config = config;
  }

  @Override
  protected IntFunction<SampleScore> scorer(List<String> texts, List<RewardContext> contexts) {
    return i -> {
      int words = wordCount(texts.get(i));
      double penalty =
          -config.perWord()
              * (Math.max(0, config.minWords() - words) + Math.max(0, words - config.maxWords()));
      return words == 0
          ? SampleScore.fallback(penalty, RewardFlag.EMPTY_TEXT)
          : SampleScore.of(penalty);
    };
  }

  static int wordCount(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    return text.strip().split("\\s+").length;
  }
}
