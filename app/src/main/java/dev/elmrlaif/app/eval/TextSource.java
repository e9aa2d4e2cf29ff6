package dev.elmrlaif.app.eval;

import dev.elmrlaif.domain.tasks.TaskExample;
import java.util.List;

/**
 * What writes a text for a task prompt whose slots hold given vectors, real or hypothetical: a
 * trained ELM ({@link ElmTextSource}) in the experiments, a deterministic stand-in in their tests.
 * It exists so that the experiments ({@link InterpolationExperiment}, {@link ConceptExperiment})
 * score texts without knowing where they come from.
 */
@FunctionalInterface
public interface TextSource {
  /**
   * One text per item, in order.
   *
   * @param examples the prompt template of each item (its task's prompt; its own entities are not
   *     read)
   * @param slots the vector of each slot of each item, as the model sees them
   */
  List<String> texts(List<TaskExample> examples, List<float[][]> slots);
}
