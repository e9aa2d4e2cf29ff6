package dev.elmrlaif.rewards.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgeClientTest {

  private static final String KEY = "sk-test-SECRET-123";
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  private static JudgeConfig config(URI endpoint, int attempts) {
    return new JudgeConfig(
        endpoint,
        "judge-model",
        "JUDGE_KEY",
        "faithful to the movie, fluent",
        Duration.ofMillis(500),
        attempts,
        Duration.ofMillis(100),
        2.0,
        Duration.ofSeconds(1),
        100,
        0.0,
        16);
  }

  private JudgeClient client(ChatServer server, int attempts) {
    return new JudgeClient(
        config(server.endpoint(), attempts), Map.of("JUDGE_KEY", KEY)::get, sleeps::add);
  }

  @Test
  void scoresSendTheWireFormatAndAreCached() throws IOException {
    try (ChatServer server = ChatServer.scripted(ChatServer.Reply.ok("  SCORE: 0.75\n"))) {
      JudgeClient client = client(server, 3);
      assertEquals(0.75, client.score("A heist movie.", "Describe movie 42"), 0.0);
      assertEquals(
          0.75, client.score("A heist movie.", "Describe movie 42"), 0.0, "served from the cache");
      assertEquals(1, server.received().size());
      ChatServer.Received request = server.received().get(0);
      assertEquals("Bearer " + KEY, request.authorization());
      JsonNode body = new ObjectMapper().readTree(request.body());
      assertEquals("judge-model", body.get("model").asText());
      assertEquals("system", body.get("messages").get(0).get("role").asText());
      assertTrue(
          body.get("messages").get(0).get("content").asText().contains("faithful to the movie"));
      assertTrue(body.get("messages").get(1).get("content").asText().contains("A heist movie."));
      assertEquals(16, body.get("max_tokens").asInt());
      assertEquals(List.of(), sleeps);
      assertFalse(client.toString().contains(KEY));
    }
  }

  @Test
  void malformedRepliesAreRetriedThenAccepted() throws IOException {
    try (ChatServer server =
        ChatServer.scripted(
            ChatServer.Reply.ok("I'd say 0.8"),
            ChatServer.Reply.status(200, "{\"choices\": []}"),
            ChatServer.Reply.ok("SCORE: 1"))) {
      assertEquals(1.0, client(server, 3).score("text", "task"), 0.0);
      assertEquals(3, server.received().size());
      assertEquals(
          List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps, "exponential backoff");
    }
  }

  @Test
  void rateLimitsAndServerErrorsBackOffHonouringRetryAfterUpToTheCap() throws IOException {
    try (ChatServer server =
        ChatServer.scripted(
            new ChatServer.Reply(
                429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "3"), null),
            ChatServer.Reply.status(500, "oops"),
            ChatServer.Reply.ok("PREFERENCE: B"))) {
      assertEquals(JudgeClient.Preference.SECOND, client(server, 3).compare("one", "two", "task"));
      // Retry-After 3 s capped at maxBackoff 1 s; then the exponential schedule's second step, 200
      // ms
      assertEquals(List.of(Duration.ofSeconds(1), Duration.ofMillis(200)), sleeps);
    }
  }

  @Test
  void aTimedOutRequestIsRetried() throws IOException {
    List<ChatServer.Reply> replies = new ArrayList<>();
    try (ChatServer server = ChatServer.answering(body -> replies.remove(0))) {
      replies.add(
          new ChatServer.Reply(200, ChatServer.chatBody("SCORE: 0.1"), Map.of(), server.release()));
      replies.add(ChatServer.Reply.ok("SCORE: 0.9"));
      assertEquals(
          0.9, client(server, 2).score("text", "task"), 0.0, "the held first reply timed out");
      assertEquals(2, server.received().size());
      assertEquals(List.of(Duration.ofMillis(100)), sleeps);
    }
  }

  @Test
  void exhaustedAttemptsGiveADefinedFailureWithoutTheKey() throws IOException {
    try (ChatServer server =
        ChatServer.scripted(
            ChatServer.Reply.ok("SCORE: 1.5"),
            ChatServer.Reply.ok("SCORE: 0.5 because it is fine"),
            ChatServer.Reply.ok("score: 0.5"))) {
      JudgeException e =
          assertThrows(JudgeException.class, () -> client(server, 3).score("t", "task"));
      assertTrue(
          e.getMessage().contains("3 attempt(s)")
              && e.getMessage().contains("malformed reply 'score: 0.5'"),
          e.getMessage());
      assertEquals(3, server.received().size());
    }
  }

  @Test
  void clientErrorsFailAtOnceAndRedactAnEchoedKey() throws IOException {
    try (ChatServer server =
        ChatServer.scripted(
            ChatServer.Reply.status(401, "{\"error\":\"invalid key Bearer " + KEY + "\"}"))) {
      JudgeException e =
          assertThrows(JudgeException.class, () -> client(server, 4).score("t", "task"));
      assertTrue(
          e.getMessage().contains("HTTP 401") && e.getMessage().contains("<redacted>"),
          e.getMessage());
      assertFalse(e.getMessage().contains(KEY));
      assertEquals(1, server.received().size(), "not retried");
      assertEquals(List.of(), sleeps);
    }
  }

  @Test
  void missingKeyAndBadConfigAreClearErrors() {
    URI endpoint = URI.create("http://127.0.0.1:9/v1/chat/completions");
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new JudgeClient(config(endpoint, 1), name -> null, sleeps::add));
    assertTrue(
        e.getMessage().contains("'JUDGE_KEY'") && e.getMessage().contains("not set"),
        e.getMessage());
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> JudgeConfig.of(URI.create("ftp://x/y"), "m", null, "rubric"));
    assertTrue(e.getMessage().contains("endpoint"), e.getMessage());
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> JudgeConfig.of(endpoint, "m", "bad name!", "rubric"));
    assertTrue(e.getMessage().contains("apiKeyEnv"), e.getMessage());
    JudgeConfig noAuth = JudgeConfig.of(endpoint, "m", null, "rubric");
    assertEquals(null, noAuth.apiKeyEnv());
  }
}
