package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.teacher.MovieFacts;
import dev.elmrlaif.domain.teacher.TitleScrubber;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link MovieFacts} of every movie from a loaded MovieLens dataset. Rating statistics
 * and tags come from training users only, so a held-out user's behaviour never reaches a target
 * text.
 */
public final class MovieFactsTable {
  private static final int MAX_TAGS = 6;
  private static final Set<String> UNINFORMATIVE_TAGS =
      Set.of("in netflix queue", "netflix queue", "seen it", "watched");
  private static final Map<String, String> GENRE_NAMES =
      Map.of(
          "Sci-Fi",
          "science fiction",
          "Film-Noir",
          "film noir",
          "Children",
          "family",
          "Animation",
          "animated");

  private MovieFactsTable() {}

  /** The facts of every movie, in movie index order. */
  public static List<MovieFacts> build(MovieLensData data, Split users) {
    int movies = data.movies().size();
    Interactions byMovie = data.ratings().transpose();
    List<Map<String, Integer>> tagCounts = new ArrayList<>();
    for (int m = 0; m < movies; m++) {
      tagCounts.add(new HashMap<>());
    }
    for (int i = 0; i < data.tagMovie().length; i++) {
      int user = data.tagUser()[i];
      String tag = data.tagText().get(i);
      if ((user >= 0 && users.isHeldOut(user)) || UNINFORMATIVE_TAGS.contains(tag)) {
        continue;
      }
      tagCounts.get(data.tagMovie()[i]).merge(tag, 1, Integer::sum);
    }
    List<MovieFacts> facts = new ArrayList<>(movies);
    for (int m = 0; m < movies; m++) {
      Movie movie = data.movies().get(m);
      double sum = 0;
      int count = 0;
      for (int at = byMovie.rowStart()[m]; at < byMovie.rowStart()[m + 1]; at++) {
        if (!users.isHeldOut(byMovie.column()[at])) {
          sum += byMovie.value()[at];
          count++;
        }
      }
      List<String> tags =
          tagCounts.get(m).entrySet().stream()
              .sorted(
                  Map.Entry.<String, Integer>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.comparingByKey()))
              .limit(MAX_TAGS)
              .map(Map.Entry::getKey)
              .toList();
      TitleScrubber scrubber = new TitleScrubber(List.of(movie.title()));
      List<String> genres =
          movie.genres().stream()
              .filter(g -> !g.equals("IMAX"))
              .map(g -> GENRE_NAMES.getOrDefault(g, g.toLowerCase(Locale.ROOT)))
              .toList();
      facts.add(
          new MovieFacts(
              movie.title(),
              movie.year(),
              genres,
              tags.stream().filter(t -> !scrubber.mentionsTitle(t)).toList(),
              movie.keywords().stream().filter(k -> !scrubber.mentionsTitle(k)).limit(8).toList(),
              scrubber.scrub(movie.overview()),
              scrubber.scrub(movie.tagline()),
              count == 0 ? Double.NaN : sum / count,
              count));
    }
    return facts;
  }
}
