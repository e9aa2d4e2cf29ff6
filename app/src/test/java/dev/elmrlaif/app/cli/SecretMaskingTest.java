package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.rewards.http.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log line passes the key masking: a registered key in a message, or in the message of a
 * logged exception or its cause, reaches {@code run.log} as {@code <redacted>}, and the root logger
 * writes to no appender except through the masking.
 */
class SecretMaskingTest {
  private static final String KEY = "sk-log-line-TEST-93a0f2";
  private static final Logger LOG = LogManager.getLogger(SecretMaskingTest.class);

  @TempDir Path dir;

  @Test
  void aKeyInAMessageOrAnExceptionIsMaskedInTheLog() throws IOException {
    RlaifCommand.commandLine(); // installs the masking, as every command does
    Secrets.register(KEY);
    Path file = dir.resolve("run.log");
    try (RunLogFile log = RunLogFile.attach(file)) {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      assertEquals(
          Set.of("secret-masking", "run-log-file-masked"),
          context.getConfiguration().getRootLogger().getAppenders().keySet(),
          "the root logger reaches the console and run.log only through the masking");
      LOG.warn("endpoint said: invalid token Bearer {}", KEY);
      LOG.error(
          "request failed",
          new IllegalStateException("wrapped", new java.io.IOException("server echoed " + KEY)));
      LOG.info("nothing secret here");
    }
    String text = Files.readString(file);
    assertFalse(text.contains(KEY), text);
    assertTrue(text.contains("endpoint said: invalid token Bearer <redacted>"), text);
    assertTrue(
        text.contains("java.io.IOException: server echoed <redacted>"),
        "the cause is masked: " + text);
    assertTrue(
        text.contains("at dev.elmrlaif.app.cli.SecretMaskingTest"),
        "the stack trace stays: " + text);
    assertTrue(text.contains("nothing secret here"), text);
  }
}
