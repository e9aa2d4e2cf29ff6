package dev.elmrlaif.domain.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schema of the configuration, read by reflection from the config records: which keys a section
 * has, their YAML names ({@code snake_case} of the component), deprecated aliases, types,
 * descriptions, ranges and defaults ({@link #defaults(Class)}); and "did you mean" suggestions for
 * misspelt keys. Every key is declared once, on its record component; nothing here names a key.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** One key of a config section. */
  public record Key(String name, RecordComponent component) {
    public Class<?> type() {
      return component.getType();
    }

    public Type genericType() {
      return component.getGenericType();
    }

    public String description() {
      Doc doc = component.getAnnotation(Doc.class);
      return doc == null ? "" : doc.value();
    }

    public Optional<Range> range() {
      return Optional.ofNullable(component.getAnnotation(Range.class));
    }

    /** The old name that still reads as this key ({@link DeprecatedAlias}), if any. */
    public Optional<String> deprecatedAlias() {
      return Optional.ofNullable(component.getAnnotation(DeprecatedAlias.class))
          .map(DeprecatedAlias::value);
    }

    public boolean isSection() {
      return type().isRecord();
    }

    /** A section that may be null: off unless the config gives it ({@link OptionalSection}). */
    public boolean isOptionalSection() {
      return isSection() && component.isAnnotationPresent(OptionalSection.class);
    }

    public boolean isMap() {
      return Map.class.isAssignableFrom(type());
    }

    /** The record type a list or map holds, when it holds records. */
    public Optional<Class<?>> elementRecordType() {
      if (genericType() instanceof ParameterizedType p) {
        Type[] args = p.getActualTypeArguments();
        Type last = args[args.length - 1];
        if (last instanceof Class<?> c && c.isRecord()) {
          return Optional.of(c);
        }
      }
      return Optional.empty();
    }

    public Object valueIn(Object section) {
      try {
        return component.getAccessor().invoke(section);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + name + " of " + section, e);
      }
    }
  }

  /** The keys of a config section, in declaration order. */
  public static List<Key> keysOf(Class<?> section) {
    if (!section.isRecord()) {
      throw new IllegalArgumentException(section + " is not a config record");
    }
    List<Key> keys = new ArrayList<>();
    for (RecordComponent c : section.getRecordComponents()) {
      keys.add(new Key(snakeCase(c.getName()), c));
    }
    return keys;
  }

  /**
   * The key with that YAML name, or that {@link DeprecatedAlias deprecated alias}, in a section.
   */
  public static Optional<Key> find(Class<?> section, String name) {
    return keysOf(section).stream()
        .filter(k -> k.name().equals(name) || k.deprecatedAlias().filter(name::equals).isPresent())
        .findFirst();
  }

  private static final Map<Class<?>, Object> DEFAULTS = new ConcurrentHashMap<>();
  private static final ObjectMapper YAML = new YAMLMapper();

  /**
   * The defaults of a config section, built from its components' declarations: each key's {@link
   * Default}, each section's own defaults, {@code null} for an {@link OptionalSection}. The records
   * are immutable, so one instance per type is kept.
   *
   * @throws IllegalStateException when a key of the section declares no default
   */
  public static <T extends Record> T defaults(Class<T> section) {
    Object known = DEFAULTS.get(section);
    if (known
        == null) { // not computeIfAbsent: binding one section's defaults may ask for another's
      known = bindDefaults(section);
      DEFAULTS.putIfAbsent(section, known);
    }
    return section.cast(known);
  }

  private static Object bindDefaults(Class<?> section) {
    ObjectMapper mapper = ConfigJson.newMapper();
    try {
      return mapper.treeToValue(defaultTree(section), section);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the defaults of " + section.getSimpleName() + " do not bind: " + e.getOriginalMessage(),
          e);
    }
  }

  /** The YAML tree of a section's defaults, as {@link #defaults(Class)} binds it. */
  static ObjectNode defaultTree(Class<?> section) {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    for (Key key : keysOf(section)) {
      Default declared = key.component.getAnnotation(Default.class);
      if (key.isSection()) {
        if (declared != null) {
          throw new IllegalStateException(
              section.getSimpleName()
                  + "."
                  + key.component.getName()
                  + " is a section: its default is its own type's, not a @Default");
        }
        tree.set(key.name(), key.isOptionalSection() ? tree.nullNode() : defaultTree(key.type()));
      } else if (declared == null) {
        throw new IllegalStateException(
            section.getSimpleName() + "." + key.component.getName() + " declares no @Default");
      } else if (key.type() == String.class) {
        tree.put(key.name(), declared.value());
      } else {
        tree.set(key.name(), parseYaml(declared.value(), section, key));
      }
    }
    return tree;
  }

  private static JsonNode parseYaml(String text, Class<?> section, Key key) {
    try {
      return YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          section.getSimpleName()
              + "."
              + key.component.getName()
              + ": @Default(\""
              + text
              + "\") is not YAML",
          e);
    }
  }

  /** {@code heldOutMovies} becomes {@code held_out_movies}. */
  public static String snakeCase(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char ch = camel.charAt(i);
      if (Character.isUpperCase(ch)) {
        if (i > 0) {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  /**
   * A sentence fragment suggesting the closest known key, e.g. {@code "; did you mean `trainer`?"},
   * or the list of known keys when none is close.
   */
  public static String suggestion(String unknown, List<String> known) {
    Optional<String> best =
        known.stream()
            .min(
                Comparator.comparingInt((String k) -> editDistance(unknown, k))
                    .thenComparing(k -> k));
    if (best.isPresent()
        && editDistance(unknown, best.get()) <= Math.max(2, best.get().length() / 3)) {
      return "; did you mean `" + best.get() + "`?";
    }
    return "; known keys: " + String.join(", ", known);
  }

  /** Damerau-free Levenshtein distance, case-insensitive. */
  public static int editDistance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT);
    b = b.toLowerCase(Locale.ROOT);
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
