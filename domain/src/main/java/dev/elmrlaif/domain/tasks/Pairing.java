package dev.elmrlaif.domain.tasks;

/** How a task's entity slots are filled (paper App. E). */
public enum Pairing {
  /** One movie. */
  SINGLE,
  /** Two movies, the second drawn at random (tasks 20-21 of App. E). */
  RANDOM_PAIR,
  /**
   * Two movies, the second the first's nearest neighbour in the first slot's space (tasks 22-24).
   */
  NEAREST_NEIGHBOUR,
  /** One user; the teacher also gets liked and disliked movies of that user (task 25). */
  USER
}
