package dev.elmrlaif.domain.tasks;

import java.util.List;

/**
 * One training or evaluation example: the task, the entity index filling each slot (the slot's kind
 * and space are in the task's {@link TaskSpec}), the model-facing prompt with placeholder tokens,
 * and the teacher's target text.
 */
public record TaskExample(String task, List<Integer> entities, String prompt, String target) {
  public TaskExample {
    entities = List.copyOf(entities);
  }
}
