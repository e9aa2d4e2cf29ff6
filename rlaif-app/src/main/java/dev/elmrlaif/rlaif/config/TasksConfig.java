package dev.elmrlaif.rlaif.config;

import dev.elmrlaif.rlaif.UserInputException;
import java.util.List;

/**
 * Which tasks (paper App. E) become training and evaluation examples, and how many. A limit of 0
 * means no limit.
 */
public record TasksConfig(
    @Doc("Task names to build; 'all' selects every task (see ./rlaif data prepare output)") List<String> enabled,
    @Doc("Most movies per single-movie task and split, drawn by seed; 0 means every movie")
        @Range(min = 0) int moviesPerTask,
    @Doc("Most pairs per two-movie task and split, drawn by seed; 0 means one per movie") @Range(min = 0)
        int pairsPerTask,
    @Doc("Most users for the user-profile task per split; 0 means every eligible user") @Range(min = 0)
        int usersPerTask,
    @Doc("Liked and disliked movies per user in the user-profile task") @Range(min = 1, max = 50)
        int profileMovies) {

  public TasksConfig {
    if (enabled == null || enabled.isEmpty()) {
      throw new UserInputException("data.tasks.enabled: empty; expected task names or [all]");
    }
    enabled = List.copyOf(enabled);
    if (moviesPerTask < 0 || pairsPerTask < 0 || usersPerTask < 0) {
      throw new UserInputException("data.tasks: limits must be >= 0 (0 means no limit); found movies_per_task "
          + moviesPerTask + ", pairs_per_task " + pairsPerTask + ", users_per_task " + usersPerTask);
    }
    if (profileMovies < 1) {
      throw new UserInputException("data.tasks.profile_movies: found " + profileMovies + ", expected at least 1");
    }
  }

  /** The defaults every config starts from. */
  public static TasksConfig defaults() {
    return new TasksConfig(List.of("all"), 1000, 1000, 0, 5);
  }
}
