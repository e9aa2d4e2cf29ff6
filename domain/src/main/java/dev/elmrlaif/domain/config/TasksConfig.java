package dev.elmrlaif.domain.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * Which tasks (paper App. E) become training and evaluation examples, and how many. A limit of 0
 * means no limit.
 */
@RecordBuilder
public record TasksConfig(
    @Doc("Task names to build; 'all' selects every task (see ./rlaif data prepare output)")
        @Default("[all]")
        List<String> enabled,
    @Doc("Most movies per single-movie task and split, drawn by seed; 0 means every movie")
        @Range(min = 0)
        @Default("1000")
        int moviesPerTask,
    @Doc("Most pairs per two-movie task and split, drawn by seed; 0 means one per movie")
        @Range(min = 0)
        @Default("1000")
        int pairsPerTask,
    @Doc("Most users for the user-profile task per split; 0 means every eligible user")
        @Range(min = 0)
        @Default("0")
        int usersPerTask,
    @Doc("Liked and disliked movies per user in the user-profile task")
        @Range(min = 1, max = 50)
        @Default("5")
        int profileMovies)
    implements TasksConfigBuilder.With {

  public TasksConfig {
    if (enabled == null || enabled.isEmpty()) {
      throw new ConfigException("enabled", "empty; expected task names or [all]");
    }
    enabled = List.copyOf(enabled);
  }

  /** The defaults every config starts from. */
  public static TasksConfig defaults() {
    return ConfigKeys.defaults(TasksConfig.class);
  }
}
