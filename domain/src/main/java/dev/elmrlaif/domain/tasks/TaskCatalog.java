package dev.elmrlaif.domain.tasks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of tasks, read from YAML (a list of {@link TaskSpec}s with snake_case keys). The bundled
 * {@code movielens-tasks.yaml} holds the paper's 24 movie tasks and the user-profile task; a config
 * selects among them by name.
 */
public final class TaskCatalog {
  /** The bundled MovieLens tasks (paper App. E). */
  public static final String MOVIELENS_RESOURCE = "/dev/elmrlaif/domain/tasks/movielens-tasks.yaml";

  private final Map<String, TaskSpec> tasks;

  private TaskCatalog(List<TaskSpec> specs, String source) {
    Map<String, TaskSpec> byName = new LinkedHashMap<>();
    for (TaskSpec spec : specs) {
      if (byName.put(spec.name(), spec) != null) {
        throw new UserInputException(
            source + ": task '" + spec.name() + "' is defined twice; expected unique names");
      }
    }
    this.tasks = byName;
  }

  /** The bundled MovieLens catalog. */
  public static TaskCatalog movieLens() {
    try (InputStream in = TaskCatalog.class.getResourceAsStream(MOVIELENS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + MOVIELENS_RESOURCE);
      }
      return new TaskCatalog(
          mapper().readValue(in, new TypeReference<List<TaskSpec>>() {}), MOVIELENS_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MOVIELENS_RESOURCE, e);
    }
  }

  /** A catalog from a YAML file; malformed content is a user error naming the file and location. */
  public static TaskCatalog fromFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new TaskCatalog(
          mapper().readValue(in, new TypeReference<List<TaskSpec>>() {}), file.toString());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserInputException(
          file
              + ": "
              + e.getOriginalMessage()
              + " at line "
              + (e.getLocation() == null
                  ? "?"
                  : e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())
              + "; expected a list of tasks (name, description, prompt, teacher_prompt, slots, pairing, style)",
          e);
    } catch (IOException e) {
      throw new UserInputException(
          file + ": cannot read the task file (" + e.getMessage() + ")", e);
    }
  }

  /** Every task, in file order. */
  public List<TaskSpec> all() {
    return List.copyOf(tasks.values());
  }

  /** The task named {@code name}; an unknown name is a user error listing the known ones. */
  public TaskSpec get(String name) {
    TaskSpec spec = tasks.get(name);
    if (spec == null) {
      throw new UserInputException(
          "data.tasks.enabled: unknown task '"
              + name
              + "'; expected one of "
              + String.join(", ", tasks.keySet())
              + " or all");
    }
    return spec;
  }

  /** The tasks named in {@code enabled}, in catalog order; "all" selects every task. */
  public List<TaskSpec> select(List<String> enabled) {
    if (enabled.contains("all")) {
      return all();
    }
    List<TaskSpec> chosen = new ArrayList<>();
    for (String name : enabled) {
      get(name);
    }
    for (TaskSpec spec : tasks.values()) {
      if (enabled.contains(spec.name())) {
        chosen.add(spec);
      }
    }
    return chosen;
  }

  private static ObjectMapper mapper() {
    return JsonMapper.builder(new YAMLFactory())
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .build();
  }
}
