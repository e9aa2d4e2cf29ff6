package dev.elmrlaif.domain.files;

import dev.elmrlaif.domain.tasks.Teacher;
import dev.elmrlaif.domain.tasks.TeacherRequest;
import java.util.Map;

/**
 * The offline teacher of a file domain: a task's target is its template (see {@link FileTasks})
 * with each {@code {k.field}} replaced by the text field of the entity in slot {@code k}. It is
 * deterministic, so the same files always give the same examples; it never adds an entity's name,
 * only the texts the user supplied.
 */
public final class TemplateTeacher implements Teacher {
  private final Map<String, EntityRecords> entitiesByKind;

  /**
   * @param entitiesByKind the entities of each kind, with their texts
   */
  public TemplateTeacher(Map<String, EntityRecords> entitiesByKind) {
    this.entitiesByKind = Map.copyOf(entitiesByKind);
  }

  @Override
  public String write(TeacherRequest request) {
    return FileTasks.render(
        request.task().teacherPrompt(),
        (slot, field) -> {
          String kind = request.task().slots().get(slot).kind();
          String text =
              entitiesByKind.get(kind).texts().get(field).get(request.entities().get(slot));
          return text.strip();
        });
  }

  @Override
  public String description() {
    return "template teacher (targets are the tasks' templates filled from the entities' text fields)";
  }
}
