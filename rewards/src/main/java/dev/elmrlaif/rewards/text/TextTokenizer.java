package dev.elmrlaif.rewards.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into word tokens for the TF-IDF encoder: maximal runs of Unicode letters and digits,
 * optionally lower-cased, shorter than {@code minTokenLength} dropped, English stop words
 * optionally dropped. Everything else (punctuation, apostrophes, whitespace) separates tokens, so
 * "Andy's" gives "andy" and "s".
 *
 * <p>Immutable and thread-safe.
 */
public final class TextTokenizer {

  /**
   * A short English stop-word list (articles, pronouns, auxiliaries, prepositions, conjunctions).
   */
  public static final Set<String> ENGLISH_STOP_WORDS =
      Set.of(
          "a",
          "about",
          "above",
          "after",
          "again",
          "against",
          "all",
          "am",
          "an",
          "and",
          "any",
          "are",
          "as",
          "at",
          "be",
          "because",
          "been",
          "before",
          "being",
          "below",
          "between",
          "both",
          "but",
          "by",
          "can",
          "could",
          "did",
          "do",
          "does",
          "doing",
          "down",
          "during",
          "each",
          "few",
          "for",
          "from",
          "further",
          "had",
          "has",
          "have",
          "having",
          "he",
          "her",
          "here",
          "hers",
          "herself",
          "him",
          "himself",
          "his",
          "how",
          "i",
          "if",
          "in",
          "into",
          "is",
          "it",
          "its",
          "itself",
          "just",
          "me",
          "more",
          "most",
          "my",
          "myself",
          "no",
          "nor",
          "not",
          "now",
          "of",
          "off",
          "on",
          "once",
          "only",
          "or",
          "other",
          "our",
          "ours",
          "ourselves",
          "out",
          "over",
          "own",
          "same",
          "she",
          "should",
          "so",
          "some",
          "such",
          "than",
          "that",
          "the",
          "their",
          "theirs",
          "them",
          "themselves",
          "then",
          "there",
          "these",
          "they",
          "this",
          "those",
          "through",
          "to",
          "too",
          "under",
          "until",
          "up",
          "very",
          "was",
          "we",
          "were",
          "what",
          "when",
          "where",
          "which",
          "while",
          "who",
          "whom",
          "why",
          "will",
          "with",
          "would",
          "you",
          "your",
          "yours",
          "yourself",
          "yourselves",
          "s",
          "t",
          "don",
          "ll",
          "re",
          "ve",
          "d",
          "m");

  private final boolean lowercase;
  private final boolean removeStopWords;
  private final int minTokenLength;

  public TextTokenizer(boolean lowercase, boolean removeStopWords, int minTokenLength) {
    if (minTokenLength < 1) {
      throw new IllegalArgumentException("minTokenLength must be >= 1, found " + minTokenLength);
    }
    this.lowercase = lowercase;
    this.removeStopWords = removeStopWords;
    this.minTokenLength = minTokenLength;
  }

  /**
   * The tokens of {@code text} in order, repeats kept; an empty or null text gives an empty list.
   */
  public List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return tokens;
    }
    String source = lowercase ? text.toLowerCase(Locale.ROOT) : text;
    int start = -1;
    int i = 0;
    while (i <= source.length()) {
      int codePoint = i < source.length() ? source.codePointAt(i) : ' ';
      boolean wordChar = i < source.length() && Character.isLetterOrDigit(codePoint);
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        accept(source.substring(start, i), tokens);
        start = -1;
      }
      i += i < source.length() ? Character.charCount(codePoint) : 1;
    }
    return tokens;
  }

  private void accept(String token, List<String> tokens) {
    if (token.codePointCount(0, token.length()) < minTokenLength) {
      return;
    }
    if (removeStopWords
        && ENGLISH_STOP_WORDS.contains(lowercase ? token : token.toLowerCase(Locale.ROOT))) {
      return;
    }
    tokens.add(token);
  }
}
