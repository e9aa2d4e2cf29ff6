package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.rewards.judge.JudgeReplyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RL from AI feedback end to end: {@code rlaif train} on a small generated MovieLens with the AI
 * judge ({@code rl.contexts.reward.judge}) pointed at a local endpoint that misbehaves. The run
 * retries (HTTP 429 with Retry-After, 500, a malformed reply, a reply that never comes), falls back
 * to the configured score for the judgements that fail for good, counts them in the metrics, logs
 * why, and finishes; it also finishes when the endpoint dies mid-run. The reward is one composite
 * of SC, the penalty and the judge, each logged; the API key reaches the endpoint and nowhere else:
 * not the run folder (run.log included), not the cache, not the terminal.
 */
class JudgeRunTest {
  private static final String KEY = "sk-elm-judge-TEST-5d1e8b77";
  private static final String VARIABLE = "ELM_JUDGE_TEST_KEY";
  private static final double GOOD = 0.8;
  private static final double FALLBACK = 0.25;

  @TempDir Path dir;

  private Path config(JudgeServer server, String extra) throws IOException {
    return CliHarness.tinyMovieLensConfig(
        dir,
        "summary",
        String.join(
            "\n",
            "stages: [data, tokenizer, pretrain, sft, rl]",
            "tokenizer: {vocab_size: 400}",
            "model: {context_length: 96, layers: 1, heads: 2, d_model: 16, adapter_hidden: 16}",
            "pretrain: {steps: 2, eval_every: 0, eval_batches: 1}",
            "sft: {stage1_steps: 2, stage2_steps: 2, eval_every: 0, eval_examples: 4}",
            "trainer: {batch_size: 4, warmup_steps: 1, checkpoint_every: 0, log_every: 1}",
            "rl:",
            "  algorithms: [reinforce]",
            "  environment: domain",
            "  steps: 3",
            "  batch_contexts: 2",
            "  checkpoint_every: 0",
            "  log_every: 1",
            "  contexts:",
            "    real_fraction: 1.0",
            "    interpolation_fraction: 0.0",
            "    concept_fraction: 0.0",
            "    reward:",
            "      sc_weight: 1.0",
            "      degeneracy_weight: 0.1",
            "      judge:",
            "        base_url: \"" + server.baseUrl() + "\"",
            "        model: judge-test",
            "        api_key_env: " + VARIABLE,
            "        weight: 0.5",
            "        concurrency: 1",
            "        timeout_seconds: 1",
            "        max_retries: 1",
            "        backoff_millis: 10",
            "        failure_score: " + FALLBACK,
            extra,
            "reinforce: {samples_per_context: 2, max_new_tokens: 6, learning_rate: 1.0e-3}",
            "logging: {progress: \"off\", tensorboard: false}",
            ""));
  }

  private CliHarness.Result train(Path config, Path run) {
    return CliHarness.run(
        Map.of(VARIABLE, KEY), null, "train", config.toString(), "--run-dir", run.toString());
  }

  @Test
  void retriesFallsBackLogsTheFailuresAndFinishes() throws Exception {
    // requests 1-2: one judgement fails for good (429, then a 500 whose message echoes the token);
    // 3-4: a second one (a malformed reply, then one that never comes); then good scores
    BiFunction<Integer, String, JudgeServer.Reply> script =
        (n, authorization) ->
            switch (n) {
              case 1 ->
                  new JudgeServer.Reply(
                      429,
                      "{\"error\":{\"message\":\"slow down\"}}",
                      Map.of("Retry-After", "1"),
                      false);
              case 2 ->
                  JudgeServer.Reply.status(
                      500,
                      "{\"error\":{\"message\":\"upstream failed for " + authorization + "\"}}");
              case 3 -> JudgeServer.Reply.status(200, "{\"choices\": [ {\"message\": ");
              case 4 -> JudgeServer.Reply.never();
              default -> JudgeServer.Reply.score(GOOD);
            };
    Path run = dir.resolve("run");
    try (JudgeServer server = new JudgeServer(script, 200)) {
      CliHarness.Result result = train(config(server, "        cache: run"), run);
      assertEquals(0, result.exitCode(), result.err());
      assertTrue(
          server.chatRequests() > 4,
          "the judge was asked after the failures: " + server.chatRequests());
      assertTrue(
          server.authorizations().stream().allMatch(("Bearer " + KEY)::equals),
          "every request has the key");

      List<JsonNode> steps = rlSteps(run, "rl/reinforce/movie");
      assertEquals(3, steps.size());
      int failures = 0;
      for (JsonNode step : steps) {
        failures += step.get("reward_judge_failures").asInt();
        double judge = step.get("reward_judge").asDouble();
        assertTrue(judge >= 0 && judge <= GOOD, "judge mean " + judge);
        // one composite: r = 1.0·SC + 0.1·degeneracy + 0.5·judge, every context real, so the means
        // add up
        assertEquals(
            step.get("reward_mean").asDouble(),
            step.get("reward_sc").asDouble()
                + 0.1 * step.get("reward_degeneracy").asDouble()
                + 0.5 * judge,
            1e-9,
            step.toString());
      }
      assertEquals(2, failures, "two judgements failed after their retries");

      String log = Files.readString(run.resolve("run.log"));
      assertTrue(log.contains("HTTP 429"), "the rate limit is logged");
      assertTrue(log.contains("HTTP 500"), "the server error is logged");
      assertTrue(log.contains("malformed reply"), "the malformed reply is logged");
      assertTrue(log.contains("HttpTimeoutException"), "the timeout is logged");
      assertTrue(
          log.contains("judgement(s) failed; they score the fallback " + FALLBACK),
          "the fallback is logged");
      assertTrue(log.contains("<redacted>"), "the echoed token is masked where the 500 is logged");

      Path cache = run.resolve("judge").resolve(JudgeReplyFile.FILE_NAME);
      assertTrue(Files.isRegularFile(cache), "cache: run keeps the replies in the run folder");
      assertTrue(Files.readString(cache).contains("SCORE: " + GOOD));
      assertKeyNowhere(result, run, dir.resolve("cache"));
    }
  }

  @Test
  void theRunFinishesWhenTheEndpointDiesMidRun() throws Exception {
    Path run = dir.resolve("run");
    JudgeServer[] holder = new JudgeServer[1];
    BiFunction<Integer, String, JudgeServer.Reply> script =
        (n, authorization) -> {
          if (n == 3) {
            new Thread(holder[0]::kill).start(); // dies while answering its third request
            return JudgeServer.Reply.status(500, "{\"error\":{\"message\":\"shutting down\"}}");
          }
          return JudgeServer.Reply.score(GOOD);
        };
    try (JudgeServer server = new JudgeServer(script, 200)) {
      holder[0] = server;
      CliHarness.Result result = train(config(server, "        cache: data"), run);
      assertEquals(0, result.exitCode(), result.err());
      assertTrue(Files.isRegularFile(run.resolve("stages/rl.json")), "the rl stage finished");
      List<JsonNode> steps = rlSteps(run, "rl/reinforce/movie");
      assertEquals(3, steps.size());
      int failures = steps.stream().mapToInt(s -> s.get("reward_judge_failures").asInt()).sum();
      assertTrue(failures > 0, "judgements after the death fall back");
      JsonNode last = steps.get(steps.size() - 1);
      assertEquals(
          FALLBACK,
          last.get("reward_judge").asDouble(),
          1e-12,
          "with the endpoint gone, every judgement of the last step is the fallback: " + last);
      assertTrue(
          Files.readString(run.resolve("run.log")).contains("ConnectException"),
          "the refused connections are logged");
      assertTrue(
          Files.isRegularFile(
              dir.resolve("cache").resolve("judge").resolve(JudgeReplyFile.FILE_NAME)),
          "cache: data keeps the replies under data.cache_dir");
      assertKeyNowhere(result, run, dir.resolve("cache"));
    }
  }

  @Test
  void onFailureStopEndsTheRunWithExit2NamingTheEndpointAndItsLastAnswer() throws Exception {
    Path run = dir.resolve("run");
    try (JudgeServer server =
        new JudgeServer(
            (n, authorization) ->
                JudgeServer.Reply.status(
                    503, "{\"error\":{\"message\":\"overloaded, token " + authorization + "\"}}"),
            200)) {
      CliHarness.Result result = train(config(server, "        on_failure: stop"), run);
      assertEquals(2, result.exitCode(), result.err());
      assertEquals(1, result.err().strip().lines().count(), result.err());
      assertTrue(
          result.err().contains("rl.contexts.reward.judge")
              && result.err().contains(server.baseUrl() + "/chat/completions")
              && result.err().contains("HTTP 503"),
          result.err());
      assertEquals(2, server.chatRequests(), "one judgement, retried once, then the stop");
      assertFalse(Files.exists(run.resolve("stages/rl.json")), "the rl stage did not finish");
      assertKeyNowhere(result, run, dir.resolve("cache"));
    }
  }

  private static List<JsonNode> rlSteps(Path run, String stage) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> steps = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode node = json.readTree(line);
      if (node.path("stage").asText().equals(stage)) {
        steps.add(node);
      }
    }
    return steps;
  }

  /**
   * The key is in no file under these folders (binary files read as Latin-1) and not in the
   * terminal output.
   */
  private static void assertKeyNowhere(CliHarness.Result result, Path... folders)
      throws IOException {
    assertFalse(
        result.out().contains(KEY) || result.err().contains(KEY),
        "the terminal output holds the key");
    for (Path folder : folders) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          assertFalse(text.contains(KEY), file + " holds the key");
        }
      }
    }
  }
}
