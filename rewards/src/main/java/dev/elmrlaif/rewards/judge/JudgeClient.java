package dev.elmrlaif.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.Hashing;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An AI judge over an OpenAI-compatible chat-completions endpoint (the "AI feedback" of RLAIF, DESIGN.md §5):
 * scores a text 0–1 against a rubric, or says which of two texts is better.
 *
 * <p>Wire format: {@code POST endpoint} with {@code {"model", "messages": [system, user], "temperature",
 * "max_tokens"}} and {@code Authorization: Bearer <key>} when {@link JudgeConfig#apiKeyEnv()} is set; the
 * reply's {@code choices[0].message.content} must be exactly one line, surrounding whitespace allowed:
 * <ul>
 *   <li>score: {@code SCORE: <x>} with {@code x} a decimal in [0, 1] (e.g. {@code SCORE: 0.75});</li>
 *   <li>preference: {@code PREFERENCE: A} or {@code PREFERENCE: B}.</li>
 * </ul>
 * Anything else is malformed. Malformed replies, HTTP 429 and 5xx, timeouts and I/O errors are retried up to
 * {@link JudgeConfig#maxAttempts()} with exponential backoff (a server's {@code Retry-After} in seconds is
 * honoured, capped by {@link JudgeConfig#maxBackoff()}); other HTTP statuses fail at once. When every attempt
 * fails, a {@link JudgeException} is thrown. Successful judgements are cached in memory (bounded, keyed by the
 * exact request content) and, when a {@link JudgeReplyStore} is given, on disk under the SHA-256 of the model
 * and the messages (never the key), so a judgement is paid for once across runs. The API key is read once
 * from the environment and never logged or put in a message: any text a server sends back is masked before
 * it reaches a message or the log. Thread-safe.
 */
public final class JudgeClient {

    /** Which of two texts the judge preferred. */
    public enum Preference { FIRST, SECOND }

    private static final Logger LOG = LogManager.getLogger(JudgeClient.class);
    private static final Pattern SCORE = Pattern.compile("\\A\\s*SCORE:[ \\t]*([0-9]*\\.?[0-9]+)\\s*\\z");
    private static final Pattern PREFERENCE = Pattern.compile("\\A\\s*PREFERENCE:[ \\t]*([AB])\\s*\\z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JudgeConfig config;
    private final String apiKey;
    private final Sleeper sleeper;
    private final HttpClient http;
    private final Cache<String, Object> cache;
    private final JudgeReplyStore store;

    /**
     * @param environment looks up environment variables (use {@code System::getenv})
     * @throws InvalidRewardInputException if {@code apiKeyEnv} is set but the variable is missing or blank
     */
    public JudgeClient(JudgeConfig config, Function<String, String> environment, Sleeper sleeper) {
        this(config, environment, sleeper, JudgeReplyStore.none());
    }

    /**
     * @param environment looks up environment variables (use {@code System::getenv})
     * @param store       where accepted replies persist across runs ({@link JudgeReplyStore#none()} for nowhere)
     * @throws InvalidRewardInputException if {@code apiKeyEnv} is set but the variable is missing or blank
     */
    public JudgeClient(JudgeConfig config, Function<String, String> environment, Sleeper sleeper,
            JudgeReplyStore store) {
        this.config = config;
        this.sleeper = sleeper;
        this.store = store;
        if (config.apiKeyEnv() != null) {
            String key = environment.apply(config.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new InvalidRewardInputException("environment variable '" + config.apiKeyEnv()
                        + "' (JudgeConfig.apiKeyEnv) is not set; it must hold the judge endpoint's API key");
            }
            this.apiKey = key.strip();
        } else {
            this.apiKey = null;
        }
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout()).build();
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
        String system = "You are a strict, consistent evaluator of generated texts. Rubric: " + config.rubric()
                + "\nReply with exactly one line of the form 'SCORE: <number between 0 and 1>' and nothing else.";
        String user = "Task:\n" + nullToEmpty(task) + "\n\nText to evaluate:\n" + nullToEmpty(text);
        return (Double) judge(system, user, SCORE, match -> {
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
        String system = "You are a strict, consistent evaluator comparing two generated texts. Rubric: "
                + config.rubric() + "\nReply with exactly one line, 'PREFERENCE: A' or 'PREFERENCE: B', naming the "
                + "better text, and nothing else.";
        String user = "Task:\n" + nullToEmpty(task) + "\n\nText A:\n" + nullToEmpty(first) + "\n\nText B:\n"
                + nullToEmpty(second);
        return (Preference) judge(system, user, PREFERENCE,
                match -> Optional.of(match.group(1).equals("A") ? Preference.FIRST : Preference.SECOND));
    }

    private Object judge(String system, String user, Pattern pattern, Function<Matcher, Optional<Object>> parse) {
        String cacheKey = system + "\u0000" + user;
        Object cached = cache.getIfPresent(cacheKey);
        if (cached != null) {
            return cached;
        }
        String digest = Hashing.sha256().hashString(config.model() + "\u0000" + cacheKey, StandardCharsets.UTF_8)
                .toString();
        Optional<Object> stored = store.get(digest).flatMap(reply -> parse(reply, pattern, parse));
        if (stored.isPresent()) {
            if (config.cacheSize() > 0) {
                cache.put(cacheKey, stored.get());
            }
            return stored.get();
        }
        byte[] body = requestBody(system, user);
        String lastFailure = "no attempt made";
        Throwable lastCause = null;
        Duration wait = config.initialBackoff();
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            Duration retryAfter = null;
            try {
                HttpResponse<String> response = http.send(request(body),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status == 200) {
                    Optional<String> content = content(response.body());
                    Optional<Object> value = content.flatMap(text -> parse(text, pattern, parse));
                    if (value.isPresent()) {
                        if (config.cacheSize() > 0) {
                            cache.put(cacheKey, value.get());
                        }
                        store.put(digest, content.get().strip());
                        return value.get();
                    }
                    lastFailure = "malformed reply " + excerpt(content.orElse(response.body()))
                            + " (expected " + (pattern == SCORE ? "'SCORE: <0..1>'" : "'PREFERENCE: A|B'") + ")";
                } else if (status == 429 || status >= 500) {
                    lastFailure = "HTTP " + status + " " + excerpt(response.body());
                    retryAfter = response.headers().firstValue("Retry-After").flatMap(JudgeClient::seconds)
                            .orElse(null);
                } else {
                    throw new JudgeException("judge endpoint " + config.endpoint() + " refused the request: HTTP "
                            + status + " " + excerpt(response.body()) + " (not retried)", null);
                }
            } catch (IOException e) {
                lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redact(e.getMessage()));
                lastCause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JudgeException("interrupted while calling the judge endpoint " + config.endpoint(), e);
            }
            LOG.warn("Judge attempt {}/{} at {} failed: {}", attempt, config.maxAttempts(), config.endpoint(),
                    lastFailure);
            if (attempt < config.maxAttempts()) {
                Duration pause = retryAfter != null ? retryAfter : wait;
                pause = pause.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : pause;
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JudgeException("interrupted while waiting to retry the judge endpoint", e);
                }
                wait = Duration.ofNanos((long) Math.min(Long.MAX_VALUE / 2.0,
                        wait.toNanos() * config.backoffMultiplier()));
            }
        }
        throw new JudgeException("judge endpoint " + config.endpoint() + " failed after " + config.maxAttempts()
                + " attempt(s); last failure: " + lastFailure, lastCause);
    }

    private static Optional<Object> parse(String text, Pattern pattern, Function<Matcher, Optional<Object>> parse) {
        Matcher matcher = pattern.matcher(text);
        return matcher.matches() ? parse.apply(matcher) : Optional.empty();
    }

    /**
     * One GET of {@code uri} with this client's key (a start-up check that the endpoint answers at all):
     * the HTTP status, whatever it is.
     *
     * @throws IOException when nothing answers in time; its message is masked (never holds the key)
     */
    public int probe(URI uri) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(config.requestTimeout()).GET();
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IOException(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + redact(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + uri);
        }
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

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.endpoint())
                .timeout(config.requestTimeout())
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
            JsonNode node = JSON.readTree(body).path("choices").path(0).path("message").path("content");
            return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(String header) {
        try {
            long value = Long.parseLong(header.strip());
            return value >= 0 ? Optional.of(Duration.ofSeconds(value)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String excerpt(String text) {
        String oneLine = nullToEmpty(text).replaceAll("\\s+", " ").strip();
        return "'" + redact(oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine) + "'";
    }

    /** Removes the API key from any text that might echo it. */
    private String redact(String text) {
        return apiKey == null ? text : text.replace(apiKey, "<redacted>");
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    @Override
    public String toString() {
        return "JudgeClient[" + config.endpoint() + ", model=" + config.model() + "]";
    }
}
