package dev.elmrlaif.rewards.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.Hashing;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import dev.elmrlaif.rewards.http.EndpointException;
import dev.elmrlaif.rewards.http.RetryingChatClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AI judge over an OpenAI-compatible chat-completions endpoint (the "AI feedback" of RLAIF,
 * DESIGN.md §5): scores a text 0–1 against a rubric, or says which of two texts is better.
 *
 * <p>Wire format: {@code POST endpoint} with {@code {"model", "messages": [system, user],
 * "temperature", "max_tokens"}} and {@code Authorization: Bearer <key>} when {@link
 * JudgeConfig#apiKeyEnv()} is set; the reply's {@code choices[0].message.content} must be exactly
 * one line, surrounding whitespace allowed:
 *
 * <ul>
 *   <li>score: {@code SCORE: <x>} with {@code x} a decimal in [0, 1] (e.g. {@code SCORE: 0.75});
 *   <li>preference: {@code PREFERENCE: A} or {@code PREFERENCE: B}.
 * </ul>
 *
 * Anything else is malformed. The requests go through the shared {@link RetryingChatClient}:
 * malformed replies, HTTP 429 and 5xx, timeouts and I/O errors are retried up to {@link
 * JudgeConfig#maxAttempts()} with exponential backoff (a server's {@code Retry-After} in seconds is
 * honoured, capped by {@link JudgeConfig#maxBackoff()}); other HTTP statuses fail at once. When
 * every attempt fails, a {@link JudgeException} is thrown. Successful judgements are cached in
 * memory (bounded, keyed by the exact request content) and, when a {@link JudgeReplyStore} is
 * given, on disk under the SHA-256 of the model and the messages (never the key), so a judgement is
 * paid for once across runs. The API key is read once from the environment and never logged or put
 * in a message: any text a server sends back is masked before it reaches a message or the log.
 * Thread-safe.
 */
public final class JudgeClient {

  /** Which of two texts the judge preferred. */
  public enum Preference {
    FIRST,
    SECOND
  }

  private static final Pattern SCORE =
      Pattern.compile("\\A\\s*SCORE:[ \\t]*([0-9]*\\.?[0-9]+)\\s*\\z");
  private static final Pattern PREFERENCE =
      Pattern.compile("\\A\\s*PREFERENCE:[ \\t]*([AB])\\s*\\z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JudgeConfig config;
  private final String apiKey;
  private final RetryingChatClient chat;
  private final Cache<String, Object> cache;
  private final JudgeReplyStore store;

  /**
   * @param environment looks up environment variables (use {@code System::getenv})
   * @throws InvalidRewardInputException if {@code apiKeyEnv} is set but the variable is missing or
   *     blank
   */
  public JudgeClient(JudgeConfig config, Function<String, String> environment, Sleeper sleeper) {
    this(config, environment, sleeper, JudgeReplyStore.none());
  }

  /**
   * @param environment looks up environment variables (use {@code System::getenv})
   * @param store where accepted replies persist across runs ({@link JudgeReplyStore#none()} for
   *     nowhere)
   * @throws InvalidRewardInputException if {@code apiKeyEnv} is set but the variable is missing or
   *     blank
   */
  public JudgeClient(
      JudgeConfig config,
      Function<String, String> environment,
      Sleeper sleeper,
      JudgeReplyStore store) {
    this.config = config;
    this.store = store;
    if (config.apiKeyEnv() != null) {
      String key = environment.apply(config.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new InvalidRewardInputException(
            "environment variable '"
                + config.apiKeyEnv()
                + "' (JudgeConfig.apiKeyEnv) is not set; it must hold the judge endpoint's API key");
      }
      this.apiKey = key.strip();
    } else {
      this.apiKey = null;
    }
    this.chat =
        new RetryingChatClient(
            "judge",
            config.endpoint(),
            apiKey,
            new RetryingChatClient.Policy(
                config.requestTimeout(),
                config.maxAttempts(),
                config.initialBackoff(),
                config.backoffMultiplier(),
                config.maxBackoff()),
            sleeper::sleep,
            null);
    this.cache = CacheBuilder.newBuilder().maximumSize(config.cacheSize()).build();
  }

  /** A client reading the key from the process environment and sleeping between retries. */
  public static JudgeClient create(JudgeConfig config) {
    return new JudgeClient(config, System::getenv, Sleeper.threadSleep());
  }

  /**
   * Scores {@code text} in [0, 1] against the rubric.
   *
   * @param task what the text was meant to be (task prompt, reference facts); may be empty
   * @throws JudgeException when every attempt failed
   */
  public double score(String text, String task) {
    String system =
        "You are a strict, consistent evaluator of generated texts. Rubric: "
            + config.rubric()
            + "\nReply with exactly one line of the form 'SCORE: <number between 0 and 1>' and nothing else.";
    String user = "Task:\n" + nullToEmpty(task) + "\n\nText to evaluate:\n" + nullToEmpty(text);
    return (Double)
        judge(
            system,
            user,
            SCORE,
            match -> {
              double value = Double.parseDouble(match.group(1));
              return value <= 1.0 ? Optional.of(value) : Optional.empty();
            });
  }

  /**
   * Asks which of two texts better fulfils the task under the rubric (text A is {@code first}).
   *
   * @throws JudgeException when every attempt failed
   */
  public Preference compare(String first, String second, String task) {
    String system =
        "You are a strict, consistent evaluator comparing two generated texts. Rubric: "
            + config.rubric()
            + "\nReply with exactly one line, 'PREFERENCE: A' or 'PREFERENCE: B', naming the "
            + "better text, and nothing else.";
    String user =
        "Task:\n"
            + nullToEmpty(task)
            + "\n\nText A:\n"
            + nullToEmpty(first)
            + "\n\nText B:\n"
            + nullToEmpty(second);
    return (Preference)
        judge(
            system,
            user,
            PREFERENCE,
            match ->
                Optional.of(match.group(1).equals("A") ? Preference.FIRST : Preference.SECOND));
  }

  private Object judge(
      String system, String user, Pattern pattern, Function<Matcher, Optional<Object>> parse) {
    String cacheKey = system + "\u0000" + user;
    Object cached = cache.getIfPresent(cacheKey);
    if (cached != null) {
      return cached;
    }
    String digest =
        Hashing.sha256()
            .hashString(config.model() + "\u0000" + cacheKey, StandardCharsets.UTF_8)
            .toString();
    Optional<Object> stored = store.get(digest).flatMap(reply -> parse(reply, pattern, parse));
    if (stored.isPresent()) {
      if (config.cacheSize() > 0) {
        cache.put(cacheKey, stored.get());
      }
      return stored.get();
    }
    byte[] body = requestBody(system, user);
    String expected = pattern == SCORE ? "'SCORE: <0..1>'" : "'PREFERENCE: A|B'";
    String[] accepted = new String[1];
    try {
      Object value =
          chat.post(
              body,
              content -> {
                Optional<Object> parsed = parse(content, pattern, parse);
                parsed.ifPresent(v -> accepted[0] = content.strip());
                return parsed;
              },
              expected);
      if (config.cacheSize() > 0) {
        cache.put(cacheKey, value);
      }
      store.put(digest, accepted[0]);
      return value;
    } catch (EndpointException e) {
      throw new JudgeException("judge " + e.getMessage(), e);
    }
  }

  private static Optional<Object> parse(
      String text, Pattern pattern, Function<Matcher, Optional<Object>> parse) {
    Matcher matcher = pattern.matcher(text);
    return matcher.matches() ? parse.apply(matcher) : Optional.empty();
  }

  /**
   * One GET of {@code uri} with this client's key (a start-up check that the endpoint answers at
   * all): the HTTP status, whatever it is.
   *
   * @throws IOException when nothing answers in time; its message is masked (never holds the key)
   */
  public int probe(URI uri) throws IOException {
    return chat.probe(uri);
  }

  private byte[] requestBody(String system, String user) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", config.model());
    ArrayNode messages = root.putArray("messages");
    messages.addObject().put("role", "system").put("content", system);
    messages.addObject().put("role", "user").put("content", user);
    root.put("temperature", config.temperature());
    root.put("max_tokens", config.maxTokens());
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  @Override
  public String toString() {
    return "JudgeClient[" + config.endpoint() + ", model=" + config.model() + "]";
  }
}
