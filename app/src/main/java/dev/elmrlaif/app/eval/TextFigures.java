package dev.elmrlaif.app.eval;

import java.util.List;

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
    return new WordNGrams(texts, n).distinctShare();
  }

  /**
   * Distinct-2 of a task's texts, one per held-out example, with its {@link Bootstrap} interval
   * over the examples, so that a stage's diversity can be told from the noise of the held-out
   * sample (the acceptance criterion "RL's distinct-2 not below SFT's interval"): each replicate is
   * the corpus distinct-2 of as many texts drawn with replacement. A resample repeats some texts
   * and misses others, and a repeated text adds its bigrams to the total but no new distinct one,
   * so the raw replicates lie below the estimate — not a little: a bigram that occurs in one text
   * only is missing from about 37 % of the resamples, and for diverse texts the whole raw
   * percentile interval lies below the estimate, by an amount that differs between sources (more
   * for diverse texts). The interval is therefore the percentile interval shifted back by the
   * bootstrap bias estimate ({@link Bootstrap#biasCorrectedInterval}); it still only approximates
   * the spread of distinct-2 over fresh held-out samples of the same size.
   */
  public static Bootstrap.Interval distinct2Interval(List<String> texts, Bootstrap bootstrap) {
    WordNGrams bigrams = new WordNGrams(texts, 2);
    return bootstrap.biasCorrectedInterval(texts.size(), bigrams::distinctShare);
  }

  /**
   * {@code distinct2(texts) − distinct2(reference)} for two sources' texts of the same examples in
   * the same order (an RL stage against the supervised model), with the paired interval: each
   * replicate is the difference of the two distinct-2 at the same resampled examples, shifted back
   * by its bootstrap bias like {@link #distinct2Interval} (the two sources' biases differ, so they
   * do not cancel in the difference).
   */
  public static Bootstrap.Interval pairedDistinct2Difference(
      List<String> texts, List<String> reference, Bootstrap bootstrap) {
    if (texts.size() != reference.size()) {
      throw new IllegalArgumentException(
          "paired texts: " + texts.size() + " against " + reference.size());
    }
    WordNGrams own = new WordNGrams(texts, 2);
    WordNGrams other = new WordNGrams(reference, 2);
    return bootstrap.biasCorrectedInterval(
        texts.size(), indices -> own.distinctShare(indices) - other.distinctShare(indices));
  }
}
