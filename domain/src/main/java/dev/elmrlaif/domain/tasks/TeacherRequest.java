package dev.elmrlaif.domain.tasks;

import java.util.List;

/**
 * What a teacher is asked to write: a task and the entities filling its slots (movie indices, or a
 * user index for the user-profile task, whose liked and disliked movies are given as movie
 * indices).
 */
public record TeacherRequest(
    TaskSpec task, List<Integer> entities, List<Integer> liked, List<Integer> disliked) {
  public TeacherRequest {
    entities = List.copyOf(entities);
    liked = List.copyOf(liked);
    disliked = List.copyOf(disliked);
  }

  /** A request for a movie task. */
  public static TeacherRequest movies(TaskSpec task, List<Integer> movies) {
    return new TeacherRequest(task, movies, List.of(), List.of());
  }
}
