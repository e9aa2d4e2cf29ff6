package dev.elmrlaif.domain.teacher;

import java.util.List;

/**
 * What the offline teacher may say about a movie, gathered from training data only: metadata
 * (genres, year, TMDB texts with the title already scrubbed out) and statistics from training users
 * (rating mean and count, most frequent tags).
 *
 * @param title the MovieLens title (used only by the online teacher and the scrubber)
 * @param year release year, 0 if unknown
 * @param genres readable genre names, e.g. "science fiction"
 * @param tags most frequent tags, most frequent first
 * @param keywords TMDB keywords
 * @param overview TMDB overview without the title, or empty
 * @param tagline TMDB tagline without the title, or empty
 * @param ratingMean mean training-user rating, NaN when unrated
 * @param ratingCount number of training-user ratings
 */
public record MovieFacts(
    String title,
    int year,
    List<String> genres,
    List<String> tags,
    List<String> keywords,
    String overview,
    String tagline,
    double ratingMean,
    int ratingCount) {

  public MovieFacts {
    genres = List.copyOf(genres);
    tags = List.copyOf(tags);
    keywords = List.copyOf(keywords);
  }
}
