package dev.elmrlaif.domain.teacher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.ApiKeyEnv;
import dev.elmrlaif.domain.config.TeacherConfig;
import dev.elmrlaif.domain.tasks.TargetStyle;
import dev.elmrlaif.domain.tasks.Teacher;
import dev.elmrlaif.domain.tasks.TeacherRequest;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.rewards.http.EndpointException;
import dev.elmrlaif.rewards.http.RetryingChatClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The online teacher: sends each task's teacher prompt, with the real titles, to an
 * OpenAI-compatible chat-completions endpoint ({@code POST <base_url>/chat/completions}), as the
 * paper did with PaLM 2. Replies are cached on disk under the SHA-256 of (model, temperature, max
 * tokens, prompt), so a prompt is paid for once. Requests go through the shared {@link
 * RetryingChatClient}, spaced to the configured rate: a 429, a 5xx, a timeout, a broken connection
 * or a malformed reply is retried with exponential backoff (honouring {@code Retry-After}); other
 * 4xx replies fail at once with the endpoint's (masked) error message, and so do exhausted retries:
 * both are user errors (exit 2) naming the endpoint and its last answer. A named key variable that
 * is not set stops the teacher before any request ({@link ApiKeyEnv}). Replies pass through the
 * title scrubber.
 */
public final class OnlineTeacher implements Teacher {
  private static final long MAX_BACKOFF_MILLIS = 60_000;

  private final TeacherConfig config;
  private final List<MovieFacts> movies;
  private final Path cacheDir;
  private final RetryingChatClient chat;
  private final ObjectMapper json = JsonMapper.builder().build();
  private long nextRequestNanos = System.nanoTime();

  /**
   * @param environment where the API key is read, under the variable named by {@code api_key_env}
   */
  public OnlineTeacher(
      TeacherConfig config,
      List<MovieFacts> movies,
      Path cacheDir,
      Map<String, String> environment) {
    this.config = config;
    this.movies = List.copyOf(movies);
    this.cacheDir = cacheDir;
    URI endpoint = endpoint(config);
    String apiKey =
        ApiKeyEnv.read("data.teacher.api_key_env", config.apiKeyEnv(), environment, endpoint);
    this.chat =
        new RetryingChatClient(
            "teacher",
            endpoint,
            apiKey,
            new RetryingChatClient.Policy(
                Duration.ofSeconds(config.timeoutSeconds()),
                config.maxRetries() + 1,
                Duration.ofMillis(config.backoffMillis()),
                2.0,
                Duration.ofMillis(MAX_BACKOFF_MILLIS)),
            duration -> Thread.sleep(duration.toMillis()),
            this::waitForRateLimit);
  }

  /**
   * The chat-completions URL, {@code <base_url>/chat/completions}.
   *
   * @throws UserInputException naming {@code data.teacher.base_url} when it is no http(s) URL
   */
  public static URI endpoint(TeacherConfig config) {
    try {
      URI uri = new URI(config.baseUrl().strip().replaceAll("/+$", "") + "/chat/completions");
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new URISyntaxException(config.baseUrl(), "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UserInputException(
          "data.teacher.base_url: found \""
              + config.baseUrl()
              + "\", expected an http(s)"
              + " URL such as https://api.openai.com/v1");
    }
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
      prompt =
          prompt
              .replace("{liked_titles}", titleList(request.liked(), titles))
              .replace("{disliked_titles}", titleList(request.disliked(), titles));
    }
    for (int slot = 0;
        slot < request.entities().size() && request.task().style() != TargetStyle.USER_PROFILE;
        slot++) {
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
    byte[] body = requestBody(prompt).getBytes(StandardCharsets.UTF_8);
    try {
      return chat.post(
          body,
          content -> content.isBlank() ? Optional.empty() : Optional.of(content),
          "a non-empty text in choices[0].message.content");
    } catch (EndpointException e) {
      String hint =
          !e.refused()
              ? "; raise data.teacher.max_retries, lower data.teacher.requests_per_minute or try"
                  + " again later (replies so far are cached)"
              : e.lastStatus() == 401 || e.lastStatus() == 403
                  ? "; check the API key in $" + config.apiKeyEnv()
                  : "; check data.teacher.base_url and data.teacher.model";
      throw new UserInputException("data.teacher: " + e.getMessage() + hint);
    }
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

  /** Spaces request starts at least 60 s / requests_per_minute apart. */
  private synchronized void waitForRateLimit() {
    if (config.requestsPerMinute() == 0) {
      return;
    }
    long now = System.nanoTime();
    if (nextRequestNanos > now) {
      pause((nextRequestNanos - now) / 1_000_000);
    }
    nextRequestNanos =
        Math.max(now, nextRequestNanos) + 60_000_000_000L / config.requestsPerMinute();
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
    String key =
        Hashing.sha256()
            .hashString(
                config.model()
                    + "\n"
                    + config.temperature()
                    + "\n"
                    + config.maxTokens()
                    + "\n"
                    + prompt,
                StandardCharsets.UTF_8)
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
