package dev.elmrlaif.app.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures one process of {@code rlaif bench --compare} measured (one round of one side), as the
 * single JSON line it prints: {@code {"side": ..., "info": {...}, "figures": {key: value}}}. Both
 * the Java side and {@code bench/pytorch_reference.py --json} print this line, so one parser reads
 * both.
 *
 * @param side {@code java} or {@code pytorch}
 * @param info versions, threads, BLAS and parameter counts, as text
 * @param figures each measured figure by its key ({@link CompareWorkload#figures()})
 */
public record SideFigures(String side, Map<String, String> info, Map<String, Double> figures) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public SideFigures {
    info = Map.copyOf(info);
    figures = Map.copyOf(figures);
  }

  /** This record as one JSON line (no line break inside). */
  public String toJsonLine() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("side", side);
    root.put("info", new java.util.TreeMap<>(info));
    root.put("figures", new java.util.TreeMap<>(figures));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the figures from a process's standard output: its last line that starts with {@code {}.
   *
   * @param source what printed it, for the error message
   * @throws IllegalArgumentException naming {@code source} when there is no such line, it is not
   *     JSON, or a figure is missing, not a number or not finite
   */
  public static SideFigures parse(String stdout, String source) {
    String line = null;
    for (String candidate : stdout.split("\\R")) {
      if (candidate.startsWith("{")) {
        line = candidate;
      }
    }
    if (line == null) {
      throw new IllegalArgumentException(source + ": printed no JSON line of figures");
    }
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          source + ": its figures line is not JSON (" + e.getOriginalMessage() + "): " + line, e);
    }
    JsonNode figuresNode = root.path("figures");
    if (!figuresNode.isObject() || !root.path("side").isTextual()) {
      throw new IllegalArgumentException(
          source
              + ": expected {\"side\": ..., \"info\": {...}, \"figures\": {...}}, found "
              + line);
    }
    Map<String, Double> figures = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : figuresNode.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
        throw new IllegalArgumentException(
            source + ": figure " + entry.getKey() + " is " + value + ", expected a finite number");
      }
      figures.put(entry.getKey(), value.asDouble());
    }
    Map<String, String> info = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.path("info").properties()) {
      info.put(entry.getKey(), entry.getValue().asText());
    }
    return new SideFigures(root.get("side").asText(), info, figures);
  }
}
