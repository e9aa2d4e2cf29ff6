package dev.elmrlaif.app.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fluency figures of one text source's texts for one task, reported beside consistency because SC
 * alone can be gamed (DESIGN.md §5): a policy can raise SC with lists of topical words, invented
 * words or one phrase repeated. With the words of {@link TrainingVocabulary#words}:
 *
 * <pre>
 * words         = (1/N) Σ_i |words(y_i)|                         mean length in words
 * distinct-2    = |distinct word bigrams| / |word bigrams|         bigrams of whitespace-separated pieces
 * non-word rate = Σ_i |{w ∈ words(y_i) : w ∉ V}| / Σ_i |words(y_i)|
 * </pre>
 *
 * over the task's texts {@code y_1 … y_N}, where {@code V} is the training corpus's vocabulary; the
 * non-word rate is the share of all the texts' word occurrences (not of distinct words) never seen
 * in training. Distinct-2 counts the lower-cased whitespace-separated pieces of each text, and
 * bigrams do not cross from one text into the next. Texts of the training split (the random-text
 * and nearest-neighbour baselines) have a non-word rate of 0 by construction; the ground truth's is
 * that of unseen human-like text, the reference for a generation's.
 *
 * @param words mean number of words per text (NaN without texts)
 * @param distinct2 distinct-2 of the texts (NaN when they hold no bigram)
 * @param nonWordRate the share of word occurrences not in the training corpus (NaN when there is no
 *     word)
 */
public record TextFigures(double words, double distinct2, double nonWordRate) {

  /** The figures of {@code texts} against {@code vocabulary}. */
  public static TextFigures of(List<String> texts, TrainingVocabulary vocabulary) {
    long words = 0;
    long unseen = 0;
    for (String text : texts) {
      for (String word : TrainingVocabulary.words(text)) {
        words++;
        if (!vocabulary.contains(word)) {
          unseen++;
        }
      }
    }
    return new TextFigures(
        texts.isEmpty() ? Double.NaN : (double) words / texts.size(),
        distinctN(texts, 2),
        words == 0 ? Double.NaN : (double) unseen / words);
  }

  /** Distinct word n-grams over all word n-grams of {@code texts} (NaN when there is none). */
  public static double distinctN(List<String> texts, int n) {
    Set<List<String>> distinct = new HashSet<>();
    long total = 0;
    for (String text : texts) {
      String stripped = text.strip();
      if (stripped.isEmpty()) {
        continue;
      }
      List<String> words = List.of(stripped.toLowerCase(Locale.ROOT).split("\\s+"));
      for (int start = 0; start + n <= words.size(); start++) {
        distinct.add(words.subList(start, start + n));
        total++;
      }
    }
    return total == 0 ? Double.NaN : (double) distinct.size() / total;
  }
}
