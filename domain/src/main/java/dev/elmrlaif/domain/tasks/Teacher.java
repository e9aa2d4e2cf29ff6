package dev.elmrlaif.domain.tasks;

/**
 * Writes the target text of a task instance (DESIGN.md §1). Implementations never name a movie's
 * title in what they return: the model must learn everything from the embedding.
 */
public interface Teacher {
  /** The target text for {@code request}. */
  String write(TeacherRequest request);

  /** A one-line description for summaries and provenance. */
  String description();
}
