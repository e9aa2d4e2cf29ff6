package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.JudgeRewardConfig;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.config.ConfigPrinter;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AI judge's start-up checks ({@code rl.contexts.reward.judge}): a judge without a base URL, an
 * {@code api_key_env} that is no variable name (perhaps the key itself, never echoed) or names an
 * unset variable, an endpoint nothing answers at, and one that refuses the key each end {@code
 * rlaif train} with exit 2 and one line naming the key, before the run folder exists.
 */
class JudgeStartupChecksTest {
  private static final String KEY = "sk-judge-startup-Q9x7ZkT2";

  @TempDir Path dir;

  private Path config(String judge) throws IOException {
    return CliHarness.tinyMovieLensConfig(
        dir,
        "summary",
        String.join(
            "\n",
            "stages: [data, tokenizer, pretrain, sft, rl]",
            "rl:",
            "  contexts:",
            "    reward:",
            "      judge: " + judge,
            ""));
  }

  /**
   * Runs {@code train} and checks the common promises: exit 2, one line, the key named, no run
   * folder.
   */
  private String refused(Map<String, String> env, Path config, String key) {
    Path run = dir.resolve("run");
    CliHarness.Result result =
        CliHarness.run(env, null, "train", config.toString(), "--run-dir", run.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(result.err().contains(key), result.err());
    assertFalse(result.err().contains(KEY), "the key is never echoed: " + result.err());
    assertFalse(Files.exists(run), "nothing is written");
    assertFalse(Files.exists(dir.resolve("cache")), "nothing is written to the cache either");
    return result.err();
  }

  @Test
  void aJudgeWithoutABaseUrlIsRefused() throws IOException {
    String err =
        refused(Map.of(), config("{model: judge-test}"), "rl.contexts.reward.judge.base_url");
    assertTrue(err.contains("tiny.yaml, line"), "the file and line are named: " + err);
  }

  @Test
  void anApiKeyEnvThatIsNoVariableNameIsRefusedWithoutEchoingIt() throws IOException {
    String err =
        refused(
            Map.of(),
            config("{base_url: \"http://127.0.0.1:9/v1\", api_key_env: " + KEY + "}"),
            "rl.contexts.reward.judge.api_key_env");
    assertTrue(err.contains("not shown"), err);
  }

  @Test
  void anUnsetKeyVariableIsRefused() throws IOException {
    try (JudgeServer server = new JudgeServer((n, auth) -> JudgeServer.Reply.score(0.5), 200)) {
      String err =
          refused(
              Map.of("OTHER", KEY),
              config("{base_url: \"" + server.baseUrl() + "\", api_key_env: ELM_JUDGE_UNSET_KEY}"),
              "rl.contexts.reward.judge.api_key_env");
      assertTrue(err.contains("ELM_JUDGE_UNSET_KEY is not set"), err);
      assertEquals(List.of(), server.authorizations(), "no request is sent without the key");
    }
  }

  @Test
  void anUnreachableEndpointIsRefusedAfterOneProbe() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // free, and nothing listens once closed
    }
    String err =
        refused(
            Map.of("ELM_JUDGE_KEY", KEY),
            config(
                "{base_url: \"http://127.0.0.1:"
                    + port
                    + "/v1\", api_key_env: ELM_JUDGE_KEY, timeout_seconds: 2}"),
            "rl.contexts.reward.judge.base_url");
    assertTrue(
        err.contains("cannot reach the judge at http://127.0.0.1:" + port + "/v1/models"), err);
  }

  @Test
  void anEndpointRefusingTheKeyIsRefused() throws IOException {
    try (JudgeServer server = new JudgeServer((n, auth) -> JudgeServer.Reply.score(0.5), 401)) {
      String err =
          refused(
              Map.of("ELM_JUDGE_KEY", KEY),
              config("{base_url: \"" + server.baseUrl() + "\", api_key_env: ELM_JUDGE_KEY}"),
              "rl.contexts.reward.judge.api_key_env");
      assertTrue(err.contains("refused the key in $ELM_JUDGE_KEY (HTTP 401)"), err);
      assertEquals(List.of("Bearer " + KEY), server.authorizations(), "one probe, with the key");
    }
  }

  @Test
  void anAbsentSectionIsNoJudgeAndAPresentOneRoundTripsThroughThePrintedConfig()
      throws IOException {
    ConfigLoader loader = new ConfigLoader();
    LoadedConfig none = loader.load(config("null"), List.of());
    assertNull(none.config().rl().contexts().reward().judge());
    assertTrue(new ConfigPrinter().toYaml(none.config()).contains("judge: null"));

    LoadedConfig judged =
        loader.load(
            config(
                "{base_url: \"http://127.0.0.1:9/v1\", mode: preference,"
                    + " weight: 0.3, cache: run, on_failure: stop}"),
            List.of("rl.contexts.reward.judge.max_retries=5"));
    JudgeRewardConfig judge = judged.config().rl().contexts().reward().judge();
    assertEquals(JudgeRewardConfig.Mode.PREFERENCE, judge.mode());
    assertEquals(0.3, judge.weight());
    assertEquals(5, judge.maxRetries());
    assertEquals(
        JudgeRewardConfig.defaults().model(),
        judge.model(),
        "unset keys take the section's defaults");
    assertEquals("http://127.0.0.1:9/v1/chat/completions", judge.chatCompletionsUri().toString());

    Path printed = dir.resolve("printed.yaml");
    Files.writeString(printed, new ConfigPrinter().toYaml(judged.config()));
    assertEquals(
        judged.config(), loader.load(printed, List.of()).config().withName(judged.config().name()));
    assertNull(
        loader
            .load(printed, List.of("rl.contexts.reward.judge=null"))
            .config()
            .rl()
            .contexts()
            .reward()
            .judge(),
        "--set ...judge=null switches it off");
  }
}
