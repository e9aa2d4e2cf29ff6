package dev.elmrlaif.rlaif.config;

import dev.elmrlaif.rlaif.UserInputException;

/**
 * The teacher that writes task targets. Offline (default) needs nothing; online calls an
 * OpenAI-compatible chat-completions endpoint with the key read from the environment variable named
 * here ({@link ApiKeyEnv}: a variable's name, never the key), caching every reply on disk by the
 * prompt's hash.
 */
public record TeacherConfig(
    @Doc("offline (deterministic writer from metadata) or online (chat-completions endpoint)") TeacherMode mode,
    @Doc("Base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1") String baseUrl,
    @Doc("Chat model name sent to the endpoint") String model,
    @Doc("Name of the environment variable holding the API key, e.g. OPENAI_API_KEY (empty: send no key)")
        String apiKeyEnv,
    @Doc("Sampling temperature sent to the endpoint") @Range(min = 0, max = 2) double temperature,
    @Doc("Maximum tokens per reply") @Range(min = 1, max = 32768) int maxTokens,
    @Doc("Seconds before a request times out") @Range(min = 1, max = 3600) int timeoutSeconds,
    @Doc("Retries after a failed request (429, 5xx, timeout), with exponential backoff") @Range(min = 0, max = 20)
        int maxRetries,
    @Doc("First backoff in milliseconds; doubles on every retry") @Range(min = 0, max = 600000) long backoffMillis,
    @Doc("Most requests per minute; 0 means unlimited") @Range(min = 0, max = 100000) int requestsPerMinute,
    @Doc("Folder of the reply cache; empty means <data.cache_dir>/teacher") String cacheDir) {

  public TeacherConfig {
    apiKeyEnv = ApiKeyEnv.requireName("data.teacher.api_key_env", apiKeyEnv);
    if (mode == null) {
      throw new UserInputException("data.teacher.mode: missing; expected offline or online");
    }
    if (mode == TeacherMode.ONLINE && (baseUrl == null || baseUrl.isBlank())) {
      throw new UserInputException("data.teacher.base_url: empty; expected the endpoint's base URL for mode online");
    }
    if (maxRetries < 0 || timeoutSeconds < 1 || backoffMillis < 0 || requestsPerMinute < 0) {
      throw new UserInputException("data.teacher: max_retries, backoff_millis and requests_per_minute must be >= 0 "
          + "and timeout_seconds >= 1; found " + maxRetries + ", " + backoffMillis + ", " + requestsPerMinute
          + ", " + timeoutSeconds);
    }
  }

  /** The defaults every config starts from. */
  public static TeacherConfig defaults() {
    return new TeacherConfig(TeacherMode.OFFLINE, "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY",
        0.7, 400, 60, 4, 1000, 60, "");
  }
}
