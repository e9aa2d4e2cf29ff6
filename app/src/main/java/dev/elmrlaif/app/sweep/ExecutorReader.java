package dev.elmrlaif.app.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Range;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a sweep file's {@code executor:} mapping into {@link ExecutorSettings}: snake_case keys
 * named after the record's components, each defaulted by its {@link Default} and checked against
 * its {@link Range}, so the record is the one place a key is declared. Mistakes name the file and
 * the line.
 */
final class ExecutorReader {
  private ExecutorReader() {}

  /** The executor settings at the parser's current token (the mapping's start). */
  static ExecutorSettings read(JsonParser p, Path file) throws IOException {
    RecordComponent[] components = ExecutorSettings.class.getRecordComponents();
    Map<String, RecordComponent> byKey = new LinkedHashMap<>();
    for (RecordComponent c : components) {
      byKey.put(snake(c.getName()), c);
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new UserInputException(
          file
              + ", line "
              + SweepSpec.line(p)
              + ": executor: expected a mapping with the keys "
              + byKey.keySet());
    }
    Map<String, String> given = new LinkedHashMap<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int line = SweepSpec.line(p);
      if (!byKey.containsKey(key)) {
        throw new UserInputException(
            file
                + ", line "
                + line
                + ": executor: unknown key `"
                + key
                + "`; expected one of "
                + byKey.keySet());
      }
      p.nextToken();
      given.put(key, SweepSpec.scalar(p, file, "executor." + key));
      lines.put(key, line);
    }
    List<Object> values = new ArrayList<>();
    for (Map.Entry<String, RecordComponent> entry : byKey.entrySet()) {
      RecordComponent c = entry.getValue();
      String text = given.getOrDefault(entry.getKey(), c.getAnnotation(Default.class).value());
      String where = file + ", line " + lines.getOrDefault(entry.getKey(), 0);
      values.add(convert(c, text, where + ": executor." + entry.getKey()));
    }
    try {
      return (ExecutorSettings)
          ExecutorSettings.class
              .getDeclaredConstructor(
                  Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new))
              .newInstance(values.toArray());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build ExecutorSettings", e);
    }
  }

  private static Object convert(RecordComponent c, String text, String where) {
    Class<?> type = c.getType();
    if (type == String.class) {
      return text;
    }
    if (type == ExecutorSettings.Kind.class) {
      try {
        return ExecutorSettings.Kind.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserInputException(where + ": '" + text + "' is not local or slurm");
      }
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new UserInputException(where + ": '" + text + "' is not a number");
    }
    if (type == int.class && value != Math.rint(value)) {
      throw new UserInputException(where + ": '" + text + "' is not an integer");
    }
    Range range = c.getAnnotation(Range.class);
    if (range != null && (value < range.min() || value > range.max())) {
      throw new UserInputException(
          where
              + ": "
              + text
              + " is out of range; expected at least "
              + (type == int.class
                  ? String.valueOf((long) range.min())
                  : String.valueOf(range.min())));
    }
    return type == int.class ? (Object) (int) value : (Object) value;
  }

  /** {@code cpusPerTask} to {@code cpus_per_task}. */
  static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
  }
}
