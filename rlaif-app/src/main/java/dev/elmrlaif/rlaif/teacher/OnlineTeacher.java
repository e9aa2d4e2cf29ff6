package dev.elmrlaif.rlaif.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.TeacherConfig;
import dev.elmrlaif.rlaif.tasks.TargetStyle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The online teacher: sends each task's teacher prompt, with the real titles, to an OpenAI-compatible
 * chat-completions endpoint ({@code POST <base_url>/chat/completions}), as the paper did with PaLM 2.
 * Replies are cached on disk under the SHA-256 of (model, temperature, max tokens, prompt), so a
 * prompt is paid for once. Requests are spaced to the configured rate; a 429, a 5xx, a timeout or a
 * broken connection is retried with exponential backoff (honouring {@code Retry-After}); other 4xx
 * replies fail at once with the endpoint's error message. Replies pass through the title scrubber.
 */
public final class OnlineTeacher implements Teacher {
  private static final Logger LOG = LogManager.getLogger(OnlineTeacher.class);
  private static final long MAX_BACKOFF_MILLIS = 60_000;

  private final TeacherConfig config;
  private final List<MovieFacts> movies;
  private final Path cacheDir;
  private final String apiKey;
  private final HttpClient client;
  private final ObjectMapper json = JsonMapper.builder().build();
  private long nextRequestNanos = System.nanoTime();

  /**
   * @param environment where the API key is read, under the variable named by {@code api_key_env}
   */
  public OnlineTeacher(TeacherConfig config, List<MovieFacts> movies, Path cacheDir, Map<String, String> environment) {
    this.config = config;
    this.movies = List.copyOf(movies);
    this.cacheDir = cacheDir;
    this.apiKey = config.apiKeyEnv().isBlank() ? "" : environment.getOrDefault(config.apiKeyEnv(), "");
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(config.timeoutSeconds())).build();
  }

  @Override
  public String description() {
    return "online teacher (" + config.model() + " at " + config.baseUrl() + ")";
  }

  @Override
  public String write(TeacherRequest request) {
    List<String> titles = new ArrayList<>();
    String prompt = render(request, titles);
    String reply = cached(prompt);
    if (reply == null) {
      reply = complete(prompt);
      store(prompt, reply);
    }
    return new TitleScrubber(titles).scrub(reply.trim());
  }

  /** The teacher prompt with titles filled in; every title used is added to {@code titles}. */
  String render(TeacherRequest request, List<String> titles) {
    String prompt = request.task().teacherPrompt();
    if (request.task().style() == TargetStyle.USER_PROFILE) {
      prompt = prompt.replace("{liked_titles}", titleList(request.liked(), titles))
          .replace("{disliked_titles}", titleList(request.disliked(), titles));
    }
    for (int slot = 0; slot < request.entities().size() && request.task().style() != TargetStyle.USER_PROFILE; slot++) {
      String title = movies.get(request.entities().get(slot)).title();
      titles.add(title);
      prompt = prompt.replace("{title_" + slot + "}", title);
    }
    return prompt;
  }

  private String titleList(List<Integer> indices, List<String> titles) {
    List<String> names = indices.stream().map(m -> movies.get(m).title()).toList();
    titles.addAll(names);
    return names.stream().collect(Collectors.joining(", "));
  }

  private String complete(String prompt) {
    String body = requestBody(prompt);
    URI uri = URI.create(config.baseUrl().replaceAll("/+$", "") + "/chat/completions");
    String lastProblem = "";
    for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
      waitForRateLimit();
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(config.timeoutSeconds()))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (!apiKey.isEmpty()) {
        builder.header("Authorization", "Bearer " + apiKey);
      }
      long retryAfterMillis = -1;
      try {
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status == 200) {
          return contentOf(response.body(), uri);
        }
        String message = errorMessage(response.body());
        if (status != 429 && status < 500) {
          String hint = status == 401 || status == 403
              ? "; check the API key in $" + config.apiKeyEnv() : "; check data.teacher.base_url and data.teacher.model";
          throw new UserInputException(uri + ": HTTP " + status + " " + message + hint);
        }
        lastProblem = "HTTP " + status + " " + message;
        retryAfterMillis = response.headers().firstValue("Retry-After").map(OnlineTeacher::parseRetryAfter).orElse(-1L);
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("teacher request interrupted", e);
      }
      if (attempt < config.maxRetries()) {
        long backoff = retryAfterMillis >= 0 ? retryAfterMillis
            : Math.min(MAX_BACKOFF_MILLIS, config.backoffMillis() << Math.min(attempt, 20));
        LOG.warn("teacher request failed ({}); retry {}/{} in {} ms", lastProblem, attempt + 1, config.maxRetries(), backoff);
        pause(backoff);
      }
    }
    throw new IllegalStateException("teacher endpoint " + uri + " failed after " + (config.maxRetries() + 1)
        + " attempts; last: " + lastProblem);
  }

  private String requestBody(String prompt) {
    ObjectNode root = json.createObjectNode();
    root.put("model", config.model());
    ObjectNode message = root.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", prompt);
    root.put("temperature", config.temperature());
    root.put("max_tokens", config.maxTokens());
    return root.toString();
  }

  private String contentOf(String body, URI uri) {
    try {
      JsonNode content = json.readTree(body).path("choices").path(0).path("message").path("content");
      if (!content.isTextual()) {
        throw new IllegalStateException(uri + ": reply has no choices[0].message.content: " + abbreviate(body));
      }
      return content.asText();
    } catch (IOException e) {
      throw new IllegalStateException(uri + ": reply is not JSON: " + abbreviate(body), e);
    }
  }

  private String errorMessage(String body) {
    try {
      JsonNode error = json.readTree(body).path("error");
      String message = error.path("message").asText("");
      return message.isEmpty() ? abbreviate(body) : message;
    } catch (IOException e) {
      return abbreviate(body);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private static long parseRetryAfter(String value) {
    try {
      return (long) (Double.parseDouble(value.trim()) * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Spaces request starts at least 60 s / requests_per_minute apart. */
  private synchronized void waitForRateLimit() {
    if (config.requestsPerMinute() == 0) {
      return;
    }
    long now = System.nanoTime();
    if (nextRequestNanos > now) {
      pause((nextRequestNanos - now) / 1_000_000);
    }
    nextRequestNanos = Math.max(now, nextRequestNanos) + 60_000_000_000L / config.requestsPerMinute();
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("teacher wait interrupted", e);
    }
  }

  private Path cacheFile(String prompt) {
    String key = Hashing.sha256().hashString(
        config.model() + "\n" + config.temperature() + "\n" + config.maxTokens() + "\n" + prompt, StandardCharsets.UTF_8)
        .toString();
    return cacheDir.resolve(key.substring(0, 2)).resolve(key + ".txt");
  }

  private String cached(String prompt) {
    Path file = cacheFile(prompt);
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read teacher cache " + file, e);
    }
  }

  private void store(String prompt, String reply) {
    AtomicFiles.writeString(cacheFile(prompt), reply);
  }
}
