package dev.elmrlaif.domain.movielens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.domain.CsvReader;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The TMDB texts of films that are no MovieLens entity at all: a film's TMDB id is in no row of
 * {@code links.csv}. Such texts can serve language-model pretraining without touching any split
 * (issue 13: the training split alone is too little text for a GPT learnt from scratch); a held-out
 * movie's texts are never among them, since every MovieLens movie with a TMDB id has a links.csv
 * row.
 *
 * <p>Read from the data root's {@code movie_text/} folder (SOURCES.md §2), each file optional:
 * {@code the_movies_dataset/movies_metadata_cleaned_vc50.csv} (overview), {@code
 * the_movies_dataset/movies_metadata_small_first5000.csv} (overview, tagline) and {@code
 * tmdb_5000/tmdb_5000_movies.zip} (overview, tagline, keywords as a JSON list). Per film, in TMDB
 * id order: its distinct non-blank overviews, taglines and its keywords joined by ", " (the form a
 * MovieLens movie's keyword text has); never its title.
 */
public final class OutsideFilmTexts {
  /** The files read, relative to the data root, in the order their texts are taken. */
  public static final List<String> FILES =
      List.of(
          "movie_text/the_movies_dataset/movies_metadata_cleaned_vc50.csv",
          "movie_text/the_movies_dataset/movies_metadata_small_first5000.csv",
          "movie_text/tmdb_5000/tmdb_5000_movies.zip");

  private static final String ZIP_ENTRY = "tmdb_5000_movies.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutsideFilmTexts() {}

  /** The input files under {@code root} (present or not), for the preparation's cache key. */
  public static List<Path> inputs(Path root) {
    return FILES.stream().map(root::resolve).toList();
  }

  /** Every TMDB id of a row of {@code linksCsv} (column {@code tmdbId}); empty without the file. */
  public static Set<String> linkedTmdbIds(Path linksCsv) {
    Set<String> ids = new HashSet<>();
    if (Files.isRegularFile(linksCsv)) {
      try (CsvReader csv = CsvReader.open(linksCsv)) {
        int tmdb = csv.column("tmdbId");
        for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
          String id = row.get(tmdb).trim();
          if (!id.isEmpty()) {
            ids.add(id);
          }
        }
      }
    }
    return ids;
  }

  /**
   * The texts of the films under {@code root}'s {@code movie_text/} whose TMDB id is not in {@code
   * linkedTmdbIds}; empty when no file is there.
   */
  public static List<String> load(Path root, Set<String> linkedTmdbIds) {
    Map<Long, Set<String>> byFilm = new TreeMap<>();
    Path vc50 = root.resolve(FILES.get(0));
    if (Files.isRegularFile(vc50)) {
      try (CsvReader csv = CsvReader.open(vc50)) {
        read(csv, linkedTmdbIds, byFilm, List.of("overview"), null);
      }
    }
    Path first5000 = root.resolve(FILES.get(1));
    if (Files.isRegularFile(first5000)) {
      try (CsvReader csv = CsvReader.open(first5000)) {
        read(csv, linkedTmdbIds, byFilm, List.of("overview", "tagline"), null);
      }
    }
    Path zip = root.resolve(FILES.get(2));
    if (Files.isRegularFile(zip)) {
      try (ZipFile file = new ZipFile(zip.toFile())) {
        ZipEntry entry = file.getEntry(ZIP_ENTRY);
        if (entry == null) {
          throw new UserInputException(
              zip + ": has no entry " + ZIP_ENTRY + "; expected the TMDB 5000 movies CSV");
        }
        try (CsvReader csv =
            CsvReader.of(
                zip.resolve(ZIP_ENTRY),
                new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
          read(csv, linkedTmdbIds, byFilm, List.of("overview", "tagline"), "keywords");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + zip, e);
      }
    }
    List<String> texts = new ArrayList<>();
    byFilm.values().forEach(texts::addAll);
    return texts;
  }

  private static void read(
      CsvReader csv,
      Set<String> linked,
      Map<Long, Set<String>> byFilm,
      List<String> textColumns,
      String keywordColumn) {
    int id = csv.column("id");
    List<Integer> columns = textColumns.stream().map(csv::column).toList();
    int keywords = keywordColumn == null ? -1 : csv.column(keywordColumn);
    for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
      String tmdb = row.get(id).trim();
      if (tmdb.isEmpty() || linked.contains(tmdb) || !tmdb.chars().allMatch(Character::isDigit)) {
        continue; // a MovieLens movie, or a row without a usable id
      }
      Set<String> texts = byFilm.computeIfAbsent(Long.parseLong(tmdb), k -> new LinkedHashSet<>());
      for (int column : columns) {
        String text = row.get(column).strip();
        if (!text.isEmpty()) {
          texts.add(text);
        }
      }
      if (keywords >= 0) {
        String joined = keywords(row, keywords);
        if (!joined.isEmpty()) {
          texts.add(joined);
        }
      }
    }
    byFilm.values().removeIf(Set::isEmpty);
  }

  /** TMDB's keyword list ({@code [{"id": 1, "name": "space"}, ...]}) as "space, alien, ...". */
  private static String keywords(CsvReader.Row row, int column) {
    String raw = row.get(column).strip();
    if (raw.isEmpty()) {
      return "";
    }
    JsonNode list;
    try {
      list = JSON.readTree(raw);
    } catch (IOException e) {
      throw row.error(column, raw, "a JSON list of {\"id\", \"name\"} objects");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode keyword : list) {
      String name = keyword.path("name").asText("").strip();
      if (!name.isEmpty() && seen.add(name)) {
        names.add(name);
      }
    }
    return String.join(", ", names);
  }
}
