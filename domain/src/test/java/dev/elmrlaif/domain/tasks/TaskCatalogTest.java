package dev.elmrlaif.domain.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.TasksConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCatalogTest {
  @TempDir Path dir;

  /** A teacher that writes down what it was asked, so the builder's choices are visible. */
  private static final Teacher ECHO =
      new Teacher() {
        @Override
        public String write(TeacherRequest r) {
          return r.task().name()
              + " "
              + r.entities()
              + " liked "
              + r.liked()
              + " disliked "
              + r.disliked();
        }

        @Override
        public String description() {
          return "echo";
        }
      };

  @Test
  void bundledCatalogHoldsThePapersTasksWithPlaceholdersAndNoTitles() {
    TaskCatalog catalog = TaskCatalog.movieLens();
    Set<String> names = catalog.all().stream().map(TaskSpec::name).collect(Collectors.toSet());
    for (String required :
        List.of(
            "summary",
            "long_description",
            "positive_review",
            "negative_review",
            "neutral_review",
            "five_positive_characteristics",
            "five_negative_characteristics",
            "movie_to_viewer",
            "pitch",
            "criticize",
            "funnier",
            "sadder",
            "scarier",
            "improve",
            "similarities",
            "interpolation",
            "common_with_nn",
            "diff_than_nn",
            "user_profile")) {
      assertTrue(names.contains(required), required);
    }
    assertEquals(25, catalog.all().size());
    for (TaskSpec task : catalog.all()) {
      assertTrue(task.prompt().contains(TaskSpec.placeholder(0)), task.name());
      assertFalse(
          task.prompt().contains("{title"),
          "the model's prompt never holds a title slot: " + task.name());
      assertTrue(
          task.teacherPrompt()
              .contains(task.pairing() == Pairing.USER ? "{liked_titles}" : "{title_0}"),
          task.name());
    }
    assertEquals(Pairing.NEAREST_NEIGHBOUR, catalog.get("common_with_nn").pairing());
    assertEquals(Pairing.RANDOM_PAIR, catalog.get("similarities").pairing());
    assertEquals("behavioral", catalog.get("user_profile").slots().get(0).space());
    assertEquals(
        List.of("summary", "pitch"),
        catalog.select(List.of("pitch", "summary")).stream().map(TaskSpec::name).toList(),
        "catalog order");
    UserInputException unknown =
        assertThrows(UserInputException.class, () -> catalog.select(List.of("sumary")));
    assertTrue(
        unknown
            .getMessage()
            .startsWith("data.tasks.enabled: unknown task 'sumary'; expected one of summary,"));
  }

  @Test
  void aTaskFileIsDataAndItsMistakesAreNamed() throws IOException {
    Path file = dir.resolve("tasks.yaml");
    Files.writeString(
        file,
        "- name: tagline\n  description: d\n  prompt: \"Tagline of <|entity_0|>.\"\n"
            + "  teacher_prompt: \"Tagline of {title_0}.\"\n  slots: [{kind: movie, space: semantic}]\n"
            + "  pairing: single\n  style: summary\n");
    assertEquals("tagline", TaskCatalog.fromFile(file).all().get(0).name());
    Files.writeString(file, "- name: broken\n  prompt: [not, a, string\n");
    UserInputException e = assertThrows(UserInputException.class, () -> TaskCatalog.fromFile(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("line"), e.getMessage());
  }

  @Test
  void pairsComeFromTheRightPoolAndNearestNeighboursAreNearest() {
    // movies on a circle: movie i at angle i·(2π/12); the nearest neighbour of i is i±1
    int n = 12;
    float[] data = new float[n * 2];
    for (int i = 0; i < n; i++) {
      data[2 * i] = (float) Math.cos(2 * Math.PI * i / n + (i == 5 ? 0.2 : 0));
      data[2 * i + 1] = (float) Math.sin(2 * Math.PI * i / n + (i == 5 ? 0.2 : 0));
    }
    EmbeddingSpace space = new EmbeddingSpace("semantic", "movie", 2, data);
    boolean[] held = new boolean[n];
    held[3] = true;
    held[9] = true;
    Split movies = new Split("movie", held);
    Split users = new Split("user", new boolean[2]);
    Interactions ratings =
        Interactions.fromTriples("user", "movie", 2, n, new int[0], new int[0], new float[0]);
    TaskExampleBuilder builder =
        new TaskExampleBuilder(
            TasksConfig.defaults()
                .with(b -> b.enabled(List.of("all")).moviesPerTask(0).pairsPerTask(0)),
            ECHO,
            movies,
            users,
            space,
            ratings,
            1);
    TaskSpec nn = TaskCatalog.movieLens().get("common_with_nn");
    for (TaskExample e : builder.build(nn, false, false)) {
      int first = e.entities().get(0);
      int second = e.entities().get(1);
      assertFalse(movies.isHeldOut(first) || movies.isHeldOut(second), e.toString());
      int expected = first == 4 ? 5 : first == 2 ? 1 : first == 10 ? 11 : first == 8 ? 7 : -1;
      if (expected >= 0) {
        assertEquals(expected, second, "nearest training neighbour of " + first);
      }
    }
    List<TaskExample> heldOut = builder.build(nn, true, false);
    assertEquals(2, heldOut.size());
    for (TaskExample e : heldOut) {
      assertTrue(movies.isHeldOut(e.entities().get(0)));
    }
    TaskSpec random = TaskCatalog.movieLens().get("similarities");
    List<TaskExample> pairs = builder.build(random, false, false);
    assertEquals(10, pairs.size());
    for (TaskExample e : pairs) {
      assertFalse(e.entities().get(0).equals(e.entities().get(1)));
    }
    assertEquals(pairs, builder.build(random, false, true), "seeded: the same pairs in parallel");
  }

  @Test
  void userProfilesTakeTheHighestAndLowestRatedTrainingMovies() {
    int n = 14;
    // user 0 rates movies 0..13 with stars 0.5 + m/3 (ascending); movie 13 (the best) is held out
    int[] rows = new int[n];
    int[] cols = new int[n];
    float[] stars = new float[n];
    for (int m = 0; m < n; m++) {
      cols[m] = m;
      stars[m] = 0.5f + m / 3f;
    }
    boolean[] held = new boolean[n];
    held[13] = true;
    Interactions ratings = Interactions.fromTriples("user", "movie", 2, n, rows, cols, stars);
    EmbeddingSpace space = new EmbeddingSpace("semantic", "movie", 1, new float[n]);
    TaskExampleBuilder builder =
        new TaskExampleBuilder(
            TasksConfig.defaults()
                .with(
                    b ->
                        b.enabled(List.of("all"))
                            .moviesPerTask(0)
                            .pairsPerTask(0)
                            .profileMovies(3)),
            ECHO,
            new Split("movie", held),
            new Split("user", new boolean[2]),
            space,
            ratings,
            2);
    List<TaskExample> profiles =
        builder.build(TaskCatalog.movieLens().get("user_profile"), false, false);
    assertEquals(1, profiles.size(), "user 1 rated nothing and is skipped");
    assertEquals(
        "user_profile [0] liked [12, 11, 10] disliked [2, 1, 0]", profiles.get(0).target());
  }
}
