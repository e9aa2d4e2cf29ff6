package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.CsvReader;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.base.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads the MovieLens CSV layout shared by {@code ml-latest-small} and {@code ml-25m} ({@code
 * movies.csv}, {@code ratings.csv}, optional {@code tags.csv} and {@code links.csv}) and the
 * optional overview file ({@code movieId, overview, tagline, keywords} with {@code |}-separated
 * keywords). Malformed rows are {@link UserInputException}s naming file, line and column; a summary
 * (counts, rating histogram, text coverage) is logged.
 */
public final class MovieLensLoader {
  private static final Logger LOG = LogManager.getLogger(MovieLensLoader.class);
  private static final Pattern YEAR = Pattern.compile("\\((\\d{4})(?:[-\u2013]\\d{0,4})?\\)\\s*$");
  private static final String NO_GENRES = "(no genres listed)";

  private MovieLensLoader() {}

  /**
   * Loads the dataset in {@code folder}; {@code overviews} may be null (the teacher then works from
   * MovieLens metadata alone).
   */
  public static MovieLensData load(Path folder, Path overviews) {
    if (!Files.isDirectory(folder)) {
      throw new UserInputException(
          folder
              + ": MovieLens folder not found; expected a folder with movies.csv and "
              + "ratings.csv (set data.root or RLAIF_DATA, or run './rlaif data download ml-latest-small')");
    }
    List<Movie> movies = readMovies(folder.resolve("movies.csv"));
    EntityTable table = tableOf(movies);
    Path links = folder.resolve("links.csv");
    if (Files.isRegularFile(links)) {
      readLinks(links, table, movies);
    }
    boolean overviewsLoaded = overviews != null && Files.isRegularFile(overviews);
    if (overviews != null && !overviewsLoaded) {
      LOG.warn(
          "overview file {} not found; the teacher works from MovieLens metadata alone", overviews);
    }
    if (overviewsLoaded) {
      readOverviews(overviews, table, movies);
    }
    RatingsTable ratings = readRatings(folder.resolve("ratings.csv"), table);
    List<String> tagText = new ArrayList<>();
    int[][] tagIndices = {new int[0], new int[0]};
    Path tags = folder.resolve("tags.csv");
    if (Files.isRegularFile(tags)) {
      tagIndices = readTags(tags, table, ratings.userIds, tagText);
    }
    MovieLensData data =
        new MovieLensData(
            folder,
            List.copyOf(movies),
            ratings.userIds,
            ratings.matrix,
            tagIndices[0],
            tagIndices[1],
            List.copyOf(tagText),
            overviewsLoaded);
    LOG.info("{}", describe(data));
    return data;
  }

  /** A few lines summarising counts, the rating histogram and text coverage. */
  public static String describe(MovieLensData data) {
    int[] histogram = new int[10];
    for (float r : data.ratings().value()) {
      histogram[Math.min(9, Math.max(0, Math.round(r * 2) - 1))]++;
    }
    StringBuilder hist = new StringBuilder();
    for (int i = 0; i < histogram.length; i++) {
      hist.append(
          String.format(Locale.ROOT, "%s%.1f:%d", i == 0 ? "" : " ", (i + 1) / 2.0, histogram[i]));
    }
    int ratedMovies = 0;
    Interactions byMovie = data.ratings().transpose();
    for (int m = 0; m < byMovie.rows(); m++) {
      ratedMovies += byMovie.rowLength(m) > 0 ? 1 : 0;
    }
    int withOverview = data.moviesWithOverview();
    return String.format(
        Locale.ROOT,
        "MovieLens %s: %d movies (%d rated), %d users, %d ratings, %d tag applications%n"
            + "  rating histogram %s%n"
            + "  texts: %d/%d movies have an overview (%.1f%%)%s",
        data.folder().getFileName(),
        data.movies().size(),
        ratedMovies,
        data.userIds().length,
        data.ratings().count(),
        data.tagMovie().length,
        hist,
        withOverview,
        data.movies().size(),
        100.0 * withOverview / Math.max(1, data.movies().size()),
        data.overviewsLoaded() ? "" : " (no overview file: metadata only)");
  }

  /** The release year in a MovieLens title such as "Heat (1995)", or 0. */
  public static int yearOf(String title) {
    Matcher m = YEAR.matcher(title);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static List<Movie> readMovies(Path file) {
    List<Movie> movies = new ArrayList<>();
    try (CsvReader csv = CsvReader.open(file)) {
      int id = csv.column("movieId");
      int title = csv.column("title");
      int genres = csv.column("genres");
      Map<Long, Integer> lineOf = new HashMap<>();
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        Integer first = lineOf.putIfAbsent(row.longInteger(id), row.lineNumber());
        if (first != null) {
          throw new UserInputException(
              file
                  + ":"
                  + row.lineNumber()
                  + ": movieId "
                  + row.longInteger(id)
                  + " appears again (first on line "
                  + first
                  + "); expected unique movieIds");
        }
        String name = row.required(title).trim();
        String genreText = row.get(genres).trim();
        List<String> genreList =
            genreText.isEmpty() || genreText.equals(NO_GENRES)
                ? List.of()
                : List.of(genreText.split("\\|"));
        movies.add(
            new Movie(
                row.longInteger(id), name, yearOf(name), genreList, "", "", "", "", List.of()));
      }
    }
    if (movies.isEmpty()) {
      throw new UserInputException(file + ": no movies; expected at least one data row");
    }
    return movies;
  }

  private static EntityTable tableOf(List<Movie> movies) {
    long[] ids = new long[movies.size()];
    List<String> names = new ArrayList<>();
    for (int m = 0; m < ids.length; m++) {
      ids[m] = movies.get(m).id();
      names.add(movies.get(m).title());
    }
    try {
      return new EntityTable("movie", ids, names);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(
          "movies.csv: " + e.getMessage() + "; expected unique movieIds", e);
    }
  }

  private static void readLinks(Path file, EntityTable table, List<Movie> movies) {
    try (CsvReader csv = CsvReader.open(file)) {
      int id = csv.column("movieId");
      int imdb = csv.column("imdbId");
      int tmdb = csv.column("tmdbId");
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        int m = table.indexOf(row.longInteger(id));
        if (m >= 0) {
          movies.set(m, movies.get(m).withLinks(row.get(imdb).trim(), row.get(tmdb).trim()));
        }
      }
    }
  }

  private static void readOverviews(Path file, EntityTable table, List<Movie> movies) {
    int unknown = 0;
    try (CsvReader csv = CsvReader.open(file)) {
      int id = csv.column("movieId");
      int overview = csv.column("overview");
      int tagline = csv.hasColumn("tagline") ? csv.column("tagline") : -1;
      int keywords = csv.hasColumn("keywords") ? csv.column("keywords") : -1;
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        int m = table.indexOf(row.longInteger(id));
        if (m < 0) {
          unknown++;
          continue;
        }
        String keywordText = keywords < 0 ? "" : row.get(keywords).trim();
        List<String> keywordList =
            keywordText.isEmpty()
                ? List.of()
                : Arrays.stream(keywordText.split("\\|"))
                    .map(String::trim)
                    .filter(k -> !k.isEmpty())
                    .toList();
        movies.set(
            m,
            movies
                .get(m)
                .withTexts(
                    row.get(overview).trim(),
                    tagline < 0 ? "" : row.get(tagline).trim(),
                    keywordList));
      }
    }
    if (unknown > 0) {
      LOG.info("{}: {} rows name movies that are not in movies.csv; ignored", file, unknown);
    }
  }

  /** Users indexed by ascending id, and the ratings matrix. */
  private record RatingsTable(long[] userIds, Interactions matrix) {}

  private static RatingsTable readRatings(Path file, EntityTable table) {
    long[] users = new long[1 << 16];
    int[] movieIndex = new int[1 << 16];
    float[] stars = new float[1 << 16];
    int n = 0;
    try (CsvReader csv = CsvReader.open(file)) {
      int user = csv.column("userId");
      int movie = csv.column("movieId");
      int rating = csv.column("rating");
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        if (n == users.length) {
          users = Arrays.copyOf(users, n * 2);
          movieIndex = Arrays.copyOf(movieIndex, n * 2);
          stars = Arrays.copyOf(stars, n * 2);
        }
        users[n] = row.longInteger(user);
        long movieId = row.longInteger(movie);
        int m = table.indexOf(movieId);
        if (m < 0) {
          throw row.error(movie, "movieId " + movieId, "a movieId listed in movies.csv");
        }
        double value = row.decimal(rating);
        if (value < 0.5 || value > 5.0) {
          throw row.error(rating, String.valueOf(value), "a rating between 0.5 and 5.0");
        }
        movieIndex[n] = m;
        stars[n] = (float) value;
        n++;
      }
    }
    long[] userIds = sortedDistinct(users, n);
    int[] userIndex = new int[n];
    for (int i = 0; i < n; i++) {
      userIndex[i] = Arrays.binarySearch(userIds, users[i]);
    }
    Interactions matrix =
        Interactions.fromTriples(
            "user",
            "movie",
            userIds.length,
            table.size(),
            userIndex,
            Arrays.copyOf(movieIndex, n),
            Arrays.copyOf(stars, n));
    return new RatingsTable(userIds, matrix);
  }

  /**
   * Reads tag applications; returns {movie indices, user indices (-1 for users without ratings)}.
   */
  /**
   * The distinct values among the first {@code n} of {@code values}, ascending (no boxing: ml-25m
   * has 25M).
   */
  private static long[] sortedDistinct(long[] values, int n) {
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (distinct == 0 || sorted[distinct - 1] != sorted[i]) {
        sorted[distinct++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, distinct);
  }

  private static int[][] readTags(
      Path file, EntityTable table, long[] userIds, List<String> tagText) {
    int[] movieIndex = new int[1024];
    int[] userIndex = new int[1024];
    int n = 0;
    try (CsvReader csv = CsvReader.open(file)) {
      int user = csv.column("userId");
      int movie = csv.column("movieId");
      int tag = csv.column("tag");
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        int m = table.indexOf(row.longInteger(movie));
        String text = row.get(tag).trim().toLowerCase(Locale.ROOT);
        if (m < 0 || text.isEmpty()) {
          continue;
        }
        if (n == movieIndex.length) {
          movieIndex = Arrays.copyOf(movieIndex, n * 2);
          userIndex = Arrays.copyOf(userIndex, n * 2);
        }
        int u = Arrays.binarySearch(userIds, row.longInteger(user));
        movieIndex[n] = m;
        userIndex[n++] = u >= 0 ? u : -1;
        tagText.add(text);
      }
    }
    return new int[][] {Arrays.copyOf(movieIndex, n), Arrays.copyOf(userIndex, n)};
  }
}
