package dev.elmrlaif.domain.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.ConceptsConfig;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.TasksConfig;
import dev.elmrlaif.domain.config.TextEncoderKind;
import dev.elmrlaif.domain.config.WalsConfig;
import dev.elmrlaif.domain.data.DataSummary;
import dev.elmrlaif.domain.data.DomainPreparer;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.movielens.TinyMovieLens;
import dev.elmrlaif.domain.tasks.Pairing;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPreparerTest {
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
                            .with(c -> c.dimension(4).iterations(6).regularization(1.0).threads(1)))
                    .concepts(
                        ConceptsConfig.defaults()
                            .with(
                                d ->
                                    d.spaces(List.of("semantic", "behavioral"))
                                        .minMovies(3)
                                        .validationFraction(0.25)))
                    .tasks(
                        TasksConfig.defaults()
                            .with(
                                e ->
                                    e.enabled(List.of("all"))
                                        .moviesPerTask(0)
                                        .pairsPerTask(0)
                                        .profileMovies(3))));
  }

  private static PreparedData prepare(Path root, Path cache) {
    return new DataPreparer(config(root, cache), 17, Map.of()).prepare(false);
  }

  /**
   * Changes everything a held-out entity contributes: the texts of held-out movies get a marker
   * word, held-out users' ratings are inverted and their tags renamed.
   */
  private static void perturbHeldOut(
      Path root, Split movies, Split users, long[] movieIds, long[] userIds) throws IOException {
    Path overviews = root.resolve("derived/ml-latest-small_overviews.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(overviews, StandardCharsets.UTF_8));
    for (int i = 1; i < lines.size(); i++) {
      long id = Long.parseLong(lines.get(i).substring(0, lines.get(i).indexOf(',')));
      int m = Arrays.binarySearch(movieIds, id);
      if (movies.isHeldOut(m)) {
        lines.set(
            i, lines.get(i).replace("the story follows", "the " + LEAK + " story follows " + LEAK));
      }
    }
    Files.write(overviews, lines, StandardCharsets.UTF_8);
    Path ratings = root.resolve("movielens/ml-latest-small/ratings.csv");
    lines = new ArrayList<>(Files.readAllLines(ratings, StandardCharsets.UTF_8));
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      if (users.isHeldOut(Arrays.binarySearch(userIds, Long.parseLong(f[0])))) {
        lines.set(i, f[0] + "," + f[1] + "," + (5.5 - Double.parseDouble(f[2])) + "," + f[3]);
      }
    }
    Files.write(ratings, lines, StandardCharsets.UTF_8);
    Path tags = root.resolve("movielens/ml-latest-small/tags.csv");
    lines = new ArrayList<>(Files.readAllLines(tags, StandardCharsets.UTF_8));
    for (int i = 1; i < lines.size(); i++) {
      String user = lines.get(i).substring(0, lines.get(i).indexOf(','));
      if (users.isHeldOut(Arrays.binarySearch(userIds, Long.parseLong(user)))) {
        lines.set(i, lines.get(i).replace("Heart-warming", LEAK + " tag"));
      }
    }
    Files.write(tags, lines, StandardCharsets.UTF_8);
  }

  private static void assertTrainingRowsEqual(EmbeddingSpace a, EmbeddingSpace b, Split split) {
    for (int i : split.trainIndices()) {
      assertArrayEquals(a.vector(i), b.vector(i), a.name() + " vector of training entity " + i);
    }
  }

  @Test
  void noHeldOutEntityReachesAnyFittedComponent() throws IOException {
    Path original = dir.resolve("original");
    Path perturbed = dir.resolve("perturbed");
    TinyMovieLens.write(original);
    TinyMovieLens.write(perturbed);
    PreparedData before = prepare(original, dir.resolve("cache-a"));
    Split movies = before.domain().split("movie");
    Split users = before.domain().split("user");
    assertTrue(movies.heldOutCount() == 12 && users.heldOutCount() == 8);
    long[] movieIds = new long[TinyMovieLens.MOVIES];
    for (int m = 0; m < movieIds.length; m++) {
      movieIds[m] = before.domain().entities("movie").id(m);
    }
    long[] userIds = new long[TinyMovieLens.USERS];
    for (int u = 0; u < userIds.length; u++) {
      userIds[u] = before.domain().entities("user").id(u);
    }
    perturbHeldOut(perturbed, movies, users, movieIds, userIds);
    PreparedData after = prepare(perturbed, dir.resolve("cache-b"));

    // the perturbation is real: held-out users are folded in from their changed ratings, and the
    // held-out examples' targets are written from the changed texts
    assertFalse(
        Arrays.equals(
            before.domain().space("behavioral").vector(users.heldOutIndices()[0]),
            after.domain().space("behavioral").vector(users.heldOutIndices()[0])));
    assertTrue(
        after.heldOutExamples().get("summary").stream().anyMatch(e -> e.target().contains(LEAK)));

    // ... but nothing fitted moved: the text encoder, WALS, concepts and every training example
    assertEquals(
        0f, norm(after.textEncoder().encode(LEAK)), "the encoder never saw the held-out word");
    assertArrayEquals(
        before.textEncoder().encode("a heist, a chase and a betrayal"),
        after.textEncoder().encode("a heist, a chase and a betrayal"));
    assertTrainingRowsEqual(
        before.domain().space("semantic"), after.domain().space("semantic"), movies);
    assertTrainingRowsEqual(
        before.domain().space("behavioral"), after.domain().space("behavioral"), users);
    assertTrainingRowsEqual(
        before.domain().space("behavioral_movie"),
        after.domain().space("behavioral_movie"),
        movies);
    assertEquals(before.domain().concepts().size(), after.domain().concepts().size());
    for (int c = 0; c < before.domain().concepts().size(); c++) {
      Concept x = before.domain().concepts().get(c);
      Concept y = after.domain().concepts().get(c);
      assertEquals(x.name() + x.space(), y.name() + y.space());
      assertArrayEquals(x.direction(), y.direction(), "concept " + x.name());
    }
    assertEquals(before.trainExamples(), after.trainExamples(), "training examples are identical");
    for (List<TaskExample> examples : after.trainExamples().values()) {
      for (TaskExample e : examples) {
        assertFalse(e.target().contains(LEAK), e.target());
      }
    }
  }

  @Test
  void trainingExamplesUseTrainingEntitiesAndTheSecondCallReadsTheCache() throws IOException {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    PreparedData built = prepare(root, dir.resolve("cache"));
    assertFalse(built.fromCache());
    Split movies = built.domain().split("movie");
    Split users = built.domain().split("user");
    assertEquals(25, built.tasks().size());
    for (TaskSpec task : built.tasks()) {
      List<TaskExample> train = built.trainExamples().get(task.name());
      List<TaskExample> held = built.heldOutExamples().get(task.name());
      assertFalse(train.isEmpty(), task.name());
      Split first = task.pairing() == Pairing.USER ? users : movies;
      for (TaskExample e : train) {
        for (int entity : e.entities()) {
          assertFalse(
              first.isHeldOut(entity),
              task.name() + " training example reads held-out entity " + entity);
        }
        assertTrue(e.prompt().contains("<|entity_0|>"));
      }
      for (TaskExample e : held) {
        assertTrue(first.isHeldOut(e.entities().get(0)), task.name());
      }
      if (task.pairing() == Pairing.SINGLE) {
        assertEquals(
            movies.trainCount(), train.size(), "every training movie once: " + task.name());
      }
    }
    String summary = DataSummary.render(built, 1.0);
    assertTrue(summary.matches("(?s).*\\nmovie +48 +12\\nuser +32 +8\\n.*"), summary);
    assertTrue(summary.contains("user_profile"), summary);

    PreparedData cached = prepare(root, dir.resolve("cache"));
    assertTrue(cached.fromCache());
    assertEquals(built.trainExamples(), cached.trainExamples());
    assertEquals(built.heldOutExamples(), cached.heldOutExamples());
    assertEquals(built.domain().split("user"), cached.domain().split("user"));
    assertArrayEquals(
        built.domain().space("semantic").rawData(), cached.domain().space("semantic").rawData());
    assertArrayEquals(
        built.textEncoder().encode("family summer"), cached.textEncoder().encode("family summer"));
    assertEquals(built.domain().concepts().size(), cached.domain().concepts().size());
    assertEquals(built.ranking(), cached.ranking());

    // a different seed is a different cache entry
    PreparedData reseeded =
        new DataPreparer(config(root, dir.resolve("cache")), 18, Map.of()).prepare(false);
    assertFalse(reseeded.fromCache());
    assertNotEquals(built.folder(), reseeded.folder());
  }

  /**
   * Movies with no text at all have no semantic embedding and appear in no semantic task; the
   * summary counts them.
   */
  @Test
  void moviesWithoutTextGetNoEmbeddingAndNoSemanticExample() throws IOException {
    Path root = dir.resolve("data");
    Path folder = TinyMovieLens.write(root);
    List<Integer> textless =
        List.of(42, 48, 54, 60); // no overview (id % 6 == 0); genres and tags removed below
    List<String> movies = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(folder.resolve("movies.csv"))) {
      String id = line.substring(0, line.indexOf(','));
      movies.add(
          textless.stream().anyMatch(m -> id.equals(m.toString()))
              ? line.substring(0, line.lastIndexOf(',')) + ",(no genres listed)"
              : line);
    }
    Files.write(folder.resolve("movies.csv"), movies);
    List<String> tags =
        Files.readAllLines(folder.resolve("tags.csv")).stream()
            .filter(
                line -> textless.stream().noneMatch(m -> line.split(",")[1].equals(m.toString())))
            .toList();
    Files.write(folder.resolve("tags.csv"), tags);

    PreparedData data = prepare(root, dir.resolve("cache"));
    EmbeddingSpace semantic = data.domain().space("semantic");
    java.util.Set<Integer> zero = new java.util.TreeSet<>();
    for (int m = 0; m < semantic.size(); m++) {
      if (norm(semantic.vector(m)) == 0) {
        zero.add(m);
      }
    }
    java.util.Set<Integer> expected = new java.util.TreeSet<>();
    for (int id : textless) {
      expected.add(id - 1); // movie ids 1..60 are rows 0..59 in file order
    }
    assertEquals(expected, zero);
    for (TaskSpec task : data.tasks()) {
      if (task.pairing() == Pairing.USER) {
        continue;
      }
      for (List<TaskExample> examples :
          List.of(data.trainExamples().get(task.name()), data.heldOutExamples().get(task.name()))) {
        for (TaskExample e : examples) {
          for (int entity : e.entities()) {
            assertFalse(
                zero.contains(entity), task.name() + " mentions textless movie row " + entity);
          }
        }
      }
    }
    Split split = data.domain().split("movie");
    long trainingWithText =
        java.util.Arrays.stream(split.trainIndices()).filter(m -> !zero.contains(m)).count();
    assertEquals(trainingWithText, data.trainExamples().get("summary").size());
    String summary = DataSummary.render(data, 1.0);
    assertTrue(
        summary.contains(
            "entities without text (no semantic embedding, left out of semantic tasks): "
                + "semantic (movie) 4 of 60"),
        summary);
  }

  private static float norm(float[] v) {
    float s = 0;
    for (float x : v) {
      s += x * x;
    }
    return s;
  }

  @Test
  void theInputFingerprintFollowsTheInputFilesBytesNotTheirFolder() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    TinyMovieLens.write(first);
    TinyMovieLens.write(second);
    String one = fingerprint(first);
    assertTrue(one.matches("[0-9a-f]{64}"), one);
    assertEquals(one, fingerprint(second), "the same files in another folder");
    Path ratings = second.resolve("movielens/ml-latest-small/ratings.csv");
    Files.writeString(ratings, Files.readString(ratings) + "1,1,3.0,2\n");
    assertNotEquals(one, fingerprint(second), "one more rating");
  }

  private String fingerprint(Path root) {
    return DomainPreparer.inputFingerprint(
        new DataPreparer(config(root, dir.resolve("cache")), 1, Map.of())
            .domainPreparer()
            .inputFiles());
  }
}
