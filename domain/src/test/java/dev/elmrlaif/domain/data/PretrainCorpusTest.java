package dev.elmrlaif.domain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.TasksConfig;
import dev.elmrlaif.domain.config.TextEncoderKind;
import dev.elmrlaif.domain.config.WalsConfig;
import dev.elmrlaif.domain.movielens.TinyMovieLens;
import dev.elmrlaif.domain.prepare.DataPreparer;
import dev.elmrlaif.domain.tasks.TaskExample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code training_texts} pretraining corpus on the tiny MovieLens data plus tiny TMDB files:
 * its parts have exactly the texts they should, and no held-out entity's text reaches it.
 */
class PretrainCorpusTest {
  private static final String LEAK = "zebraquux";
  @TempDir Path dir;

  private static DataConfig config(Path root, Path cache) {
    return DataConfig.defaults()
        .with(
            b ->
                b.root(root.toString())
                    .cacheDir(cache.toString())
                    .heldOutMovies(0.2)
                    .heldOutUsers(0.2)
                    .autoDownload(false)
                    .textEncoder(TextEncoderKind.TFIDF)
                    .semanticDimension(8)
                    .wals(
                        WalsConfig.defaults()
                            .with(c -> c.dimension(4).iterations(4).regularization(1.0).threads(1)))
                    .tasks(
                        TasksConfig.defaults()
                            .with(
                                e ->
                                    e.enabled(List.of("summary", "user_profile", "similarities"))
                                        .moviesPerTask(0)
                                        .pairsPerTask(0)
                                        .profileMovies(3))));
  }

  private static PreparedData prepare(Path root, Path cache) {
    return new DataPreparer(config(root, cache), 17, Map.of()).prepare(false);
  }

  /** TinyMovieLens's links.csv gives movie id m the TMDB id 500 + m (none when m % 7 == 0). */
  private static String tmdb(long movieId) {
    return Long.toString(500 + movieId);
  }

  /**
   * The three TMDB files: two films that are no MovieLens movie (900001, 900002), and rows for a
   * held-out and a training movie, which must not be taken.
   */
  private static void writeMovieText(Path root, String heldOutTmdb, String trainingTmdb)
      throws IOException {
    Path movies = root.resolve("movie_text/the_movies_dataset");
    Files.createDirectories(movies);
    Files.writeString(
        movies.resolve("movies_metadata_cleaned_vc50.csv"),
        "id,title,overview,genres,vote_average,vote_count\r\n"
            + "900001,Outside One,\"A lighthouse keeper, alone, waits.\",\"['Drama']\",7.1,80.0\r\n"
            + heldOutTmdb
            + ",Held Out,\"The "
            + LEAK
            + " overview of a held-out movie.\",\"['Drama']\",6.0,90.0\r\n",
        StandardCharsets.UTF_8);
    Files.writeString(
        movies.resolve("movies_metadata_small_first5000.csv"),
        "id,overview,tagline\r\n"
            + "900001,\"A lighthouse keeper, alone, waits.\",The sea keeps secrets.\r\n"
            + "900002,Two sisters cross a desert.,\r\n"
            + trainingTmdb
            + ",A training movie's TMDB row "
            + LEAK
            + ".,Not taken either.\r\n"
            + "tt-bad,An id that is no number.,\r\n",
        StandardCharsets.UTF_8);
    Path tmdb = root.resolve("movie_text/tmdb_5000");
    Files.createDirectories(tmdb);
    try (OutputStream file = Files.newOutputStream(tmdb.resolve("tmdb_5000_movies.zip"));
        ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry("tmdb_5000_movies.csv"));
      zip.write(
          ("id,overview,tagline,keywords\n"
                  + "900002,Two sisters cross a desert.,,\"[{\"\"id\"\": 1, \"\"name\"\": \"\"desert\"\"}, "
                  + "{\"\"id\"\": 2, \"\"name\"\": \"\"sisters\"\"}]\"\n"
                  + heldOutTmdb
                  + ",Another "
                  + LEAK
                  + " text.,A "
                  + LEAK
                  + " tagline.,[]\n")
              .getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
  }

  /** Marks every text a held-out entity contributes: held-out movies' overviews and taglines. */
  private static void markHeldOut(Path root, PreparedData before) throws IOException {
    Split movies = before.domain().split("movie");
    Path overviews = root.resolve("derived/ml-latest-small_overviews.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(overviews, StandardCharsets.UTF_8));
    for (int i = 1; i < lines.size(); i++) {
      long id = Long.parseLong(lines.get(i).substring(0, lines.get(i).indexOf(',')));
      int m = before.domain().entities("movie").indexOf(id);
      if (movies.isHeldOut(m)) {
        lines.set(
            i,
            lines
                .get(i)
                .replace("the story follows", "the " + LEAK + " story follows")
                .replace(": a tagline", ": a " + LEAK + " tagline"));
      }
    }
    Files.write(overviews, lines, StandardCharsets.UTF_8);
  }

  private PreparedData preparedWithMarkers() throws IOException {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    PreparedData before = prepare(root, dir.resolve("cache-a"));
    Split movies = before.domain().split("movie");
    String heldOutTmdb = null;
    String trainingTmdb = null;
    for (int m = 0; m < movies.size(); m++) {
      long id = before.domain().entities("movie").id(m);
      if (id % 7 != 0) {
        if (movies.isHeldOut(m) && heldOutTmdb == null) {
          heldOutTmdb = tmdb(id);
        } else if (!movies.isHeldOut(m) && trainingTmdb == null) {
          trainingTmdb = tmdb(id);
        }
      }
    }
    writeMovieText(root, heldOutTmdb, trainingTmdb);
    markHeldOut(root, before);
    return prepare(root, dir.resolve("cache-b"));
  }

  @Test
  void noHeldOutEntitysTextReachesTheCorpus() throws IOException {
    PreparedData data = preparedWithMarkers();
    Split movies = data.domain().split("movie");
    // the markers are real: held-out movies' texts and held-out examples' targets carry them
    int markedHeldOutTexts = 0;
    for (int m : movies.heldOutIndices()) {
      for (String text : data.domain().textsOf("movie", m)) {
        markedHeldOutTexts += text.contains(LEAK) ? 1 : 0;
      }
    }
    assertTrue(markedHeldOutTexts >= movies.heldOutCount(), "marked " + markedHeldOutTexts);
    assertTrue(
        data.heldOutExamples().get("summary").stream().anyMatch(e -> e.target().contains(LEAK)));

    List<String> corpus = PretrainCorpus.trainingTexts(data).texts();
    for (String text : corpus) {
      assertFalse(text.contains(LEAK), "a held-out text in the corpus: " + text);
    }
    // no sentence of a held-out movie's text or of a held-out example's target occurs in it
    // (genre lists such as "Comedy film" are shared with training movies, hence not held-out text)
    String joined = String.join("\n", corpus);
    Set<String> heldOutSentences = new LinkedHashSet<>();
    for (int m : movies.heldOutIndices()) {
      for (String text : data.domain().textsOf("movie", m)) {
        if (text.contains(LEAK)) {
          heldOutSentences.addAll(sentences(text));
        }
      }
    }
    for (List<TaskExample> examples : data.heldOutExamples().values()) {
      for (TaskExample example : examples) {
        if (example.target().contains(LEAK)) {
          heldOutSentences.addAll(sentences(example.target()));
        }
      }
    }
    assertFalse(heldOutSentences.isEmpty());
    for (String sentence : heldOutSentences) {
      if (sentence.contains(LEAK)) {
        assertFalse(joined.contains(sentence), "held-out sentence in the corpus: " + sentence);
      }
    }
  }

  private static List<String> sentences(String text) {
    List<String> sentences = new ArrayList<>();
    for (String sentence : text.split("(?<=[.!?])\\s+")) {
      if (!sentence.isBlank()) {
        sentences.add(sentence.strip());
      }
    }
    return sentences;
  }

  @Test
  void theCorpusHasEveryTrainingTextOnceAndTheOutsideFilmsInOrder() throws IOException {
    PreparedData data = preparedWithMarkers();
    PretrainCorpus corpus = PretrainCorpus.trainingTexts(data);
    assertEquals(
        List.of(
            PretrainCorpus.TEACHER_TEXTS,
            PretrainCorpus.ENTITY_TEXTS,
            PretrainCorpus.OUTSIDE_TEXTS),
        corpus.parts().stream().map(PretrainCorpus.Part::source).toList());

    // teacher texts: every training example's target, of every prepared task
    int examples = data.trainExamples().values().stream().mapToInt(List::size).sum();
    assertEquals(3, data.trainExamples().size());
    assertEquals(examples, corpus.parts().get(0).texts().size());
    assertEquals(PretrainCorpus.examples(data).parts(), List.of(corpus.parts().get(0)));

    // entity texts: the distinct non-blank texts of the 48 training movies (12 are held out)
    Split movies = data.domain().split("movie");
    assertEquals(48, movies.size() - movies.heldOutCount());
    Set<String> expected = new LinkedHashSet<>();
    for (int m = 0; m < movies.size(); m++) {
      if (!movies.isHeldOut(m)) {
        data.domain().textsOf("movie", m).stream().filter(t -> !t.isBlank()).forEach(expected::add);
      }
    }
    assertEquals(List.copyOf(expected), corpus.parts().get(1).texts());
    // the titles scrubbed, the tiny movies' texts collapse to 15 distinct ones, each once:
    // 3 overviews and 2 taglines (the two taste groups; one title scrubs differently), 2 keyword
    // lists, 5 genre texts and 3 tag lists
    assertEquals(15, expected.size(), "entity texts " + expected);

    // outside texts: the two films without a links.csv row, in TMDB id order, each distinct text
    // once, keywords joined; never the held-out or the training movie's TMDB rows
    assertEquals(
        List.of(
            "A lighthouse keeper, alone, waits.",
            "The sea keeps secrets.",
            "Two sisters cross a desert.",
            "desert, sisters"),
        corpus.parts().get(2).texts());

    // the outside texts are part of the cached preparation
    PreparedData cached = prepare(dir.resolve("data"), dir.resolve("cache-b"));
    assertTrue(cached.fromCache());
    assertEquals(data.outsideTexts(), cached.outsideTexts());
  }
}
