package dev.elmrlaif.app.cli;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The names closest to one a user typed, for the message of an unknown title, user or concept
 * ({@code rlaif generate --movie "Toy Stroy"} suggests "Toy Story (1995)"). Ranked by, in order:
 * whether the name contains the query (case-insensitive); the share of the query's words that are
 * among the name's (word overlap); the Levenshtein distance of the lower-cased strings.
 */
final class ClosestNames {
  private ClosestNames() {}

  /** At most {@code limit} names of {@code names} closest to {@code query}, closest first. */
  static List<String> closest(List<String> names, String query, int limit) {
    String q = query.toLowerCase(Locale.ROOT).strip();
    Set<String> queryWords = words(q);
    int n = names.size();
    int[] contains = new int[n];
    double[] overlap = new double[n];
    int[] distance = new int[n];
    for (int i = 0; i < n; i++) {
      String name = names.get(i).toLowerCase(Locale.ROOT);
      contains[i] = name.contains(q) ? 0 : 1;
      overlap[i] = overlap(queryWords, words(name));
      distance[i] = levenshtein(q, name);
    }
    Comparator<Integer> order =
        Comparator.<Integer>comparingInt(i -> contains[i])
            .thenComparingDouble(i -> -overlap[i])
            .thenComparingInt(i -> distance[i])
            .thenComparingInt(i -> i);
    return IntStream.range(0, n)
        .boxed()
        .sorted(order)
        .map(names::get)
        .distinct()
        .limit(limit)
        .toList();
  }

  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>(Arrays.asList(text.split("[^\\p{L}\\p{N}]+")));
    words.remove("");
    return words;
  }

  /** The share of the query's words found among the name's. */
  private static double overlap(Set<String> query, Set<String> name) {
    if (query.isEmpty()) {
      return 0;
    }
    return query.stream().filter(name::contains).count() / (double) query.size();
  }

  /** The edit distance (insertions, deletions, substitutions) between two strings. */
  static int levenshtein(String a, String b) {
    int[] previous = IntStream.rangeClosed(0, b.length()).toArray();
    int[] current = new int[b.length() + 1];
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
