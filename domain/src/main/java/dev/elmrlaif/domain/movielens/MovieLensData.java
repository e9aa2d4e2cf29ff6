package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.Interactions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything read from one MovieLens folder (and the optional overview file), indexed densely:
 * movie {@code m} is {@code movies.get(m)}, user {@code u} has MovieLens id {@code userIds[u]}.
 * Ratings are a sparse users × movies matrix of stars (0.5–5); tags are (user, movie, text)
 * applications with the text lower-cased and trimmed.
 *
 * @param folder the dataset folder the CSV files came from
 * @param movies all movies of movies.csv, in file order
 * @param userIds MovieLens userIds in ascending order
 * @param ratings users × movies star ratings
 * @param tagMovie movie index of each tag application
 * @param tagUser user index of each tag application, -1 when the tagging user rated nothing
 * @param tagText text of each tag application
 * @param overviewsLoaded whether an overview file was read
 */
public record MovieLensData(
    Path folder,
    List<Movie> movies,
    long[] userIds,
    Interactions ratings,
    int[] tagMovie,
    int[] tagUser,
    List<String> tagText,
    boolean overviewsLoaded) {

  /** The movies as an entity table named by title. */
  public EntityTable movieTable() {
    long[] ids = new long[movies.size()];
    List<String> titles = new ArrayList<>(movies.size());
    for (int m = 0; m < movies.size(); m++) {
      ids[m] = movies.get(m).id();
      titles.add(movies.get(m).title());
    }
    return new EntityTable("movie", ids, titles);
  }

  /** The users as an entity table named "user ID". */
  public EntityTable userTable() {
    List<String> names = new ArrayList<>(userIds.length);
    for (long id : userIds) {
      names.add("user " + id);
    }
    return new EntityTable("user", userIds, names);
  }

  /** How many movies have an overview. */
  public int moviesWithOverview() {
    int n = 0;
    for (Movie movie : movies) {
      n += movie.hasOverview() ? 1 : 0;
    }
    return n;
  }
}
