package dev.elmrlaif.app.eval;

import dev.elmrlaif.domain.Domain;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of the training corpus, for the non-word rate ({@link TextFigures}): a fluency figure
 * that SC cannot see, since a text encoder may map invented words close to real ones.
 *
 * <p>A <b>word</b> is a maximal run of Unicode letters and digits ({@code [\p{L}\p{N}]+}) of the
 * text lower-cased with {@link Locale#ROOT}; everything else (spaces, punctuation, apostrophes,
 * hyphens, symbols) separates words, so {@code "Don't stop-motion!"} has the words {@code don},
 * {@code t}, {@code stop}, {@code motion}. The <b>training corpus</b> is the training split's text,
 * what the tokenizer and the pretrained language model were fitted on: the targets of every task's
 * training examples, and the domain's texts of every training entity of every kind (MovieLens: the
 * movies' overviews). Held-out entities' texts are not in it.
 */
public final class TrainingVocabulary {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private final Set<String> words;

  private TrainingVocabulary(Set<String> words) {
    this.words = Set.copyOf(words);
  }

  /** The vocabulary of the given texts. */
  public static TrainingVocabulary of(Collection<String> texts) {
    Set<String> words = new HashSet<>();
    for (String text : texts) {
      words.addAll(words(text));
    }
    return new TrainingVocabulary(words);
  }

  /** The vocabulary of the training corpus of {@code data} (see the class comment). */
  public static TrainingVocabulary ofTrainingSplit(PreparedData data) {
    List<String> texts = new ArrayList<>();
    for (List<TaskExample> examples : data.trainExamples().values()) {
      examples.forEach(example -> texts.add(example.target()));
    }
    Domain domain = data.domain();
    for (Map.Entry<String, List<List<String>>> kind : domain.texts().entrySet()) {
      Split split = domain.splits().get(kind.getKey());
      if (split == null) {
        continue;
      }
      for (int index : split.trainIndices()) {
        texts.addAll(kind.getValue().get(index));
      }
    }
    return of(texts);
  }

  /** The words of {@code text}, in order (see the class comment). */
  public static List<String> words(String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      found.add(matcher.group());
    }
    return found;
  }

  /** Whether {@code word} (already lower-cased) occurs in the training corpus. */
  public boolean contains(String word) {
    return words.contains(word);
  }

  /** The number of distinct words. */
  public int size() {
    return words.size();
  }
}
