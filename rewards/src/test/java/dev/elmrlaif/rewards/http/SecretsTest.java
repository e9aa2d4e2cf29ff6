package dev.elmrlaif.rewards.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The one redaction path: registered keys are masked wherever they appear; short values are not
 * registered.
 */
class SecretsTest {

  @Test
  void everyOccurrenceOfARegisteredKeyIsMasked() {
    String key = "sk-secrets-TEST-7a1b";
    assertFalse(Secrets.leaks("Bearer " + key), "nothing registered yet under this value");
    Secrets.register("  " + key + "\n"); // as read from an environment variable, whitespace and all
    assertTrue(Secrets.leaks("Bearer " + key));
    assertEquals(
        "Bearer <redacted>, again <redacted>.",
        Secrets.mask("Bearer " + key + ", again " + key + "."));
    assertEquals("no key here", Secrets.mask("no key here"));
    assertNull(Secrets.mask(null));
  }

  @Test
  void valuesTooShortToBeKeysAreNotRegistered() {
    Secrets.register("abc");
    Secrets.register(null);
    Secrets.register("");
    assertEquals("abc is a word", Secrets.mask("abc is a word"));
  }

  @Test
  void excerptsMaskBeforeTheyCutSoNoPrefixOfAKeySurvives() {
    String key = "sk-excerpt-TEST-" + "x".repeat(40);
    Secrets.register(key);
    String text = "y".repeat(180) + key;
    String excerpt = RetryingChatClient.excerpt(text);
    assertFalse(excerpt.contains("sk-excerpt"), excerpt);
    assertTrue(excerpt.endsWith("<redacted>'"), excerpt);
  }
}
