package dev.elmrlaif.domain.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.movielens.MovieFactsTable;
import dev.elmrlaif.domain.movielens.MovieLensData;
import dev.elmrlaif.domain.movielens.MovieLensLoader;
import dev.elmrlaif.domain.movielens.RealData;
import dev.elmrlaif.domain.movielens.TinyMovieLens;
import dev.elmrlaif.domain.tasks.Pairing;
import dev.elmrlaif.domain.tasks.TaskCatalog;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.domain.tasks.TeacherRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineTeacherTest {
  @TempDir Path dir;

  private static List<Integer> entitiesFor(TaskSpec task, int m, int movies) {
    return task.pairing() == Pairing.SINGLE ? List.of(m) : List.of(m, (m + 1) % movies);
  }

  private static TeacherRequest request(TaskSpec task, int m, int movies) {
    if (task.pairing() == Pairing.USER) {
      return new TeacherRequest(
          task,
          List.of(0),
          List.of(m, (m + 2) % movies, (m + 4) % movies),
          List.of((m + 1) % movies, (m + 3) % movies, (m + 5) % movies));
    }
    return TeacherRequest.movies(task, entitiesFor(task, m, movies));
  }

  private static List<String> titlesOf(TeacherRequest r, List<MovieFacts> facts) {
    List<Integer> movies =
        r.task().pairing() == Pairing.USER
            ? java.util.stream.Stream.concat(r.liked().stream(), r.disliked().stream()).toList()
            : r.entities();
    return movies.stream().map(m -> facts.get(m).title()).toList();
  }

  @Test
  void deterministicForASeedVariedAcrossSeedsAndNeverNamesTheTitle() throws IOException {
    Path folder = TinyMovieLens.write(dir);
    MovieLensData data =
        MovieLensLoader.load(folder, dir.resolve("derived/ml-latest-small_overviews.csv"));
    List<MovieFacts> facts =
        MovieFactsTable.build(data, Split.random("user", data.userIds().length, 0.1, 1));
    OfflineTeacher teacher = new OfflineTeacher(facts, 5);
    OfflineTeacher sameSeed = new OfflineTeacher(facts, 5);
    OfflineTeacher otherSeed = new OfflineTeacher(facts, 6);
    int differing = 0;
    for (TaskSpec task : TaskCatalog.movieLens().all()) {
      for (int m = 0; m < data.movies().size(); m++) {
        TeacherRequest request = request(task, m, data.movies().size());
        String text = teacher.write(request);
        assertEquals(text, sameSeed.write(request), "same seed, same text");
        differing += text.equals(otherSeed.write(request)) ? 0 : 1;
        assertFalse(text.isBlank());
        for (String title : titlesOf(request, facts)) {
          assertFalse(
              new TitleScrubber(List.of(title)).mentionsTitle(text),
              task.name() + " names " + title + ": " + text);
          String base = title.replaceAll(" \\(\\d{4}\\)$", "");
          assertFalse(text.contains(base), task.name() + " contains '" + base + "': " + text);
        }
      }
    }
    assertTrue(
        differing > 100, "another seed changes the phrasing of many targets, changed " + differing);
  }

  @Test
  void targetsUseTheMetadata() throws IOException {
    Path folder = TinyMovieLens.write(dir);
    MovieLensData data =
        MovieLensLoader.load(folder, dir.resolve("derived/ml-latest-small_overviews.csv"));
    List<MovieFacts> facts =
        MovieFactsTable.build(data, Split.random("user", data.userIds().length, 0.0, 1));
    OfflineTeacher teacher = new OfflineTeacher(facts, 5);
    TaskSpec summary = TaskCatalog.movieLens().get("summary");
    String text = teacher.write(TeacherRequest.movies(summary, List.of(0)));
    assertTrue(text.contains("drama and romance film"), text);
    assertTrue(text.contains("1995"), text);
    assertTrue(text.contains("a heist, a chase and a betrayal"), "the overview is used: " + text);
    assertTrue(text.contains("Café Zürich"), text);
    assertTrue(
        text.startsWith("The film is")
            || text.startsWith("This movie is")
            || text.startsWith("It is"),
        text);
    String profile =
        teacher.write(
            new TeacherRequest(
                TaskCatalog.movieLens().get("user_profile"),
                List.of(3),
                List.of(1, 3, 5, 7, 9),
                List.of(0, 2, 4, 6, 8)));
    assertEquals(10, profile.split("\\* ").length - 1, "ten bullet points: " + profile);
    assertNotEquals(-1, profile.toLowerCase(Locale.ROOT).indexOf("movies"));
  }

  @Test
  void realTitlesNeverLeakIntoTargets() {
    Path root = RealData.requireRoot();
    MovieLensData data =
        MovieLensLoader.load(
            root.resolve("movielens/ml-latest-small"),
            root.resolve("derived/ml-latest-small_overviews.csv"));
    List<MovieFacts> facts =
        MovieFactsTable.build(data, Split.random("user", data.userIds().length, 0.1, 1));
    OfflineTeacher teacher = new OfflineTeacher(facts, 3);
    List<TaskSpec> tasks = TaskCatalog.movieLens().all();
    int checked = 0;
    for (int m = 0; m < data.movies().size(); m += 7) {
      TaskSpec task = tasks.get(m % tasks.size());
      TeacherRequest request = request(task, m, data.movies().size());
      String text = teacher.write(request);
      for (String title : titlesOf(request, facts)) {
        assertFalse(
            new TitleScrubber(List.of(title)).mentionsTitle(text),
            title + " in " + task.name() + ": " + text);
      }
      checked++;
    }
    assertTrue(checked > 1000);
  }
}
