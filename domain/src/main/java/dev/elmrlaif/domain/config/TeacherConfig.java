package dev.elmrlaif.domain.config;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The teacher that writes task targets. Offline (default) needs nothing; online calls an
 * OpenAI-compatible chat-completions endpoint with the key read from the environment variable named
 * here ({@link ApiKeyEnv}: a variable's name, never the key), caching every reply on disk by the
 * prompt's hash.
 */
@RecordBuilder
public record TeacherConfig(
    @Doc("offline (deterministic writer from metadata) or online (chat-completions endpoint)")
        @Default("offline")
        TeacherMode mode,
    @Doc("Base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1")
        @Default("https://api.openai.com/v1")
        String baseUrl,
    @Doc("Chat model name sent to the endpoint") @Default("gpt-4o-mini") String model,
    @Doc(
            "Name of the environment variable holding the API key, e.g. OPENAI_API_KEY (empty: send no key)")
        @Default("OPENAI_API_KEY")
        String apiKeyEnv,
    @Doc("Sampling temperature sent to the endpoint") @Range(min = 0, max = 2) @Default("0.7")
        double temperature,
    @Doc("Maximum tokens per reply") @Range(min = 1, max = 32768) @Default("400") int maxTokens,
    @Doc("Seconds before a request times out") @Range(min = 1, max = 3600) @Default("60")
        int timeoutSeconds,
    @Doc("Retries after a failed request (429, 5xx, timeout), with exponential backoff")
        @Range(min = 0, max = 20)
        @Default("4")
        int maxRetries,
    @Doc("First backoff in milliseconds; doubles on every retry")
        @Range(min = 0, max = 600000)
        @Default("1000")
        long backoffMillis,
    @Doc("Most requests per minute; 0 means unlimited") @Range(min = 0, max = 100000) @Default("60")
        int requestsPerMinute,
    @Doc("Folder of the reply cache; empty means <data.cache_dir>/teacher") @Default("")
        String cacheDir)
    implements TeacherConfigBuilder.With {

  public TeacherConfig {
    apiKeyEnv = ApiKeyEnv.requireName("api_key_env", apiKeyEnv);
    if (mode == null) {
      throw new ConfigException("mode", "missing; expected offline or online");
    }
    if (mode == TeacherMode.ONLINE && (baseUrl == null || baseUrl.isBlank())) {
      throw new ConfigException(
          "base_url", "empty; expected the endpoint's base URL for mode online");
    }
  }

  /** The defaults every config starts from. */
  public static TeacherConfig defaults() {
    return ConfigKeys.defaults(TeacherConfig.class);
  }
}
