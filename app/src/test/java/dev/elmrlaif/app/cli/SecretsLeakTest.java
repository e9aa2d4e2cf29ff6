package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online teacher's key never leaks: a value of {@code data.teacher.api_key_env} that is no
 * variable name (perhaps the key itself) is refused at load without being echoed, so it never
 * reaches config.yaml or provenance.json; a named variable that is not set stops the run before
 * anything is written; and an endpoint answering 401 with a message that echoes the bearer token
 * ends the run with exit 2 and one line in which the token is masked, and the token is nowhere in
 * the run folder (run.log included), the cache or the terminal output.
 */
class SecretsLeakTest {
  private static final String KEY = "sk-teacher-leak-TEST-4c2d9e61";

  @TempDir Path dir;

  /**
   * The config with the teacher lines inside the data section (tinyMovieLensConfig appends at the
   * end).
   */
  private Path teacherConfig(String teacher) throws IOException {
    Path file = CliHarness.tinyMovieLensConfig(dir, "summary", "stages: [data, tokenizer]\n");
    String text = Files.readString(file).replace("data:\n", "data:\n  teacher: " + teacher + "\n");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aKeyGivenAsTheVariableNameIsRefusedWithoutBeingEchoedOrWritten() throws IOException {
    Path run = dir.resolve("run");
    CliHarness.Result result =
        CliHarness.run(
            Map.of(),
            null,
            "train",
            teacherConfig("{mode: offline}").toString(),
            "--set",
            "data.teacher.api_key_env=" + KEY,
            "--run-dir",
            run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(
        result
            .err()
            .contains("data.teacher.api_key_env: expected the name of an environment variable"),
        result.err());
    assertFalse(result.err().contains(KEY) || result.out().contains(KEY), result.err());
    assertFalse(Files.exists(run), "nothing is written: no config.yaml, no provenance.json");
  }

  @Test
  void anUnsetKeyVariableStopsTheRunBeforeAnythingIsWritten() throws IOException {
    Path run = dir.resolve("run");
    CliHarness.Result result =
        CliHarness.run(
            Map.of(),
            null,
            "train",
            teacherConfig(
                    "{mode: online, base_url: \"http://127.0.0.1:9/v1\", api_key_env: ELM_TEACHER_KEY}")
                .toString(),
            "--run-dir",
            run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(
        result
            .err()
            .contains(
                "data.teacher.api_key_env: the environment variable ELM_TEACHER_KEY is not set"),
        result.err());
    assertFalse(Files.exists(run));
  }

  @Test
  void aRefusalThatEchoesTheTokenEndsTheRunWithTheTokenMaskedEverywhere() throws IOException {
    Path run = dir.resolve("run");
    try (JudgeServer server =
        new JudgeServer(
            (n, authorization) ->
                JudgeServer.Reply.status(
                    401,
                    "{\"error\":{\"message\":\"invalid token "
                        + authorization
                        + "\",\"code\":\"invalid_api_key\"}}"),
            200)) {
      CliHarness.Result result =
          CliHarness.run(
              Map.of("ELM_TEACHER_KEY", KEY),
              null,
              "train",
              teacherConfig(
                      "{mode: online, base_url: \""
                          + server.baseUrl()
                          + "\", api_key_env: ELM_TEACHER_KEY,"
                          + " max_retries: 0, requests_per_minute: 0}")
                  .toString(),
              "--run-dir",
              run.toString());
      assertEquals(2, result.exitCode(), result.err());
      assertEquals(1, result.err().strip().lines().count(), result.err());
      assertTrue(
          result
              .err()
              .contains(
                  "data.teacher: endpoint "
                      + server.baseUrl()
                      + "/chat/completions refused the"
                      + " request: HTTP 401 'invalid token Bearer <redacted>'"),
          result.err());
      assertEquals(1, server.chatRequests(), "a 401 is not retried");
      assertEquals(
          "Bearer " + KEY, server.authorizations().get(0), "the key was sent to the endpoint");
      assertTrue(
          Files.readString(run.resolve("run.log")).contains("Bearer <redacted>"),
          "run.log says why, masked");
      assertFalse(
          result.out().contains(KEY) || result.err().contains(KEY),
          "the terminal output holds the key");
      for (Path folder : new Path[] {run, dir.resolve("cache")}) {
        if (!Files.exists(folder)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(folder)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            assertFalse(
                new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(KEY),
                file + " holds the key");
          }
        }
      }
    }
  }
}
