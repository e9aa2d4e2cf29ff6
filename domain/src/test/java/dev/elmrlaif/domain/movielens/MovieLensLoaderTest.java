package dev.elmrlaif.domain.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensLoaderTest {
  @TempDir Path dir;

  @Test
  void loadsCrlfQuotedUnicodeFilesWithLinksOverviewsAndTags() throws IOException {
    Path folder = TinyMovieLens.write(dir);
    MovieLensData data =
        MovieLensLoader.load(folder, dir.resolve("derived/ml-latest-small_overviews.csv"));
    assertEquals(TinyMovieLens.MOVIES, data.movies().size());
    Movie president = data.movies().get(0);
    assertEquals("American President, The (1995)", president.title());
    assertEquals(1995, president.year());
    assertEquals(List.of("Drama", "Romance"), president.genres());
    assertEquals("0100001", president.imdbId());
    assertEquals("501", president.tmdbId());
    assertTrue(president.overview().endsWith("ends in Café Zürich."), president.overview());
    assertEquals("American President, The: a tagline, with a comma", president.tagline());
    assertEquals(List.of("heist", "chase"), president.keywords());
    Movie amelie = data.movies().get(1);
    assertEquals(2001, amelie.year());
    assertEquals("", data.movies().get(6).tmdbId(), "an empty tmdbId stays empty");
    assertEquals("", data.movies().get(5).overview(), "movie 6 has no overview row");
    assertEquals(TinyMovieLens.USERS, data.userIds().length);
    assertTrue(data.tagText().contains("dark, funny"), "quoted tag with a comma, lower-cased");
    assertTrue(data.tagText().contains("heart-warming"));
    // a rating read back through the sparse matrix equals the file's value
    List<String> lines = Files.readAllLines(folder.resolve("ratings.csv"));
    String[] first = lines.get(1).split(",");
    int user = java.util.Arrays.binarySearch(data.userIds(), Long.parseLong(first[0]));
    int movie = data.movieTable().indexOf(Long.parseLong(first[1]));
    assertEquals(Float.parseFloat(first[2]), data.ratings().get(user, movie, -1f));
    assertEquals(lines.size() - 1, data.ratings().count());
  }

  @Test
  void brokenRowsAndUnknownMoviesNameFileLineAndColumn() throws IOException {
    Path folder = TinyMovieLens.write(dir);
    Path ratings = folder.resolve("ratings.csv");
    String content = Files.readString(ratings);
    Files.writeString(ratings, content + "1,999999,4.0,1\r\n", StandardCharsets.UTF_8);
    int badLine = content.split("\r\n").length + 1;
    UserInputException unknown =
        assertThrows(UserInputException.class, () -> MovieLensLoader.load(folder, null));
    assertEquals(
        ratings
            + ":"
            + badLine
            + ": column 2 (movieId): found movieId 999999, expected a movieId listed in movies.csv",
        unknown.getMessage());
    Files.writeString(ratings, content + "1,1,7.5,1\r\n", StandardCharsets.UTF_8);
    UserInputException range =
        assertThrows(UserInputException.class, () -> MovieLensLoader.load(folder, null));
    assertTrue(
        range
            .getMessage()
            .contains(":" + badLine + ": column 3 (rating): found 7.5, expected a rating between"),
        range.getMessage());
    Files.writeString(ratings, content + "1,1\r\n", StandardCharsets.UTF_8);
    UserInputException fields =
        assertThrows(UserInputException.class, () -> MovieLensLoader.load(folder, null));
    assertTrue(
        fields.getMessage().contains(":" + badLine + ": found 2 fields, expected 4"),
        fields.getMessage());
    UserInputException missingFolder =
        assertThrows(
            UserInputException.class, () -> MovieLensLoader.load(dir.resolve("nowhere"), null));
    assertTrue(
        missingFolder.getMessage().contains("set data.root or RLAIF_DATA"),
        missingFolder.getMessage());
  }

  @Test
  void yearParsing() {
    assertEquals(1995, MovieLensLoader.yearOf("Heat (1995)"));
    assertEquals(2009, MovieLensLoader.yearOf("Babylon 5 (2009-2010)"));
    assertEquals(0, MovieLensLoader.yearOf("Babylon 5"));
    assertEquals(1931, MovieLensLoader.yearOf("M (1931) "));
  }

  @Test
  void realMlLatestSmallMatchesItsPublishedCounts() {
    Path root = RealData.requireRoot();
    Path folder = root.resolve("movielens/ml-latest-small");
    MovieLensData data =
        MovieLensLoader.load(folder, root.resolve("derived/ml-latest-small_overviews.csv"));
    assertEquals(9742, data.movies().size());
    assertEquals(610, data.userIds().length);
    assertEquals(100836, data.ratings().count());
    assertEquals(3683, data.tagText().size());
    assertEquals(7748, data.moviesWithOverview());
  }
}
