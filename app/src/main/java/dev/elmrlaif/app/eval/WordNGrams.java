package dev.elmrlaif.app.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The word n-grams of each of a list of texts, as ids shared by all of them, so that distinct-n of
 * any selection of the texts with repeats (a bootstrap resample of held-out examples) is counted in
 * one pass over ids instead of splitting and hashing the texts again. Words are the lower-cased
 * whitespace-separated pieces of a text; n-grams do not cross from one text into the next.
 */
final class WordNGrams {
  private final int[][] idsByText;
  private final int distinctCount;

  WordNGrams(List<String> texts, int n) {
    Map<List<String>, Integer> ids = new HashMap<>();
    idsByText = new int[texts.size()][];
    for (int t = 0; t < texts.size(); t++) {
      String stripped = texts.get(t).strip();
      List<String> words =
          stripped.isEmpty() ? List.of() : List.of(stripped.toLowerCase(Locale.ROOT).split("\\s+"));
      int[] row = new int[Math.max(0, words.size() - n + 1)];
      for (int start = 0; start < row.length; start++) {
        row[start] = ids.computeIfAbsent(words.subList(start, start + n), key -> ids.size());
      }
      idsByText[t] = row;
    }
    distinctCount = ids.size();
  }

  /** Distinct n-grams over all n-grams of every text, each once (NaN when there is none). */
  double distinctShare() {
    return distinctShare(java.util.stream.IntStream.range(0, idsByText.length).toArray());
  }

  /**
   * Distinct n-grams over all n-grams of the texts at {@code textIndices}, a text counted as often
   * as its index occurs (NaN when they hold no n-gram).
   */
  double distinctShare(int[] textIndices) {
    boolean[] seen = new boolean[distinctCount];
    int distinct = 0;
    long total = 0;
    for (int index : textIndices) {
      for (int id : idsByText[index]) {
        total++;
        if (!seen[id]) {
          seen[id] = true;
          distinct++;
        }
      }
    }
    return total == 0 ? Double.NaN : (double) distinct / total;
  }
}
