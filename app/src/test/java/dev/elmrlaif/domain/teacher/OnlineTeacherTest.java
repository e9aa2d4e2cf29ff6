package dev.elmrlaif.domain.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.TeacherConfig;
import dev.elmrlaif.domain.config.TeacherMode;
import dev.elmrlaif.domain.tasks.TaskCatalog;
import dev.elmrlaif.domain.tasks.TeacherRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The online teacher against an in-process server speaking the chat-completions wire format. */
class OnlineTeacherTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path cache;
  private HttpServer server;

  /** Scripted replies, consumed one per request: {status, body, Retry-After or null}. */
  private final Deque<String[]> replies = new ArrayDeque<>();

  private final List<JsonNode> requests = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private final List<String> paths = new ArrayList<>();

  private final List<MovieFacts> movies =
      List.of(
          new MovieFacts(
              "Heat (1995)", 1995, List.of("crime"), List.of(), List.of(), "", "", 4.0, 10),
          new MovieFacts(
              "American President, The (1995)",
              1995,
              List.of("comedy"),
              List.of(),
              List.of(),
              "",
              "",
              3.5,
              5));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
    authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
    requests.add(JSON.readTree(exchange.getRequestBody()));
    String[] reply =
        replies.isEmpty()
            ? new String[] {"500", "{\"error\":{\"message\":\"script exhausted\"}}", null}
            : replies.poll();
    byte[] body = reply[1].getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if (reply[2] != null) {
      exchange.getResponseHeaders().add("Retry-After", reply[2]);
    }
    exchange.sendResponseHeaders(Integer.parseInt(reply[0]), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String completion(String content) throws IOException {
    return JSON.writeValueAsString(
        Map.of(
            "id",
            "chatcmpl-1",
            "object",
            "chat.completion",
            "choices",
            List.of(
                Map.of(
                    "index",
                    0,
                    "finish_reason",
                    "stop",
                    "message",
                    Map.of("role", "assistant", "content", content)))));
  }

  /**
   * A teacher at the test server; its key variable is TEST_KEY when the environment sets it, else
   * none.
   */
  private OnlineTeacher teacher(int maxRetries, Map<String, String> environment) {
    TeacherConfig config =
        TeacherConfig.defaults()
            .with(
                b ->
                    b.mode(TeacherMode.ONLINE)
                        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/")
                        .model("test-model")
                        .apiKeyEnv(environment.containsKey("TEST_KEY") ? "TEST_KEY" : "")
                        .temperature(0.5)
                        .maxTokens(64)
                        .timeoutSeconds(5)
                        .maxRetries(maxRetries)
                        .backoffMillis(1)
                        .requestsPerMinute(0));
    return new OnlineTeacher(config, movies, cache, environment);
  }

  @Test
  void sendsThePaperPromptWithTheTitleAndScrubsTheTitleFromTheReply() throws IOException {
    replies.add(
        new String[] {"200", completion("Heat is a tense crime saga. Heat never lets go."), null});
    OnlineTeacher teacher = teacher(0, Map.of("TEST_KEY", "secret"));
    String target =
        teacher.write(TeacherRequest.movies(TaskCatalog.movieLens().get("summary"), List.of(0)));
    assertEquals("The film is a tense crime saga. The film never lets go.", target);
    assertEquals(List.of("POST /v1/chat/completions"), paths);
    assertEquals("Bearer secret", authorizations.get(0));
    JsonNode sent = requests.get(0);
    assertEquals("test-model", sent.path("model").asText());
    assertEquals(64, sent.path("max_tokens").asInt());
    assertEquals(0.5, sent.path("temperature").asDouble());
    assertEquals("user", sent.path("messages").path(0).path("role").asText());
    assertEquals(
        "Write a long summary of the movie Heat (1995). Do not use the movie's name in your answer.",
        sent.path("messages").path(0).path("content").asText());
  }

  @Test
  void cachesRepliesOnDiskByPrompt() throws IOException {
    replies.add(new String[] {"200", completion("A comedy about a widowed leader."), null});
    OnlineTeacher first = teacher(0, Map.of());
    TeacherRequest request =
        TeacherRequest.movies(TaskCatalog.movieLens().get("pitch"), List.of(1));
    String reply = first.write(request);
    // a fresh teacher on the same cache folder answers without the server
    assertEquals(reply, teacher(0, Map.of()).write(request));
    assertEquals(1, requests.size());
    assertEquals(null, authorizations.get(0), "no key configured, no Authorization header");
  }

  @Test
  void retriesRateLimitsAndServerErrorsThenSucceeds() throws IOException {
    replies.add(
        new String[] {
          "429", "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}", "0"
        });
    replies.add(new String[] {"503", "{\"error\":{\"message\":\"overloaded\"}}", null});
    replies.add(new String[] {"200", completion("Two films, one story."), null});
    String text =
        teacher(3, Map.of())
            .write(
                TeacherRequest.movies(TaskCatalog.movieLens().get("interpolation"), List.of(0, 1)));
    assertEquals("Two films, one story.", text);
    assertEquals(3, requests.size());
    assertTrue(
        requests
            .get(2)
            .path("messages")
            .path(0)
            .path("content")
            .asText()
            .contains("between Heat (1995) and American President, The (1995)"));
  }

  @Test
  void clientErrorsFailAtOnceWithTheEndpointsMaskedMessage() {
    String key = "sk-teacher-TEST-0b7c1e";
    replies.add(
        new String[] {
          "401",
          "{\"error\":{\"message\":\"Incorrect API key provided: "
              + key
              + "\",\"code\":\"invalid_api_key\"}}",
          null
        });
    UserInputException unauthorized =
        assertThrows(
            UserInputException.class,
            () ->
                teacher(3, Map.of("TEST_KEY", key))
                    .write(
                        TeacherRequest.movies(TaskCatalog.movieLens().get("summary"), List.of(0))));
    assertTrue(
        unauthorized
            .getMessage()
            .contains(
                "HTTP 401 'Incorrect API key provided: <redacted>' (not retried);"
                    + " check the API key in $TEST_KEY"),
        unauthorized.getMessage());
    assertFalse(unauthorized.getMessage().contains(key));
    assertEquals("Bearer " + key, authorizations.get(0), "the key was sent");
    assertEquals(1, requests.size(), "a 401 is not retried");
  }

  @Test
  void exhaustedRetriesAreAUserErrorNamingTheEndpointAndItsLastAnswer() {
    replies.add(new String[] {"500", "{\"error\":{\"message\":\"boom\"}}", null});
    replies.add(new String[] {"500", "not json at all", null});
    UserInputException exhausted =
        assertThrows(
            UserInputException.class,
            () ->
                teacher(1, Map.of())
                    .write(
                        TeacherRequest.movies(TaskCatalog.movieLens().get("summary"), List.of(1))));
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions";
    assertTrue(
        exhausted
            .getMessage()
            .startsWith(
                "data.teacher: endpoint "
                    + endpoint
                    + " failed after 2 attempt(s);"
                    + " last failure: HTTP 500 'not json at all'"),
        exhausted.getMessage());
    assertEquals(2, requests.size());
  }

  @Test
  void malformedRepliesAreRetried() throws IOException {
    replies.add(new String[] {"200", "{\"choices\":[]}", null});
    replies.add(new String[] {"200", "{\"choices\": [ {\"message\": ", null});
    replies.add(new String[] {"200", completion("A pitch at last."), null});
    assertEquals(
        "A pitch at last.",
        teacher(2, Map.of())
            .write(TeacherRequest.movies(TaskCatalog.movieLens().get("pitch"), List.of(0))));
    assertEquals(3, requests.size());

    replies.add(new String[] {"200", "{\"choices\":[]}", null});
    UserInputException malformed =
        assertThrows(
            UserInputException.class,
            () ->
                teacher(0, Map.of())
                    .write(
                        TeacherRequest.movies(TaskCatalog.movieLens().get("pitch"), List.of(1))));
    assertTrue(
        malformed
            .getMessage()
            .contains(
                "malformed reply '{\"choices\":[]}' (expected a non-empty text in"
                    + " choices[0].message.content)"),
        malformed.getMessage());
  }

  @Test
  void aNamedKeyVariableThatIsNotSetStopsTheTeacherBeforeAnyRequest() {
    TeacherConfig config =
        TeacherConfig.defaults()
            .with(
                b ->
                    b.mode(TeacherMode.ONLINE)
                        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                        .model("test-model")
                        .apiKeyEnv("ELM_TEACHER_UNSET")
                        .temperature(0.5)
                        .maxTokens(64)
                        .timeoutSeconds(5)
                        .maxRetries(0)
                        .backoffMillis(1)
                        .requestsPerMinute(0));
    UserInputException unset =
        assertThrows(
            UserInputException.class, () -> new OnlineTeacher(config, movies, cache, Map.of()));
    assertTrue(
        unset
            .getMessage()
            .startsWith(
                "data.teacher.api_key_env: the environment variable ELM_TEACHER_UNSET"
                    + " is not set"),
        unset.getMessage());
    UserInputException notAName =
        YamlConfigs.rejects(
            "data:\n  teacher:\n    mode: online\n"
                + "    base_url: http://127.0.0.1:9/v1\n    model: m\n    api_key_env: sk-live-abc123\n");
    assertTrue(
        notAName
            .getMessage()
            .contains(
                "line 6: data.teacher.api_key_env: expected the name of an environment"
                    + " variable"),
        notAName.getMessage());
    assertFalse(notAName.getMessage().contains("sk-live-abc123"));
    assertEquals(List.of(), requests);
  }

  @Test
  void userProfilePromptListsLikedAndDislikedTitles() throws IOException {
    replies.add(new String[] {"200", completion("* They enjoy crime films."), null});
    teacher(0, Map.of())
        .write(
            new TeacherRequest(
                TaskCatalog.movieLens().get("user_profile"), List.of(7), List.of(0), List.of(1)));
    assertEquals(
        "In ten bullet points, describe the attributes and characteristics of a viewer who likes the movies: "
            + "Heat (1995) but dislikes the movies: American President, The (1995).",
        requests.get(0).path("messages").path(0).path("content").asText());
  }
}
