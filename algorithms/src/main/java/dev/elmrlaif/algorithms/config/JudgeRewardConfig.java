package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ApiKeyEnv;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The AI judge of RL from AI feedback (YAML section {@code rl.contexts.reward.judge}; absent means
 * no judge): an OpenAI-compatible chat-completions endpoint scores each completion, and its score
 * is one more weighted term of {@code r(y, c)} beside SC, BC and the penalties (DESIGN.md §5). Only
 * the <em>name</em> of the environment variable holding the API key is configured, never the key.
 */
@RecordBuilder
public record JudgeRewardConfig(
    @Doc(
            "Base URL of the OpenAI-compatible API (requests go to <base_url>/chat/completions),"
                + " e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1")
        @Default("")
        String baseUrl,
    @Doc("Judge model name sent with every request") @Default("gpt-4o-mini") String model,
    @Doc(
            "Environment variable holding the API key, e.g. OPENAI_API_KEY; empty: send no key (a local endpoint)")
        @Default("")
        String apiKeyEnv,
    @Doc(
            "score: the judge scores each completion from 0 to 1; preference: it compares the completion with the"
                + " context's ground-truth text, in both orders (1, 0.5 or 0)")
        @Default("score")
        Mode mode,
    @Doc("Weight of the judge's score in r(y, c)") @Range(min = 0) @Default("1.0") double weight,
    @Doc("What the judge scores against (part of its system prompt)")
        @Default(
            "Score how well the text does the task: faithful to the reference facts (when given), specific,"
                + " fluent, no invented facts. 1 = excellent, 0 = useless or off-topic.")
        String rubric,
    @Doc("Judgements in flight at once") @Range(min = 1, max = 64) @Default("4") int concurrency,
    @Doc("Seconds before a request (or the start-up probe) times out")
        @Range(min = 1, max = 600)
        @Default("30")
        int timeoutSeconds,
    @Doc(
            "Retries after a failed request (HTTP 429 or 5xx, timeout, malformed reply), with exponential backoff")
        @Range(min = 0, max = 20)
        @Default("3")
        int maxRetries,
    @Doc(
            "First backoff in milliseconds, doubled on every retry, at most 30 s; a Retry-After header wins")
        @Range(min = 0, max = 30000)
        @Default("1000")
        long backoffMillis,
    @Doc(
            "Reply cache on disk: data (<data.cache_dir>/judge, shared by runs), run (<run>/judge), none")
        @Default("data")
        Cache cache,
    @Doc(
            "When the last retry failed: fallback (the completion scores failure_score, flagged and counted in"
                + " reward_judge_failures) or stop (the run ends with exit 2, naming the endpoint)")
        @Default("fallback")
        OnFailure onFailure,
    @Doc("The judge's score of a completion it failed to judge")
        @Range(min = 0, max = 1)
        @Default("0.5")
        double failureScore,
    @Doc("Reply length limit sent to the endpoint (the reply is one short line)")
        @Range(min = 1, max = 4096)
        @Default("16")
        int maxTokens)
    implements JudgeRewardConfigBuilder.With {

  /** What the judge is asked. */
  public enum Mode {
    /** A 0–1 score of the completion for its task, with the ground truth as reference facts. */
    SCORE,
    /**
     * Which is better, the completion or the context's ground-truth text (asked in both orders).
     */
    PREFERENCE
  }

  /** Where the judge's replies are kept between runs. */
  public enum Cache {
    /** {@code <data.cache_dir>/judge}: every run on this data shares it. */
    DATA,
    /** {@code <run>/judge}: this run only (a resumed run reuses it). */
    RUN,
    /** Nowhere on disk (replies are still reused within the run). */
    NONE
  }

  /** What a judgement that failed after every retry does. */
  public enum OnFailure {
    /** The completion scores {@code failure_score}; the failure is flagged, logged and counted. */
    FALLBACK,
    /** The run stops with exit 2, naming the endpoint and its last answer. */
    STOP
  }

  public JudgeRewardConfig {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    apiKeyEnv = ApiKeyEnv.requireName("api_key_env", apiKeyEnv);
    if (!baseUrl.isEmpty()) {
      chatCompletions(baseUrl);
    }
    if (model == null || model.isBlank()) {
      throw new ConfigException("model", "empty; expected the judge model's name");
    }
    if (mode == null || cache == null || onFailure == null) {
      throw new ConfigException(
          "",
          "mode, cache and on_failure: missing; expected score|preference,"
              + " data|run|none and fallback|stop");
    }
    if (rubric == null || rubric.isBlank()) {
      throw new ConfigException("rubric", "empty; expected what the judge scores against");
    }
  }

  /**
   * No endpoint yet (a judge section must name its {@code base_url}); model gpt-4o-mini, no key,
   * score mode with weight 1, a faithfulness-and-fluency rubric, 4 requests in flight, 30 s
   * timeout, 3 retries from 1 s, replies cached under the data cache, a failed judgement scores 0.5
   * (the middle of the judge's scale) and is counted.
   */
  public static JudgeRewardConfig defaults() {
    return ConfigKeys.defaults(JudgeRewardConfig.class);
  }

  /** The chat-completions URL: {@code <base_url>/chat/completions}. */
  public URI chatCompletionsUri() {
    return chatCompletions(baseUrl);
  }

  /** The models listing, {@code <base_url>/models}, which the start-up probe asks. */
  public URI modelsUri() {
    return URI.create(trimmed(baseUrl) + "/models");
  }

  private static URI chatCompletions(String baseUrl) {
    try {
      URI uri = new URI(trimmed(baseUrl) + "/chat/completions");
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new URISyntaxException(baseUrl, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "base_url",
          "found \""
              + baseUrl
              + "\", expected an http(s) URL such as"
              + " https://api.openai.com/v1");
    }
  }

  private static String trimmed(String url) {
    return url.replaceAll("/+$", "");
  }
}
