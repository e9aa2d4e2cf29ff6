package dev.elmrlaif.domain.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors as one line for a user: where ({@code , line 3, column 7}) and what, with
 * Jackson's internals (source descriptions such as {@code [Source: REDACTED (StreamReadFeature...};
 * line: 1, column: 1]}, and the advice after the first line) replaced by plain line and column.
 */
public final class JsonProblems {
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

  private JsonProblems() {}

  /**
   * {@code ", line L, column C: what went wrong"}, or {@code ": what went wrong"} without a
   * location.
   */
  public static String describe(JsonProcessingException e) {
    String where =
        e.getLocation() == null || e.getLocation().getLineNr() < 1
            ? ""
            : ", line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    return where + ": " + what(e);
  }

  /**
   * The first line of Jackson's own message, its source descriptions replaced by line and column.
   */
  public static String what(JsonProcessingException e) {
    String message =
        e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    message = message.lines().findFirst().orElse("syntax error");
    Matcher m = SOURCE.matcher(message);
    message = m.replaceAll(r -> "line " + r.group(1) + ", column " + r.group(2));
    return message.replaceAll("\\[Source: [^\\]]*\\]", "").trim();
  }
}
