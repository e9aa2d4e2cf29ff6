package dev.elmrlaif.domain.tasks;

/**
 * Which composition the offline teacher (or, for {@link #TEMPLATE}, the template teacher) uses for
 * a task's target.
 */
public enum TargetStyle {
  SUMMARY,
  LONG_DESCRIPTION,
  POSITIVE_REVIEW,
  NEGATIVE_REVIEW,
  NEUTRAL_REVIEW,
  FIVE_POSITIVE,
  FIVE_NEGATIVE,
  IMPROVE,
  CRITICIZE,
  PITCH,
  CONVINCE,
  CONVINCE_DETAILED,
  CONVINCE_BRIEF,
  DISSUADE,
  DISSUADE_DETAILED,
  FUNNIER,
  SADDER,
  SCARIER,
  MOVIE_TO_VIEWER,
  INTERPOLATION,
  SIMILARITIES,
  WHY_LIKE_NEIGHBOUR,
  DIFFERENCES,
  COMMON,
  USER_PROFILE,
  /** A file domain's task: the target is its template filled from the entities' text fields. */
  TEMPLATE
}
