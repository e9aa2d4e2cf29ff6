package dev.elmrlaif.domain.movielens;

import java.util.List;

/**
 * One MovieLens movie with the metadata the teacher and the text encoder use. Text fields are empty
 * strings when the overview file does not cover the movie.
 *
 * @param id MovieLens movieId
 * @param title the title as MovieLens writes it, year included, e.g. "American President, The
 *     (1995)"
 * @param year release year parsed from the title, 0 when the title has none
 * @param genres MovieLens genres; empty for "(no genres listed)"
 * @param imdbId IMDb id from links.csv, empty if unknown
 * @param tmdbId TMDB id from links.csv, empty if unknown
 * @param overview TMDB overview
 * @param tagline TMDB tagline
 * @param keywords TMDB keywords
 */
public record Movie(
    long id,
    String title,
    int year,
    List<String> genres,
    String imdbId,
    String tmdbId,
    String overview,
    String tagline,
    List<String> keywords) {

  public Movie {
    genres = List.copyOf(genres);
    keywords = List.copyOf(keywords);
  }

  /** This movie with its links set. */
  public Movie withLinks(String imdb, String tmdb) {
    return new Movie(id, title, year, genres, imdb, tmdb, overview, tagline, keywords);
  }

  /** This movie with its TMDB texts set. */
  public Movie withTexts(String newOverview, String newTagline, List<String> newKeywords) {
    return new Movie(id, title, year, genres, imdbId, tmdbId, newOverview, newTagline, newKeywords);
  }

  /** Whether the overview file covered this movie. */
  public boolean hasOverview() {
    return !overview.isBlank();
  }
}
