package dev.elmrlaif.domain.files;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.tasks.Pairing;
import dev.elmrlaif.domain.tasks.TaskSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tasks of a file domain, read from {@code tasks.yaml}: a list of
 *
 * <pre>
 * - name: describe                      # unique
 *   description: What the recipe is.    # optional
 *   prompt: "Describe the recipe &lt;|entity_0|&gt;."
 *   slots: [{kind: recipe, space: flavour}]
 *   pairing: single                     # single, random_pair or nearest_neighbour (in slot 0's space)
 *   target: description                 # the target is this text field of slot 0's entity, or
 *   template: "{0.title}: {0.description} Unlike {1.title}..."   # the offline template teacher
 * </pre>
 *
 * A template fills {@code {field}} (slot 0) and {@code {k.field}} (slot k) from the entities'
 * texts; {@code target: f} is the template {@code {0.f}}. Each task remembers the line it starts
 * on, so a later check (an unknown space, a missing text field) can name it.
 */
public final class FileTasks {
  /** A {@code {field}} or {@code {k.field}} reference in a template. */
  static final Pattern FIELD = Pattern.compile("\\{(?:(\\d+)\\.)?([A-Za-z_][A-Za-z0-9_\\-]*)}");

  private FileTasks() {}

  /** One task as written in the file. */
  record RawTask(
      String name,
      String description,
      String prompt,
      List<TaskSpec.Slot> slots,
      Pairing pairing,
      String target,
      String template) {}

  /** One task with the line it starts on and its template. */
  public record FileTask(int line, TaskSpec spec, String template) {
    /** The text fields the template reads, by slot. */
    public Map<Integer, Set<String>> fieldsBySlot() {
      Map<Integer, Set<String>> fields = new HashMap<>();
      Matcher m = FIELD.matcher(template);
      while (m.find()) {
        int slot = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        fields.computeIfAbsent(slot, s -> new LinkedHashSet<>()).add(m.group(2));
      }
      return fields;
    }
  }

  /**
   * Reads and checks the structure of {@code file}'s tasks (names, prompts, slots, pairing,
   * target).
   */
  public static List<FileTask> read(Path file) {
    ObjectMapper mapper =
        JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();
    List<FileTask> tasks = new ArrayList<>();
    Map<String, Integer> lineByName = new HashMap<>();
    try (JsonParser parser = mapper.getFactory().createParser(file.toFile())) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new UserInputException(
            file
                + ":"
                + parser.currentTokenLocation().getLineNr()
                + ": expected a YAML list of tasks (- name: ..., prompt: ..., slots: ..., target: ...)");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        int line = parser.currentTokenLocation().getLineNr();
        RawTask raw = mapper.readValue(parser, RawTask.class);
        FileTask task = check(raw, file + ":" + line, line);
        Integer first = lineByName.put(task.spec().name(), line);
        if (first != null) {
          throw new UserInputException(
              file
                  + ":"
                  + line
                  + ": task '"
                  + task.spec().name()
                  + "' is defined twice (first on line "
                  + first
                  + "); expected unique names");
        }
        tasks.add(task);
      }
      if (parser.currentToken() != JsonToken.END_ARRAY) {
        throw new UserInputException(
            file
                + ":"
                + parser.currentTokenLocation().getLineNr()
                + ": expected each list entry to be a task mapping");
      }
    } catch (JsonProcessingException e) {
      throw new UserInputException(
          file
              + ":"
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + ": "
              + e.getOriginalMessage()
              + "; expected tasks with name, description, prompt, slots, pairing and "
              + "target or template",
          e);
    } catch (IOException e) {
      throw new UserInputException(
          file + ": cannot read the task file (" + e.getMessage() + ")", e);
    }
    if (tasks.isEmpty()) {
      throw new UserInputException(file + ": holds no tasks; expected a YAML list of tasks");
    }
    return tasks;
  }

  private static FileTask check(RawTask raw, String where, int line) {
    if (raw.name() == null || raw.name().isBlank()) {
      throw new UserInputException(where + ": task has no name; expected name: <unique name>");
    }
    String task = where + ": task '" + raw.name() + "'";
    if (raw.prompt() == null || raw.prompt().isBlank()) {
      throw new UserInputException(
          task + " has no prompt; expected a prompt with " + TaskSpec.placeholder(0));
    }
    if (raw.slots() == null || raw.slots().isEmpty()) {
      throw new UserInputException(
          task + " has no slots; expected slots: [{kind: ..., space: ...}]");
    }
    for (TaskSpec.Slot slot : raw.slots()) {
      if (slot.kind() == null || slot.space() == null) {
        throw new UserInputException(
            task + ": a slot lacks kind or space; expected {kind: ..., space: ...}");
      }
    }
    Pairing pairing =
        raw.pairing() == null
            ? (raw.slots().size() == 1 ? Pairing.SINGLE : Pairing.RANDOM_PAIR)
            : raw.pairing();
    if (pairing == Pairing.USER) {
      throw new UserInputException(
          task
              + ": pairing user is MovieLens's; expected single, random_pair or "
              + "nearest_neighbour (a user task is a single task whose slot kind is your user kind)");
    }
    boolean hasTarget = raw.target() != null && !raw.target().isBlank();
    boolean hasTemplate = raw.template() != null && !raw.template().isBlank();
    if (hasTarget == hasTemplate) {
      throw new UserInputException(
          task
              + ": "
              + (hasTarget
                  ? "has both target and template"
                  : "has neither target " + "nor template")
              + "; expected exactly one (target: <text field> or template: \"... {field} ...\")");
    }
    String template = hasTarget ? "{0." + raw.target().strip() + "}" : raw.template();
    if (!FIELD.matcher(template).find()) {
      throw new UserInputException(
          task
              + ": template \""
              + template
              + "\" reads no text field; expected {field} "
              + "or {k.field} references");
    }
    Matcher m = FIELD.matcher(template);
    while (m.find()) {
      if (m.group(1) != null && Integer.parseInt(m.group(1)) >= raw.slots().size()) {
        throw new UserInputException(
            task
                + ": template reads "
                + m.group()
                + " but the task has "
                + raw.slots().size()
                + " slot(s)");
      }
    }
    TaskSpec spec;
    try {
      spec =
          new TaskSpec(
              raw.name(),
              raw.description() == null ? "" : raw.description(),
              raw.prompt(),
              template,
              raw.slots(),
              pairing,
              dev.elmrlaif.domain.tasks.TargetStyle.TEMPLATE);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(where + ": " + e.getMessage(), e);
    }
    return new FileTask(line, spec, template);
  }

  /** The template with every {@code {k.field}} replaced by {@code texts(slot, field)}. */
  public static String render(String template, TextLookup texts) {
    Matcher m = FIELD.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int slot = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(texts.text(slot, m.group(2))));
    }
    m.appendTail(out);
    return out.toString().strip();
  }

  /** The text field {@code field} of the entity in slot {@code slot}. */
  @FunctionalInterface
  public interface TextLookup {
    String text(int slot, String field);
  }
}
