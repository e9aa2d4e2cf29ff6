package dev.elmrlaif.rewards;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A penalty on repetitive text, against reward hacking by repeating high-scoring words or phrases.
 * Over the text's lower-cased word tokens (all words kept), with {@code T} n-grams of which {@code
 * D} are distinct: {@code distinct-n = D / T} and {@code penalty = −(1 − distinct-n)}, the fraction
 * of n-grams that repeat an earlier one; 0 for a text with fewer than n words. Component {@code
 * "degeneracy"}, in (−1, 0]. Stateless and thread-safe.
 */
public final class DegeneracyPenalty extends WordNgramPenalty {

  public static final String COMPONENT = "degeneracy";

  /**
   * @param ngram the n-gram order n (2 or 3 are typical; 1 also penalises natural word repeats)
   */
  public record Config(int ngram) {
    public Config {
      if (ngram < 1) {
        throw new InvalidRewardInputException(
            "DegeneracyPenalty.Config.ngram must be >= 1, found " + ngram);
      }
    }
  }

  public DegeneracyPenalty(Config config) {
    super("degeneracy_penalty", COMPONENT, config.ngram());
  }

  @Override
  protected IntFunction<SampleScore> scorer(List<String> texts, List<RewardContext> contexts) {
    return i -> {
      List<String> words = words(texts.get(i));
      double penalty = -(1.0 - distinctFraction(words, ngram));
      return words.isEmpty()
          ? SampleScore.fallback(penalty, RewardFlag.EMPTY_TEXT)
          : SampleScore.of(penalty);
    };
  }

  /** distinct-n: distinct n-grams over all n-grams; 1 when there are none. */
  public static double distinctFraction(List<String> words, int n) {
    int total = words.size() - n + 1;
    return total <= 0 ? 1.0 : (double) distinctNgrams(words, n).size() / total;
  }
}
