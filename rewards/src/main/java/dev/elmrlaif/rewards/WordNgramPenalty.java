package dev.elmrlaif.rewards;

import dev.elmrlaif.rewards.text.TextTokenizer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Base of the penalties on repeated word n-grams ({@link DegeneracyPenalty} within a text, {@link
 * CrossContextRepetitionPenalty} across a batch's contexts): the lower-cased word tokens they share
 * (all words kept) and the n-gram order.
 */
abstract class WordNgramPenalty extends PerSampleReward {

  private static final TextTokenizer WORDS = new TextTokenizer(true, false, 1);
  protected final int ngram;

  protected WordNgramPenalty(String name, String component, int ngram) {
    super(name, component);
    if (ngram < 1) {
      throw new InvalidRewardInputException(
          getClass().getSimpleName() + " n-gram order must be >= 1, found " + ngram);
    }
    this.ngram = ngram;
  }

  /** The text's lower-cased words. */
  protected static List<String> words(String text) {
    return WORDS.tokenize(text);
  }

  /** The distinct n-grams of {@code words}; empty when there are fewer than n words. */
  static Set<List<String>> distinctNgrams(List<String> words, int n) {
    Set<List<String>> distinct = new HashSet<>();
    for (int start = 0; start + n <= words.size(); start++) {
      distinct.add(words.subList(start, start + n));
    }
    return distinct;
  }
}
