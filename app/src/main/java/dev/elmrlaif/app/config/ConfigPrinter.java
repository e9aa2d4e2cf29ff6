package dev.elmrlaif.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.domain.config.ConfigJson;
import dev.elmrlaif.domain.config.ConfigKeys;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes a configuration as YAML with every key's one-line description as a comment, and its
 * default where the value differs. The output loads back to the same config, so it serves both
 * {@code --print-config} and the {@code config.yaml} of a run folder.
 */
public final class ConfigPrinter {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_./][A-Za-z0-9_./:+-]*");
  private static final Pattern RESERVED =
      Pattern.compile("(?i)true|false|yes|no|on|off|null|~|y|n|[-+]?(\\.inf|\\.nan)");

  private final ObjectMapper mapper = ConfigJson.newMapper();

  /** The YAML text of a config with descriptions. */
  public String toYaml(RlaifConfig config) {
    StringBuilder out = new StringBuilder();
    writeSection(out, config, RlaifConfig.defaults(), "");
    return out.toString();
  }

  private void writeSection(StringBuilder out, Object section, Object defaults, String indent) {
    for (ConfigKeys.Key key : ConfigKeys.keysOf(section.getClass())) {
      Object value = key.valueIn(section);
      Object def = defaults == null ? null : key.valueIn(defaults);
      if (key.isOptionalSection() && value == null) {
        out.append(indent)
            .append(key.name())
            .append(": null")
            .append(comment(key, null, null))
            .append(" (off; a mapping of its keys switches it on)\n");
      } else if (key.isSection()) {
        out.append(indent)
            .append(key.name())
            .append(":")
            .append(comment(key, null, null))
            .append('\n');
        writeSection(out, value, def, indent + "  ");
      } else {
        String text = scalar(value);
        out.append(indent)
            .append(key.name())
            .append(": ")
            .append(text)
            .append(comment(key, value, def))
            .append('\n');
      }
    }
  }

  private String comment(ConfigKeys.Key key, Object value, Object def) {
    String doc = key.description();
    if (value != null && def != null && !Objects.equals(value, def)) {
      doc = doc + " (default: " + scalar(def) + ")";
    }
    return doc.isEmpty() ? "" : "  # " + doc;
  }

  /** A value as YAML on one line: plain scalars bare, other strings quoted, lists in flow style. */
  String scalar(Object value) {
    JsonNode node = mapper.valueToTree(value);
    if (node.isTextual()) {
      String s = node.asText();
      if (PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches()) {
        return s;
      }
    }
    try {
      return mapper.writeValueAsString(node); // JSON is YAML's flow style
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print " + value, e);
    }
  }
}
