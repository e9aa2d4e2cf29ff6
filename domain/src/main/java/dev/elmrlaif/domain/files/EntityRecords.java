package dev.elmrlaif.domain.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.base.Utf8Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entities of one kind as read from an {@code entities.jsonl} file: one JSON object per line,
 *
 * <pre>
 *   {"id": "r17", "name": "Lemon pasta", "vectors": {"flavour": [0.1, -0.3, ...]},
 *    "texts": {"description": "A bright weeknight pasta ..."}}
 * </pre>
 *
 * {@code id} (a string or an integer) is required and unique; {@code name} is for people only (the
 * model never sees it) and defaults to the id; {@code vectors} and {@code texts} are optional, but
 * every entity of a file must have the same spaces, each with the same dimension. Every problem is
 * a {@link UserInputException} naming the file and line: malformed JSON, a missing or duplicate id,
 * vectors of another dimension, NaN or infinite components (JSON's {@code NaN} and {@code Infinity}
 * are accepted as input so that they can be reported), a non-text text.
 *
 * <p>Vectors from {@code .npy} or safetensors files are added later with {@link #addSpace}.
 */
public final class EntityRecords {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private final String kind;
  private final Path file;
  private final List<String> ids = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final List<Integer> lines = new ArrayList<>();
  private final Map<String, Integer> indexById = new HashMap<>();
  private final Map<String, float[][]> vectors = new LinkedHashMap<>();
  private final Map<String, String> vectorSources = new LinkedHashMap<>();
  private final Map<String, List<String>> texts = new LinkedHashMap<>();

  private EntityRecords(String kind, Path file) {
    this.kind = kind;
    this.file = file;
  }

  /** Reads the entities of {@code kind} from {@code file}. */
  public static EntityRecords read(String kind, Path file) {
    EntityRecords records = new EntityRecords(kind, file);
    List<Map<String, float[]>> rowVectors = new ArrayList<>();
    List<Map<String, String>> rowTexts = new ArrayList<>();
    Map<String, Integer> dimension = new LinkedHashMap<>();
    Map<String, Integer> dimensionLine = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNumber;
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new UserInputException(
              where
                  + ": not valid JSON ("
                  + dev.elmrlaif.domain.base.JsonProblems.what(e)
                  + "); expected one object per line like {\"id\": ..., \"vectors\": {...}, \"texts\": {...}}",
              e);
        }
        if (node == null || !node.isObject()) {
          throw new UserInputException(
              where + ": expected a JSON object per line, found " + line.strip());
        }
        String id = idOf(node.get("id"), where);
        Integer first = records.indexById.get(id);
        if (first != null) {
          throw new UserInputException(
              where
                  + ": duplicate id '"
                  + id
                  + "' (first on line "
                  + records.lines.get(first)
                  + "); expected unique ids");
        }
        JsonNode name = node.get("name");
        records.indexById.put(id, records.ids.size());
        records.ids.add(id);
        records.names.add(name != null && name.isTextual() ? name.asText() : id);
        records.lines.add(lineNumber);
        rowVectors.add(vectorsOf(node.get("vectors"), where, dimension, dimensionLine, lineNumber));
        rowTexts.add(textsOf(node.get("texts"), where));
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      Utf8Text.Malformed bad = null;
      try {
        bad = Utf8Text.firstMalformed(file).orElse(null);
      } catch (IOException again) {
        // keep the message without the line
      }
      throw new UserInputException(
          file
              + (bad == null
                  ? ": the file is not valid UTF-8"
                  : ":" + bad.line() + ": " + bad.describe())
              + "; expected UTF-8 JSON lines",
          e);
    } catch (IOException e) {
      throw new UserInputException(
          file
              + ": cannot read the entity file ("
              + dev.elmrlaif.domain.base.IoFailures.reason(e)
              + ")",
          e);
    }
    if (records.ids.isEmpty()) {
      throw new UserInputException(file + ": holds no entities; expected one JSON object per line");
    }
    for (Map.Entry<String, Integer> space : dimension.entrySet()) {
      float[][] rows = new float[records.ids.size()][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = rowVectors.get(i).get(space.getKey());
        if (rows[i] == null) {
          throw new UserInputException(
              file
                  + ":"
                  + records.lines.get(i)
                  + ": no vectors."
                  + space.getKey()
                  + "; expected every "
                  + kind
                  + " to have it (line "
                  + dimensionLine.get(space.getKey())
                  + " has it)");
        }
      }
      records.vectors.put(space.getKey(), rows);
      records.vectorSources.put(space.getKey(), file.toString());
    }
    for (int i = 0; i < rowTexts.size(); i++) {
      for (Map.Entry<String, String> text : rowTexts.get(i).entrySet()) {
        List<String> column = records.texts.computeIfAbsent(text.getKey(), f -> new ArrayList<>());
        while (column.size() < i) {
          column.add(null);
        }
        column.add(text.getValue());
      }
    }
    for (List<String> column : records.texts.values()) {
      while (column.size() < records.ids.size()) {
        column.add(null);
      }
    }
    return records;
  }

  private static String idOf(JsonNode id, String where) {
    if (id == null || id.isNull()) {
      throw new UserInputException(
          where + ": no \"id\"; expected a string or integer id on every line");
    }
    if (id.isTextual() && !id.asText().isBlank()) {
      return id.asText();
    }
    if (id.isIntegralNumber()) {
      return id.asText();
    }
    throw new UserInputException(
        where + ": \"id\" is " + id + "; expected a non-empty string or an integer");
  }

  private static Map<String, float[]> vectorsOf(
      JsonNode vectors,
      String where,
      Map<String, Integer> dimension,
      Map<String, Integer> dimensionLine,
      int lineNumber) {
    Map<String, float[]> out = new HashMap<>();
    if (vectors == null || vectors.isNull()) {
      return out;
    }
    if (!vectors.isObject()) {
      throw new UserInputException(
          where + ": \"vectors\" is not an object; expected {\"space\": [numbers], ...}");
    }
    for (Map.Entry<String, JsonNode> entry : vectors.properties()) {
      String space = entry.getKey();
      JsonNode array = entry.getValue();
      if (!array.isArray() || array.isEmpty()) {
        throw new UserInputException(
            where + ": vectors." + space + " is not a non-empty array of numbers");
      }
      Integer expected = dimension.get(space);
      if (expected != null && expected != array.size()) {
        throw new UserInputException(
            where
                + ": vectors."
                + space
                + " has "
                + array.size()
                + " values; expected "
                + expected
                + " (the dimension on line "
                + dimensionLine.get(space)
                + ")");
      }
      float[] v = new float[array.size()];
      for (int k = 0; k < v.length; k++) {
        JsonNode value = array.get(k);
        if (!value.isNumber()) {
          throw new UserInputException(
              where + ": vectors." + space + "[" + k + "] is " + value + "; expected a number");
        }
        double d = value.asDouble();
        if (!Double.isFinite(d) || Float.isInfinite((float) d)) {
          throw new UserInputException(
              where
                  + ": vectors."
                  + space
                  + "["
                  + k
                  + "] is "
                  + value.asText()
                  + "; expected a finite number");
        }
        v[k] = (float) d;
      }
      if (expected == null) {
        dimension.put(space, v.length);
        dimensionLine.put(space, lineNumber);
      }
      out.put(space, v);
    }
    return out;
  }

  private static Map<String, String> textsOf(JsonNode texts, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    if (texts == null || texts.isNull()) {
      return out;
    }
    if (!texts.isObject()) {
      throw new UserInputException(
          where + ": \"texts\" is not an object; expected {\"field\": \"text\", ...}");
    }
    for (Map.Entry<String, JsonNode> entry : texts.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new UserInputException(
            where
                + ": texts."
                + entry.getKey()
                + " is "
                + entry.getValue()
                + "; expected a string");
      }
      out.put(entry.getKey(), entry.getValue().asText());
    }
    return out;
  }

  /**
   * Adds a space read from an array file: {@code rows[i]} belongs to the entity whose id is on line
   * {@code i + 1} of {@code idsFile}. Ids must be unique and known; every entity needs a row.
   *
   * @param source the array file, for messages
   */
  public void addSpace(
      String space, float[][] rows, List<String> rowIds, Path idsFile, String source) {
    if (vectors.containsKey(space)) {
      throw new UserInputException(
          source
              + ": space '"
              + space
              + "' is already defined for "
              + kind
              + " by "
              + vectorSources.get(space)
              + "; expected each space once");
    }
    if (rows.length != rowIds.size()) {
      throw new UserInputException(
          source
              + ": "
              + rows.length
              + " rows, but "
              + idsFile
              + " lists "
              + rowIds.size()
              + " ids; expected one id line per row");
    }
    float[][] ordered = new float[ids.size()][];
    int[] lineOf = new int[ids.size()];
    for (int r = 0; r < rows.length; r++) {
      String id = rowIds.get(r);
      int line = r + 1;
      Integer index = indexById.get(id);
      if (index == null) {
        throw new UserInputException(
            idsFile
                + ":"
                + line
                + ": id '"
                + id
                + "' is no "
                + kind
                + " in "
                + file
                + "; expected ids of that file");
      }
      if (ordered[index] != null) {
        throw new UserInputException(
            idsFile
                + ":"
                + line
                + ": duplicate id '"
                + id
                + "' (first on line "
                + lineOf[index]
                + "); expected unique ids");
      }
      for (int k = 0; k < rows[r].length; k++) {
        if (!Float.isFinite(rows[r][k])) {
          throw new UserInputException(
              source
                  + ": row "
                  + r
                  + " (id '"
                  + id
                  + "' on "
                  + idsFile
                  + ":"
                  + line
                  + "): component "
                  + k
                  + " is "
                  + rows[r][k]
                  + "; expected finite numbers");
        }
      }
      ordered[index] = rows[r];
      lineOf[index] = line;
    }
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == null) {
        throw new UserInputException(
            idsFile
                + ": has no line for "
                + kind
                + " '"
                + ids.get(i)
                + "' ("
                + file
                + ":"
                + lines.get(i)
                + "); expected a vector for every entity");
      }
    }
    vectors.put(space, ordered);
    vectorSources.put(space, source);
  }

  /** The entity kind. */
  public String kind() {
    return kind;
  }

  /** The JSON-lines file. */
  public Path file() {
    return file;
  }

  /** How many entities there are. */
  public int size() {
    return ids.size();
  }

  /** The ids in file order. */
  public List<String> ids() {
    return List.copyOf(ids);
  }

  /** The display names in file order. */
  public List<String> names() {
    return List.copyOf(names);
  }

  /** The index of an id, or -1. */
  public int indexOf(String id) {
    Integer index = indexById.get(id);
    return index == null ? -1 : index;
  }

  /** The file line entity {@code index} came from. */
  public int line(int index) {
    return lines.get(index);
  }

  /** The vectors of each space by name, rows in file order. */
  public Map<String, float[][]> vectors() {
    return vectors;
  }

  /** The text fields present: field → one value per entity, null where the entity lacks it. */
  public Map<String, List<String>> texts() {
    return texts;
  }

  /**
   * Every entity's value of {@code field}; an entity without it is a user error naming its line.
   *
   * @param why what needs the field, for the message
   */
  public List<String> requireText(String field, String why) {
    List<String> column = texts.get(field);
    for (int i = 0; i < ids.size(); i++) {
      if (column == null || column.get(i) == null) {
        throw new UserInputException(
            file
                + ":"
                + lines.get(i)
                + ": no texts."
                + field
                + " for "
                + kind
                + " '"
                + ids.get(i)
                + "'; expected it on every "
                + kind
                + " because "
                + why);
      }
    }
    return column;
  }
}
