package dev.elmrlaif.domain;

import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.base.Utf8Text;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an RFC 4180 CSV file with a header row, one record at a time: UTF-8 (invalid bytes are an
 * error, a leading byte-order mark is skipped), LF or CRLF line endings, fields quoted with {@code
 * "} may hold commas, doubled quotes and line breaks. Every problem (missing column, wrong field
 * count, unterminated quote, a value that is not a number) is a {@link UserInputException} naming
 * the file, the line and the column, so a user can open the file at the right place.
 *
 * <p>Domain loaders (MovieLens, file-based domains) share it; it holds one open reader and must be
 * closed.
 */
public final class CsvReader implements Closeable {
  private final Path file;
  private final Reader in;
  private final List<String> header;
  private final Map<String, Integer> columnIndex = new HashMap<>();
  private final char[] buffer = new char[1 << 16];
  private int bufferLength;
  private int bufferPosition;
  private int line = 1;
  private boolean endOfInput;

  private CsvReader(Path file, Reader in) {
    this.file = file;
    this.in = in;
    skipByteOrderMark();
    int headerLine = line;
    List<String> names = readFields();
    if (names == null || (names.size() == 1 && names.get(0).isEmpty())) {
      throw new UserInputException(
          file + ":" + headerLine + ": the file is empty; expected a CSV header row");
    }
    this.header = List.copyOf(names);
    for (int i = 0; i < header.size(); i++) {
      columnIndex.put(header.get(i).trim(), i);
    }
  }

  /** Opens {@code file}; a missing file is a user error naming it. */
  public static CsvReader open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(file + ": file not found; expected a CSV file");
    }
    try {
      Reader reader =
          new BufferedReader(
              new java.io.InputStreamReader(
                  Files.newInputStream(file),
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPORT)
                      .onUnmappableCharacter(CodingErrorAction.REPORT)),
              1 << 16);
      return new CsvReader(file, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  /**
   * Reads from {@code in} (e.g. an entry of a zip file), named {@code file} in messages; closing
   * the reader closes {@code in}.
   */
  public static CsvReader of(Path file, Reader in) {
    return new CsvReader(file, in instanceof BufferedReader ? in : new BufferedReader(in, 1 << 16));
  }

  /** The file this reader reads, for messages. */
  public Path file() {
    return file;
  }

  /** The header's column names, in file order. */
  public List<String> header() {
    return header;
  }

  /**
   * The index of column {@code name}; a missing column is an error naming the file and the header.
   */
  public int column(String name) {
    Integer index = columnIndex.get(name);
    if (index == null) {
      throw new UserInputException(
          file + ":1: missing column '" + name + "'; the header has " + header);
    }
    return index;
  }

  /** Whether the header has column {@code name}. */
  public boolean hasColumn(String name) {
    return columnIndex.containsKey(name);
  }

  /**
   * The next record, or null at the end of the file. Blank lines are skipped; a record whose field
   * count differs from the header's is an error.
   */
  public Row next() {
    while (true) {
      int startLine = line;
      List<String> fields = readFields();
      if (fields == null) {
        return null;
      }
      if (fields.size() == 1 && fields.get(0).isEmpty()) {
        continue;
      }
      if (fields.size() != header.size()) {
        throw new UserInputException(
            String.format(
                "%s:%d: found %d fields, expected %d (%s); quote fields that contain commas",
                file, startLine, fields.size(), header.size(), String.join(",", header)));
      }
      return new Row(startLine, fields);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }

  /**
   * One record: its fields and the line it starts on, with typed accessors that name the cell on
   * error.
   */
  public final class Row {
    private final int lineNumber;
    private final List<String> fields;

    private Row(int lineNumber, List<String> fields) {
      this.lineNumber = lineNumber;
      this.fields = fields;
    }

    /** The line (1-based, header is line 1) this record starts on. */
    public int lineNumber() {
      return lineNumber;
    }

    /** The raw text of column {@code index}. */
    public String get(int index) {
      return fields.get(index);
    }

    /** The text of column {@code index}, which must not be blank. */
    public String required(int index) {
      String value = fields.get(index);
      if (value.isBlank()) {
        throw error(index, "an empty value", "a non-empty value");
      }
      return value;
    }

    /** Column {@code index} as an integer. */
    public int integer(int index) {
      return (int) longValue(index, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** Column {@code index} as a long integer. */
    public long longInteger(int index) {
      return longValue(index, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Column {@code index} as a finite decimal number. */
    public double decimal(int index) {
      String value = fields.get(index).trim();
      try {
        double parsed = Double.parseDouble(value);
        if (Double.isFinite(parsed)) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw error(index, "'" + value + "'", "a finite decimal number");
    }

    /** A user error about column {@code index} of this record. */
    public UserInputException error(int index, String found, String expected) {
      return new UserInputException(
          String.format(
              "%s:%d: column %d (%s): found %s, expected %s",
              file, lineNumber, index + 1, header.get(index), found, expected));
    }

    private long longValue(int index, long min, long max) {
      String value = fields.get(index).trim();
      try {
        long parsed = Long.parseLong(value);
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw error(index, "'" + value + "'", "an integer");
    }
  }

  private void skipByteOrderMark() {
    if (peek() == '\uFEFF') {
      bufferPosition++;
    }
  }

  /** Reads one record's fields, or null at end of input. */
  private List<String> readFields() {
    if (peek() < 0) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    while (true) {
      int c = read();
      if (c == '"' && field.length() == 0) {
        readQuoted(field);
        int after = peek();
        if (after != ',' && after != '\n' && after != '\r' && after >= 0) {
          throw new UserInputException(
              String.format(
                  "%s:%d: column %d: found '%c' after a closing quote, expected a comma or the end of the line",
                  file, line, fields.size() + 1, (char) after));
        }
        continue;
      }
      if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && peek() == '\n') {
        continue;
      } else if (c == '\n' || c < 0) {
        if (c == '\n') {
          line++;
        }
        fields.add(field.toString());
        return fields;
      } else {
        field.append((char) c);
      }
    }
  }

  private void readQuoted(StringBuilder field) {
    int startLine = line;
    while (true) {
      int c = read();
      if (c < 0) {
        throw new UserInputException(
            String.format(
                "%s:%d: a quoted field is never closed; expected a closing '\"'", file, startLine));
      }
      if (c == '"') {
        if (peek() == '"') {
          read();
          field.append('"');
          continue;
        }
        return;
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\r' && peek() == '\n') {
        continue;
      }
      field.append((char) c);
    }
  }

  private int peek() {
    if (!fill()) {
      return -1;
    }
    return buffer[bufferPosition];
  }

  private int read() {
    if (!fill()) {
      return -1;
    }
    return buffer[bufferPosition++];
  }

  private boolean fill() {
    if (bufferPosition < bufferLength) {
      return true;
    }
    if (endOfInput) {
      return false;
    }
    try {
      int n = in.read(buffer, 0, buffer.length);
      if (n <= 0) {
        endOfInput = true;
        return false;
      }
      bufferLength = n;
      bufferPosition = 0;
      return true;
    } catch (CharacterCodingException e) {
      // the reader decodes ahead of the parser: find the byte's own line
      Utf8Text.Malformed bad;
      try {
        bad = Utf8Text.firstMalformed(file).orElse(null);
      } catch (IOException again) {
        bad = null;
      }
      throw new UserInputException(
          file
              + ":"
              + (bad == null ? line : bad.line())
              + ": "
              + (bad == null ? "the file is not valid UTF-8" : bad.describe())
              + "; expected UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + file + ": " + dev.elmrlaif.domain.base.IoFailures.reason(e), e);
    }
  }
}
