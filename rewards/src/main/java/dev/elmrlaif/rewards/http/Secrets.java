package dev.elmrlaif.rewards.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one redaction path for API keys: every HTTP client registers the key it read from the
 * environment here, and every text that may echo it (an endpoint's error message, an exception's
 * message, a log line, through the command line's log rewriting) passes {@link #mask} before anyone
 * sees it. A value shorter than {@value #MIN_LENGTH} characters is not registered (masking every
 * occurrence of a short string would garble the log, and no real key is that short). Process-wide
 * and thread-safe; registered values stay for the life of the process.
 */
public final class Secrets {
  /** What a masked value reads as. */
  public static final String MASK = "<redacted>";

  /** The shortest value that is registered. */
  public static final int MIN_LENGTH = 6;

  private static final List<String> VALUES = new CopyOnWriteArrayList<>();

  private Secrets() {}

  /** Remembers a secret value (a key read from the environment) so {@link #mask} hides it. */
  public static void register(String value) {
    if (value == null) {
      return;
    }
    String stripped = value.strip();
    if (stripped.length() >= MIN_LENGTH && !VALUES.contains(stripped)) {
      VALUES.add(stripped);
    }
  }

  /** {@code text} with every registered value replaced by {@value #MASK}; null stays null. */
  public static String mask(String text) {
    if (text == null || VALUES.isEmpty()) {
      return text;
    }
    String masked = text;
    for (String value : VALUES) {
      if (masked.contains(value)) {
        masked = masked.replace(value, MASK);
      }
    }
    return masked;
  }

  /** Whether {@code text} holds a registered value. */
  public static boolean leaks(String text) {
    if (text == null) {
      return false;
    }
    for (String value : VALUES) {
      if (text.contains(value)) {
        return true;
      }
    }
    return false;
  }
}
