package dev.elmrlaif.policy.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one column of an RFC 4180 CSV file (quoted fields, doubled quotes, newlines inside quotes),
 * so the benchmark can read the overview corpus without a CSV library in this module.
 */
final class CsvColumnReader {

  private CsvColumnReader() {}

  /** Non-empty values of column {@code column} (named in the header row), in file order. */
  static List<String> read(Path file, String column) throws IOException {
    List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
    if (rows.isEmpty()) {
      throw new IOException(file + ": empty file, expected a header row");
    }
    int index = rows.get(0).indexOf(column);
    if (index < 0) {
      throw new IOException(file + ": line 1: no column '" + column + "' in header " + rows.get(0));
    }
    List<String> values = new ArrayList<>();
    for (List<String> row : rows.subList(1, rows.size())) {
      if (index < row.size() && !row.get(index).isBlank()) {
        values.add(row.get(index));
      }
    }
    return values;
  }

  private static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
