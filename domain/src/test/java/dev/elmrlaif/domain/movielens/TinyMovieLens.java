package dev.elmrlaif.domain.movielens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a small MovieLens-layout dataset for tests: CRLF line endings, quoted titles with commas,
 * unicode, overviews that mention their own titles. Movies come in two taste groups (even and odd
 * ids) so that ratings carry structure; everything is drawn from a fixed seed.
 */
public final class TinyMovieLens {
  public static final int MOVIES = 60;
  public static final int USERS = 40;
  private static final String[] GENRES = {
    "Comedy", "Drama|Romance", "Horror|Thriller", "Sci-Fi|Action", "Animation|Children"
  };

  private TinyMovieLens() {}

  /** The title of movie id {@code id} (1-based). */
  public static String title(int id) {
    return switch (id) {
      case 1 -> "American President, The (1995)";
      case 2 -> "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)";
      case 3 -> "Heat (1995)";
      case 4 -> "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964)";
      default -> "Picture Number " + id + " (" + (1950 + id) + ")";
    };
  }

  /**
   * Writes {@code root/movielens/ml-latest-small/*.csv} and {@code
   * root/derived/ml-latest-small_overviews.csv}.
   */
  public static Path write(Path root) throws IOException {
    Path folder = root.resolve("movielens").resolve("ml-latest-small");
    Files.createDirectories(folder);
    Files.createDirectories(root.resolve("derived"));
    StringBuilder movies = new StringBuilder("movieId,title,genres\r\n");
    StringBuilder links = new StringBuilder("movieId,imdbId,tmdbId\r\n");
    StringBuilder overviews =
        new StringBuilder("movieId,imdbId,tmdbId,title,source,overview,tagline,keywords\r\n");
    for (int id = 1; id <= MOVIES; id++) {
      String title = title(id);
      String base = title.replaceAll(" \\(\\d{4}\\)$", "");
      movies
          .append(id)
          .append(",\"")
          .append(title)
          .append("\",")
          .append(GENRES[id % GENRES.length])
          .append("\r\n");
      links
          .append(id)
          .append(',')
          .append(String.format("%07d", 100000 + id))
          .append(',')
          .append(id % 7 == 0 ? "" : 500 + id)
          .append("\r\n");
      if (id % 6 != 0) {
        String group =
            id % 2 == 0
                ? "a quiet family, a long summer and a secret"
                : "a heist, a chase and a betrayal";
        overviews
            .append(id)
            .append(",,,\"")
            .append(title)
            .append("\",test,\"In ")
            .append(base)
            .append(", the story follows ")
            .append(group)
            .append(". ")
            .append(base)
            .append(" ends in Café Zürich.\",")
            .append("\"")
            .append(base)
            .append(": a tagline, with a comma\",")
            .append(id % 2 == 0 ? "family|summer" : "heist|chase")
            .append("\r\n");
      }
    }
    Random random = new Random(11);
    StringBuilder ratings = new StringBuilder("userId,movieId,rating,timestamp\r\n");
    StringBuilder tags = new StringBuilder("userId,movieId,tag,timestamp\r\n");
    for (int user = 1; user <= USERS; user++) {
      boolean likesEven = user % 2 == 0;
      for (int id = 1; id <= MOVIES; id++) {
        if (random.nextDouble() < 0.45) {
          boolean liked = (id % 2 == 0) == likesEven;
          double stars = liked ? 4 + 0.5 * random.nextInt(3) : 1 + 0.5 * random.nextInt(3);
          ratings
              .append(user)
              .append(',')
              .append(id)
              .append(',')
              .append(stars)
              .append(',')
              .append(900000000 + id)
              .append("\r\n");
        }
      }
      for (int id = 2; id <= MOVIES; id += 2) {
        if (random.nextDouble() < 0.3) {
          tags.append(user).append(',').append(id).append(",Heart-warming,1\r\n");
        }
      }
      tags.append(user).append(',').append(1 + user % MOVIES).append(",\"dark, funny\",2\r\n");
    }
    Files.writeString(folder.resolve("movies.csv"), movies, StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("links.csv"), links, StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("ratings.csv"), ratings, StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("tags.csv"), tags, StandardCharsets.UTF_8);
    Files.writeString(
        root.resolve("derived").resolve("ml-latest-small_overviews.csv"),
        overviews,
        StandardCharsets.UTF_8);
    return folder;
  }
}
