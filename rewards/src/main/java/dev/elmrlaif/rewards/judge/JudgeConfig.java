package dev.elmrlaif.rewards.judge;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.net.URI;
import java.time.Duration;

/**
 * How {@link JudgeClient} talks to an OpenAI-compatible chat-completions endpoint. The API key
 * itself is never part of the configuration: only the name of the environment variable that holds
 * it.
 *
 * @param endpoint the full chat-completions URL, e.g. {@code
 *     https://api.openai.com/v1/chat/completions}
 * @param model the model name sent in each request
 * @param apiKeyEnv the environment variable holding the bearer token, or null for an endpoint
 *     without auth
 * @param rubric what the judge scores against (inserted into the system prompt)
 * @param requestTimeout per-request timeout (connect + response)
 * @param maxAttempts attempts per judgement, including the first (HTTP 429/5xx, timeouts, I/O
 *     errors and malformed replies are retried; other HTTP errors are not)
 * @param initialBackoff wait before the second attempt
 * @param backoffMultiplier factor applied to the wait after each failed attempt (>= 1)
 * @param maxBackoff cap on any wait, including a server's Retry-After
 * @param cacheSize judgements kept in the cache (0 disables it)
 * @param temperature sampling temperature sent to the endpoint (0 for the most repeatable judge)
 * @param maxTokens reply length limit sent to the endpoint
 */
public record JudgeConfig(
    URI endpoint,
    String model,
    String apiKeyEnv,
    String rubric,
    Duration requestTimeout,
    int maxAttempts,
    Duration initialBackoff,
    double backoffMultiplier,
    Duration maxBackoff,
    long cacheSize,
    double temperature,
    int maxTokens) {

  public JudgeConfig {
    if (endpoint == null
        || endpoint.getScheme() == null
        || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
      throw new InvalidRewardInputException(
          "JudgeConfig.endpoint must be an http(s) URL, found " + endpoint);
    }
    if (model == null || model.isBlank()) {
      throw new InvalidRewardInputException("JudgeConfig.model is blank, expected a model name");
    }
    if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      // the value is not echoed: a misplaced key would otherwise reach the log
      throw new InvalidRewardInputException(
          "JudgeConfig.apiKeyEnv must be an environment variable name "
              + "(letters, digits, underscores; the value given is not shown, in case it is the key itself)");
    }
    if (rubric == null || rubric.isBlank()) {
      throw new InvalidRewardInputException(
          "JudgeConfig.rubric is blank, expected the scoring criteria");
    }
    requirePositive("requestTimeout", requestTimeout);
    requirePositive("maxBackoff", maxBackoff);
    if (initialBackoff == null || initialBackoff.isNegative()) {
      throw new InvalidRewardInputException(
          "JudgeConfig.initialBackoff must be >= 0, found " + initialBackoff);
    }
    if (maxAttempts < 1) {
      throw new InvalidRewardInputException(
          "JudgeConfig.maxAttempts must be >= 1, found " + maxAttempts);
    }
    if (!(backoffMultiplier >= 1.0) || !Double.isFinite(backoffMultiplier)) {
      throw new InvalidRewardInputException(
          "JudgeConfig.backoffMultiplier must be >= 1, found " + backoffMultiplier);
    }
    if (cacheSize < 0) {
      throw new InvalidRewardInputException(
          "JudgeConfig.cacheSize must be >= 0, found " + cacheSize);
    }
    if (!(temperature >= 0.0 && temperature <= 2.0)) {
      throw new InvalidRewardInputException(
          "JudgeConfig.temperature must be in [0, 2], found " + temperature);
    }
    if (maxTokens < 1) {
      throw new InvalidRewardInputException(
          "JudgeConfig.maxTokens must be >= 1, found " + maxTokens);
    }
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new InvalidRewardInputException(
          "JudgeConfig." + field + " must be a positive duration, found " + value);
    }
  }

  /**
   * Defaults around an endpoint: 30 s timeout, 4 attempts, backoff 1 s ×2 up to 30 s, cache 10,000,
   * T = 0.
   */
  public static JudgeConfig of(URI endpoint, String model, String apiKeyEnv, String rubric) {
    return new JudgeConfig(
        endpoint,
        model,
        apiKeyEnv,
        rubric,
        Duration.ofSeconds(30),
        4,
        Duration.ofSeconds(1),
        2.0,
        Duration.ofSeconds(30),
        10_000,
        0.0,
        16);
  }
}
