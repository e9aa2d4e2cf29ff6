package dev.elmrlaif.rewards.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one retrying client of OpenAI-compatible chat-completions endpoints, shared by the online
 * teacher and the AI judge: {@code POST endpoint} with a JSON body and {@code Authorization: Bearer
 * <key>} when there is a key, reading {@code choices[0].message.content}.
 *
 * <p>Retried, up to {@link Policy#maxAttempts()} attempts in all: HTTP 429 and 5xx, timeouts,
 * refused or broken connections, and 200 replies that are malformed (no JSON, no textual content,
 * or content the caller does not accept). Between attempts it waits {@code initialBackoff ·
 * multiplier^(k−1)} before attempt {@code k+1}, or the server's {@code Retry-After} (seconds) when
 * it sends one, each wait capped by {@link Policy#maxBackoff()}. Any other status (400, 401, 403,
 * 404, ...) is not retried. Every failed attempt is a warning in the log; when no attempt succeeds
 * an {@link EndpointException} names the endpoint, the attempts and the last failure.
 *
 * <p>The key is registered with {@link Secrets} when the client is made: whatever the server sends
 * back (an error that echoes the bearer token) is masked before it reaches a message or the log.
 * Thread-safe.
 */
public final class RetryingChatClient {

  /**
   * How requests are timed and retried.
   *
   * @param timeout per request (connect and response)
   * @param maxAttempts attempts per request, the first included (>= 1)
   * @param initialBackoff the wait before the second attempt (>= 0)
   * @param multiplier the factor of each following wait (>= 1)
   * @param maxBackoff the longest wait, a server's Retry-After included
   */
  public record Policy(
      Duration timeout,
      int maxAttempts,
      Duration initialBackoff,
      double multiplier,
      Duration maxBackoff) {
    public Policy {
      if (timeout == null
          || timeout.isZero()
          || timeout.isNegative()
          || maxAttempts < 1
          || initialBackoff == null
          || initialBackoff.isNegative()
          || !(multiplier >= 1)
          || Double.isInfinite(multiplier)
          || maxBackoff == null
          || maxBackoff.isNegative()) {
        throw new IllegalArgumentException(
            "RetryingChatClient.Policy: timeout > 0, maxAttempts >= 1, "
                + "initialBackoff >= 0, multiplier >= 1 and maxBackoff >= 0 expected; found "
                + timeout
                + ", "
                + maxAttempts
                + ", "
                + initialBackoff
                + ", "
                + multiplier
                + ", "
                + maxBackoff);
      }
    }
  }

  /** Waits between attempts; tests substitute a recorder. */
  @FunctionalInterface
  public interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Logger LOG = LogManager.getLogger(RetryingChatClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final URI endpoint;
  private final String apiKey;
  private final Policy policy;
  private final Pause pause;
  private final Runnable beforeAttempt;
  private final HttpClient http;

  /**
   * @param name who is calling, for the log ("judge", "teacher")
   * @param apiKey the bearer token, or null for none
   * @param beforeAttempt runs before every attempt (a rate limiter's wait), or null
   */
  public RetryingChatClient(
      String name,
      URI endpoint,
      String apiKey,
      Policy policy,
      Pause pause,
      Runnable beforeAttempt) {
    this.name = name;
    this.endpoint = endpoint;
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    Secrets.register(this.apiKey);
    this.policy = policy;
    this.pause = pause;
    this.beforeAttempt = beforeAttempt == null ? () -> {} : beforeAttempt;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(policy.timeout())
            .build();
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * Posts {@code body} until a reply's content is accepted.
   *
   * @param accept the value of an acceptable content, or empty when it is malformed (retried)
   * @param expected what an acceptable content looks like, for the messages
   * @throws EndpointException when the endpoint refused the request or every attempt failed
   */
  public <T> T post(byte[] body, Function<String, Optional<T>> accept, String expected) {
    String lastFailure = "no attempt made";
    int lastStatus = -1;
    Throwable lastCause = null;
    Duration wait = policy.initialBackoff();
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      Duration retryAfter = null;
      beforeAttempt.run();
      try {
        HttpResponse<String> response =
            http.send(request(body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        lastStatus = status;
        lastCause = null;
        if (status == 200) {
          Optional<String> content = content(response.body());
          Optional<T> value = content.flatMap(accept);
          if (value.isPresent()) {
            return value.get();
          }
          lastFailure =
              "malformed reply "
                  + excerpt(content.orElse(response.body()))
                  + " (expected "
                  + expected
                  + ")";
        } else if (status == 429 || status >= 500) {
          lastFailure = "HTTP " + status + " " + serverMessage(response.body());
          retryAfter =
              response
                  .headers()
                  .firstValue("Retry-After")
                  .flatMap(RetryingChatClient::seconds)
                  .orElse(null);
        } else {
          throw new EndpointException(
              endpoint,
              status,
              true,
              "endpoint "
                  + endpoint
                  + " refused the request: HTTP "
                  + status
                  + " "
                  + serverMessage(response.body())
                  + " (not retried)",
              null);
        }
      } catch (IOException e) {
        lastFailure =
            e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + Secrets.mask(e.getMessage()));
        lastStatus = -1;
        lastCause =
            null; // its message may hold what the server sent; the masked text above stands for it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EndpointException(
            endpoint, lastStatus, false, "interrupted while calling " + endpoint, null);
      }
      if (attempt < policy.maxAttempts()) {
        Duration next = retryAfter != null ? retryAfter : wait;
        next = next.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : next;
        LOG.warn(
            "{} attempt {}/{} at {} failed: {}; retrying in {} ms",
            capitalised(name),
            attempt,
            policy.maxAttempts(),
            endpoint,
            lastFailure,
            next.toMillis());
        try {
          pause.sleep(next);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EndpointException(
              endpoint, lastStatus, false, "interrupted while waiting to retry " + endpoint, null);
        }
        wait =
            Duration.ofNanos(
                (long) Math.min(Long.MAX_VALUE / 2.0, wait.toNanos() * policy.multiplier()));
      } else {
        LOG.warn(
            "{} attempt {}/{} at {} failed: {}",
            capitalised(name),
            attempt,
            policy.maxAttempts(),
            endpoint,
            lastFailure);
      }
    }
    throw new EndpointException(
        endpoint,
        lastStatus,
        false,
        "endpoint "
            + endpoint
            + " failed after "
            + policy.maxAttempts()
            + " attempt(s); last failure: "
            + lastFailure,
        lastCause);
  }

  /**
   * One GET of {@code uri} with this client's key (a start-up check that the endpoint answers at
   * all): the HTTP status, whatever it is.
   *
   * @throws IOException when nothing answers in time; its message is masked
   */
  public int probe(URI uri) throws IOException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(policy.timeout()).GET();
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IOException(
          e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + Secrets.mask(e.getMessage())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while probing " + uri);
    }
  }

  private HttpRequest request(byte[] body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(policy.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    return builder.build();
  }

  /** {@code choices[0].message.content} when it is a string. */
  private static Optional<String> content(String body) {
    try {
      JsonNode node = JSON.readTree(body == null ? "" : body);
      JsonNode content =
          node == null ? null : node.path("choices").path(0).path("message").path("content");
      return content != null && content.isTextual()
          ? Optional.of(content.asText())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * An error reply's {@code error.message} (or textual {@code error}) when it has one, else its
   * text; quoted, masked.
   */
  private static String serverMessage(String body) {
    try {
      JsonNode error = JSON.readTree(body == null ? "" : body);
      error = error == null ? null : error.path("error");
      if (error != null && error.path("message").isTextual()) {
        return excerpt(error.path("message").asText());
      }
      if (error != null && error.isTextual()) {
        return excerpt(error.asText());
      }
    } catch (IOException e) {
      // not JSON: the text itself
    }
    return excerpt(body);
  }

  /** One line of at most 200 characters, quoted and masked. */
  static String excerpt(String text) {
    String oneLine = Secrets.mask(text == null ? "" : text).replaceAll("\\s+", " ").strip();
    return "'" + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine) + "'";
  }

  private static Optional<Duration> seconds(String header) {
    try {
      double value = Double.parseDouble(header.strip());
      return value >= 0 && Double.isFinite(value)
          ? Optional.of(Duration.ofMillis((long) (value * 1000)))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String capitalised(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  @Override
  public String toString() {
    return "RetryingChatClient[" + name + ", " + endpoint + "]";
  }
}
