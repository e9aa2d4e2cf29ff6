package dev.elmrlaif.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.common.hash.Hashing;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.base.Utf8Text;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigJson;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Range;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads a run configuration: a YAML file (optionally {@code extends: base.yaml}, recursively) laid
 * over {@link RlaifConfig#defaults()}, then {@code --set a.b.c=value} overrides, then bound onto
 * the immutable config records. One validation path: every key's {@link Range} (and that a number
 * is finite) is checked on the merged tree before binding, the records' constructors check only
 * what relates several keys and throw a {@link ConfigException} naming the key relative to the
 * record, and this loader turns both into one message with the full key path and the line of that
 * key. A {@link DeprecatedAlias} is read as its key, with one warning.
 *
 * <p>Every error is a {@link UserInputException} whose message names where the offending value came
 * from ({@code file, line N} or the {@code --set} argument), the key's full path, what was found
 * and what was expected: unknown keys (with a "did you mean" suggestion), YAML syntax errors, wrong
 * types, values out of their {@link Range}, a missing or circular {@code extends}.
 */
public final class ConfigLoader {
  /** The top-level key naming a base config whose values this file overrides. */
  public static final String EXTENDS_KEY = "extends";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Logger LOG = LogManager.getLogger(ConfigLoader.class);

  private final YAMLFactory yamlFactory = new YAMLFactory();
  private final ObjectMapper mapper = ConfigJson.newMapper();

  /**
   * Loads a config file with overrides.
   *
   * @param file the YAML file
   * @param overrides {@code key.path=value} strings, applied in order after the file
   */
  public LoadedConfig load(Path file, List<String> overrides) {
    Origins origins = new Origins();
    ObjectNode user = readWithBases(file, new ArrayDeque<>(), origins);

    ObjectNode tree = mapper.valueToTree(RlaifConfig.defaults());
    applyOnto(RlaifConfig.class, tree, user, "", origins);
    for (String override : overrides) {
      applyOverride(tree, override, origins);
    }

    checkRanges(RlaifConfig.class, tree, "", origins);
    RlaifConfig config = bind(tree, origins, file);
    checkPresent(config, "", origins);
    if (config.name().isBlank()) {
      config = config.withName(stem(file));
    }
    return new LoadedConfig(config, file, hash(config), origins.asMap());
  }

  /** Loads only the defaults (no file), as {@code --print-config} without a file shows them. */
  public LoadedConfig defaults() {
    RlaifConfig config = RlaifConfig.defaults().withName("default");
    return new LoadedConfig(config, null, hash(config), Map.of());
  }

  /** A stable SHA-256 of the resolved configuration (its canonical JSON). */
  public String hash(RlaifConfig config) {
    try {
      byte[] json = mapper.writeValueAsBytes(mapper.valueToTree(config));
      return Hashing.sha256().hashBytes(json).toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise config", e);
    }
  }

  // ---------------------------------------------------------------- reading YAML with line numbers

  private ObjectNode readWithBases(Path file, Deque<Path> chain, Origins origins) {
    Path normalized = file.toAbsolutePath().normalize();
    if (chain.contains(normalized)) {
      throw new UserInputException(
          file
              + ": `extends` forms a cycle: "
              + reversed(chain).stream().map(Path::toString).collect(Collectors.joining(" -> "))
              + " -> "
              + normalized);
    }
    chain.push(normalized);
    ObjectNode own = readYaml(file, origins);
    JsonNode ext = own.remove(EXTENDS_KEY);
    ObjectNode merged = NODES.objectNode();
    if (ext != null) {
      List<String> bases = new ArrayList<>();
      if (ext.isTextual()) {
        bases.add(ext.asText());
      } else if (ext.isArray() && allTextual(ext)) {
        ext.forEach(n -> bases.add(n.asText()));
      } else {
        throw new UserInputException(
            origins.of(EXTENDS_KEY)
                + ": `extends` must name a YAML file (or a list of them), found "
                + describe(ext));
      }
      for (String base : bases) {
        Path basePath = resolveSibling(file, base);
        if (!Files.isRegularFile(basePath)) {
          throw new UserInputException(
              origins.of(EXTENDS_KEY)
                  + ": `extends` names "
                  + basePath
                  + ", which does not exist; expected a path relative to "
                  + file);
        }
        Origins baseOrigins = new Origins();
        ObjectNode baseTree = readWithBases(basePath, chain, baseOrigins);
        deepMerge(merged, baseTree);
        origins.addUnder(baseOrigins);
      }
    }
    deepMerge(merged, own);
    chain.pop();
    return merged;
  }

  /**
   * The files of an {@code extends} chain from the first read (a deque used as a stack holds them
   * newest first).
   */
  private static List<Path> reversed(Deque<Path> chain) {
    List<Path> order = new ArrayList<>();
    chain.descendingIterator().forEachRemaining(order::add);
    return order;
  }

  private ObjectNode readYaml(Path file, Origins origins) {
    String text;
    try {
      text = Utf8Text.read(file, "a YAML config");
    } catch (NoSuchFileException e) {
      throw new UserInputException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new UserInputException(
          "cannot read config file " + file + ": " + dev.elmrlaif.domain.base.IoFailures.reason(e),
          e);
    }
    try (Reader reader = new StringReader(text);
        JsonParser p = yamlFactory.createParser(reader)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return NODES.objectNode(); // an empty file is an empty mapping
      }
      if (first != JsonToken.START_OBJECT) {
        throw new UserInputException(
            file
                + ", line "
                + p.currentTokenLocation().getLineNr()
                + ": expected a mapping of config keys at the top level, found "
                + first.asString());
      }
      return (ObjectNode) readValue(p, file, "", origins);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      String why = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
      throw new UserInputException(
          file + (line > 0 ? ", line " + line : "") + ": invalid YAML: " + why, e);
    } catch (IOException e) {
      throw new UserInputException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private JsonNode readValue(JsonParser p, Path file, String path, Origins origins)
      throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          ObjectNode obj = NODES.objectNode();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int line = p.currentTokenLocation().getLineNr();
            String childPath = join(path, name);
            if (obj.has(name)) {
              throw new UserInputException(
                  file + ", line " + line + ": key `" + childPath + "` appears twice");
            }
            origins.put(childPath, file + ", line " + line);
            p.nextToken();
            obj.set(name, readValue(p, file, childPath, origins));
          }
          return obj;
        }
      case START_ARRAY:
        {
          ArrayNode arr = NODES.arrayNode();
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            String childPath = path + "[" + i++ + "]";
            origins.put(childPath, file + ", line " + p.currentTokenLocation().getLineNr());
            arr.add(readValue(p, file, childPath, origins));
          }
          return arr;
        }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return NODES.numberNode(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new UserInputException(
            file
                + ", line "
                + p.currentTokenLocation().getLineNr()
                + ": unexpected YAML token "
                + t.asString());
    }
  }

  // ---------------------------------------------------------------- laying values over defaults

  /** Lays {@code user} over {@code target}, rejecting keys the section does not have. */
  private void applyOnto(
      Class<?> section, ObjectNode target, ObjectNode user, String prefix, Origins origins) {
    Iterator<Map.Entry<String, JsonNode>> fields = user.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String written = field.getKey();
      String writtenPath = join(prefix, written);
      ConfigKeys.Key key =
          ConfigKeys.find(section, written)
              .orElseThrow(
                  () ->
                      new UserInputException(
                          origins.of(writtenPath)
                              + ": unknown key `"
                              + origins.written(writtenPath)
                              + "`"
                              + ConfigKeys.suggestion(
                                  written, knownKeys(section, prefix.isEmpty()))));
      JsonNode value = field.getValue();
      String name = key.name();
      String path = join(prefix, name);
      if (!name.equals(written)) {
        readAsKey(writtenPath, path, user.has(name), origins);
      } else {
        origins.writtenAsItself(path);
      }
      if (key.isOptionalSection() && value.isNull()) {
        target.set(name, value); // switched off
      } else if (key.isSection()) {
        if (key.isOptionalSection() && !(target.get(name) instanceof ObjectNode)) {
          target.set(
              name,
              mapper.valueToTree(ConfigKeys.defaults(key.type().asSubclass(Record.class)))); // on
        }
        if (!value.isObject()) {
          throw new UserInputException(
              origins.of(path)
                  + ": `"
                  + origins.written(path)
                  + "` is a section; expected a mapping of its keys ("
                  + String.join(", ", knownKeys(key.type(), false))
                  + "), found "
                  + describe(value));
        }
        applyOnto(key.type(), (ObjectNode) target.get(name), (ObjectNode) value, path, origins);
      } else {
        target.set(name, value);
      }
    }
  }

  /**
   * A deprecated alias {@code written} is read as the key at {@code canonical}: its origins move
   * there, errors keep naming what the config wrote, and one warning says so.
   */
  private static void readAsKey(
      String written, String canonical, boolean bothGiven, Origins origins) {
    if (bothGiven) {
      throw new UserInputException(
          origins.of(written)
              + ": `"
              + written
              + "` is the deprecated name of `"
              + canonical
              + "`, which is given too; expected only `"
              + canonical
              + "`");
    }
    LOG.warn(
        "{}: config key `{}` is deprecated; it is read as `{}`, write that instead",
        origins.of(written),
        written,
        canonical);
    origins.moveUnder(written, canonical);
  }

  private void applyOverride(ObjectNode tree, String override, Origins origins) {
    int eq = override.indexOf('=');
    // an *_api_key_env value may be a key pasted by mistake: messages name the key, never that
    // value
    String where =
        eq > 0 && override.substring(0, eq).trim().endsWith("api_key_env")
            ? "--set " + override.substring(0, eq).trim() + "=(value not shown)"
            : "--set " + override;
    if (eq <= 0) {
      throw new UserInputException(
          where + ": expected key.path=value, e.g. trainer.learning_rate=1e-4");
    }
    String path = override.substring(0, eq).trim();
    String valueText = override.substring(eq + 1);
    JsonNode value = parseScalarOrFlow(valueText, where);

    // Build {a: {b: {c: value}}} and lay it over the tree with the same checks as a file.
    String[] parts = path.split("\\.");
    ObjectNode root = NODES.objectNode();
    ObjectNode cur = root;
    for (int i = 0; i < parts.length - 1; i++) {
      cur = cur.putObject(parts[i]);
    }
    cur.set(parts[parts.length - 1], value);
    origins.forgetUnder(
        path); // the file's origins of the replaced value's elements no longer apply
    for (int i = 1; i <= parts.length; i++) {
      origins.put(String.join(".", Arrays.copyOf(parts, i)), where);
    }
    applyOnto(RlaifConfig.class, tree, root, "", origins);
  }

  private JsonNode parseScalarOrFlow(String text, String where) {
    if (text.isEmpty()) {
      return TextNode.valueOf("");
    }
    try (JsonParser p = yamlFactory.createParser(text)) {
      p.nextToken();
      return readValue(p, Path.of("--set"), "", new Origins());
    } catch (IOException e) {
      throw new UserInputException(where + ": cannot parse the value: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- binding and checking

  private RlaifConfig bind(ObjectNode tree, Origins origins, Path file) {
    try {
      return mapper.treeToValue(tree, RlaifConfig.class);
    } catch (ValueInstantiationException e) {
      String path = pathOf(e);
      ConfigException record = configException(e);
      if (record != null) {
        String key = record.key().isEmpty() ? path : join(path, record.key());
        throw new UserInputException(
            origins.of(key) + ": " + origins.written(key) + ": " + record.problem(), e);
      }
      throw new UserInputException(
          origins.of(path) + ": " + origins.written(path) + ": " + rootMessage(e), e);
    } catch (InvalidFormatException e) {
      String path = pathOf(e);
      throw new UserInputException(
          origins.of(path)
              + ": key `"
              + origins.written(path)
              + "`: found "
              + describe(e.getValue())
              + ", expected "
              + expected(e.getTargetType()),
          e);
    } catch (JsonMappingException e) {
      String path = pathOf(e);
      String expected =
          e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                  && m.getTargetType() != null
              ? expected(m.getTargetType())
              : "a value of the right type";
      JsonNode found = tree.at(pointerOf(e));
      throw new UserInputException(
          origins.of(path)
              + ": key `"
              + origins.written(path)
              + "`: found "
              + describe(found)
              + ", expected "
              + expected,
          e);
    } catch (JsonProcessingException e) {
      throw new UserInputException(file + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Checks every number of the merged tree against its key's {@link Range}, and that it is finite,
   * before any record is built: the one place a key's own range is checked.
   */
  private void checkRanges(Class<?> section, JsonNode node, String prefix, Origins origins) {
    for (ConfigKeys.Key key : ConfigKeys.keysOf(section)) {
      String path = join(prefix, key.name());
      JsonNode value = node.get(key.name());
      if (value == null || value.isNull()) {
        continue;
      }
      if (key.isSection()) {
        if (value.isObject()) {
          checkRanges(key.type(), value, path, origins);
        }
      } else if (value.isArray() && key.elementRecordType().isPresent()) {
        for (int i = 0; i < value.size(); i++) {
          if (value.get(i).isObject()) {
            checkRanges(key.elementRecordType().get(), value.get(i), path + "[" + i + "]", origins);
          }
        }
      } else if (value.isNumber()) {
        checkNumber(key, value, path, origins);
      }
    }
  }

  private static void checkNumber(
      ConfigKeys.Key key, JsonNode value, String path, Origins origins) {
    double x = value.doubleValue();
    Range r = key.range().orElse(null);
    boolean ok =
        Double.isFinite(x)
            && (r == null
                || (r.minExclusive() ? x > r.min() : x >= r.min())
                    && (r.maxExclusive() ? x < r.max() : x <= r.max()));
    if (!ok) {
      String reason = r == null || r.reason().isEmpty() ? "" : " (" + r.reason() + ")";
      throw new UserInputException(
          origins.of(path)
              + ": "
              + origins.written(path)
              + ": found "
              + value.asText()
              + ", expected "
              + describe(key.type(), r)
              + reason);
    }
  }

  /** Checks that no key is left null once bound (an optional section may be). */
  private void checkPresent(Object section, String prefix, Origins origins) {
    for (ConfigKeys.Key key : ConfigKeys.keysOf(section.getClass())) {
      String path = join(prefix, key.name());
      Object value = key.valueIn(section);
      if (value == null && key.isOptionalSection()) {
        continue;
      }
      if (value == null) {
        throw new UserInputException(
            origins.of(path) + ": key `" + origins.written(path) + "` needs a value");
      }
      if (key.isSection()) {
        checkPresent(value, path, origins);
      } else if (value instanceof List<?> list && key.elementRecordType().isPresent()) {
        for (int i = 0; i < list.size(); i++) {
          checkPresent(list.get(i), path + "[" + i + "]", origins);
        }
      }
    }
  }

  /** The record's own check that failed while binding, if that is what failed. */
  private static ConfigException configException(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException c) {
        return c;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- helpers

  /** Where each key's value came from: {@code file, line N} or {@code --set ...}. */
  static final class Origins {
    private final Map<String, String> byPath = new HashMap<>();

    /** For a key read through a deprecated alias: the path the config wrote, by the key's path. */
    private final Map<String, String> writtenAs = new HashMap<>();

    void put(String path, String where) {
      byPath.put(path, where);
    }

    /** Forgets the origins of everything below {@code path} (its elements and sub-keys). */
    void forgetUnder(String path) {
      byPath.keySet().removeIf(p -> p.startsWith(path + ".") || p.startsWith(path + "["));
    }

    void addUnder(Origins base) {
      base.byPath.forEach(byPath::putIfAbsent);
    }

    /**
     * The origins of {@code written} and below now belong to {@code canonical}, which was written
     * so.
     */
    void moveUnder(String written, String canonical) {
      Map<String, String> moved = new HashMap<>();
      byPath.forEach(
          (p, where) -> {
            if (p.equals(written) || p.startsWith(written + ".") || p.startsWith(written + "[")) {
              moved.put(canonical + p.substring(written.length()), where);
            }
          });
      byPath.putAll(moved);
      writtenAs.put(canonical, written);
    }

    /** A later value of {@code path} was written under its own name. */
    void writtenAsItself(String path) {
      writtenAs.remove(path);
    }

    /**
     * A key's path as the config wrote it: its own, unless it or a parent came through an alias.
     */
    String written(String path) {
      for (String p = path; ; ) {
        String alias = writtenAs.get(p);
        if (alias != null) {
          return alias + path.substring(p.length());
        }
        int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        if (cut <= 0) {
          return path;
        }
        p = p.substring(0, cut);
      }
    }

    /** The origin of a key, or of its nearest parent that has one. */
    String of(String path) {
      for (String p = path; ; ) {
        String where = byPath.get(p);
        if (where != null) {
          return where;
        }
        int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        if (cut <= 0) {
          return "config";
        }
        p = p.substring(0, cut);
      }
    }

    Map<String, String> asMap() {
      return Map.copyOf(byPath);
    }
  }

  private static List<String> knownKeys(Class<?> section, boolean topLevel) {
    List<String> keys =
        ConfigKeys.keysOf(section).stream().map(ConfigKeys.Key::name).collect(Collectors.toList());
    if (topLevel) {
      keys.add(EXTENDS_KEY);
    }
    return keys;
  }

  private static void deepMerge(ObjectNode into, ObjectNode from) {
    from.fields()
        .forEachRemaining(
            e -> {
              JsonNode existing = into.get(e.getKey());
              if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode fo) {
                deepMerge(eo, fo);
              } else {
                into.set(e.getKey(), e.getValue().deepCopy());
              }
            });
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static com.fasterxml.jackson.core.JsonPointer pointerOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      sb.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : ref.getIndex());
    }
    return com.fasterxml.jackson.core.JsonPointer.compile(sb.toString());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static String expected(Class<?> type) {
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class) {
      return "a number";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    return "a " + type.getSimpleName();
  }

  private static String describe(Object value) {
    if (value instanceof JsonNode n) {
      if (n.isMissingNode() || n.isNull()) {
        return "nothing";
      }
      if (n.isTextual()) {
        return "\"" + n.asText() + "\"";
      }
      if (n.isObject()) {
        return "a mapping";
      }
      if (n.isArray()) {
        return "a list";
      }
      return n.toString();
    }
    if (value instanceof String s) {
      return "\"" + s + "\"";
    }
    return String.valueOf(value);
  }

  /** What a key of {@code type} with range {@code r} (or none) expects, e.g. "an integer >= 1". */
  private static String describe(Class<?> type, Range r) {
    boolean whole =
        type == int.class || type == Integer.class || type == long.class || type == Long.class;
    boolean hasMin = r != null && r.min() != Double.NEGATIVE_INFINITY;
    boolean hasMax = r != null && r.max() != Double.POSITIVE_INFINITY;
    if (hasMin && hasMax) {
      return (whole ? "an integer in " : "a value in ")
          + (r.minExclusive() ? "(" : "[")
          + fmt(r.min())
          + ", "
          + fmt(r.max())
          + (r.maxExclusive() ? ")" : "]");
    }
    String kind = whole ? "an integer " : "a finite value ";
    if (hasMin) {
      return kind + (r.minExclusive() ? "> " : ">= ") + fmt(r.min());
    }
    if (hasMax) {
      return kind + (r.maxExclusive() ? "< " : "<= ") + fmt(r.max());
    }
    return whole ? "an integer" : "a finite number";
  }

  private static String fmt(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  private static boolean allTextual(JsonNode arr) {
    for (JsonNode n : arr) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static Path resolveSibling(Path file, String other) {
    Path p = Path.of(other);
    if (p.isAbsolute()) {
      return p;
    }
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? p : parent.resolve(p).normalize();
  }

  private static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
