package dev.elmrlaif.rlaif.rl.domain;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.ApiKeyEnv;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The AI judge of RL from AI feedback (YAML section {@code rl.contexts.reward.judge}; absent means no
 * judge): an OpenAI-compatible chat-completions endpoint scores each completion, and its score is one
 * more weighted term of {@code r(y, c)} beside SC, BC and the penalties (DESIGN.md §5). Only the
 * <em>name</em> of the environment variable holding the API key is configured, never the key.
 */
public record JudgeRewardConfig(
    @Doc("Base URL of the OpenAI-compatible API (requests go to <base_url>/chat/completions),"
        + " e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1") String baseUrl,
    @Doc("Judge model name sent with every request") String model,
    @Doc("Environment variable holding the API key, e.g. OPENAI_API_KEY; empty: send no key (a local endpoint)")
        String apiKeyEnv,
    @Doc("score: the judge scores each completion from 0 to 1; preference: it compares the completion with the"
        + " context's ground-truth text, in both orders (1, 0.5 or 0)") Mode mode,
    @Doc("Weight of the judge's score in r(y, c)") @Range(min = 0) double weight,
    @Doc("What the judge scores against (part of its system prompt)") String rubric,
    @Doc("Judgements in flight at once") @Range(min = 1, max = 64) int concurrency,
    @Doc("Seconds before a request (or the start-up probe) times out") @Range(min = 1, max = 600)
        int timeoutSeconds,
    @Doc("Retries after a failed request (HTTP 429 or 5xx, timeout, malformed reply), with exponential backoff")
        @Range(min = 0, max = 20) int maxRetries,
    @Doc("First backoff in milliseconds, doubled on every retry, at most 30 s; a Retry-After header wins")
        @Range(min = 0, max = 30000) long backoffMillis,
    @Doc("Reply cache on disk: data (<data.cache_dir>/judge, shared by runs), run (<run>/judge), none") Cache cache,
    @Doc("When the last retry failed: fallback (the completion scores failure_score, flagged and counted in"
        + " reward_judge_failures) or stop (the run ends with exit 2, naming the endpoint)") OnFailure onFailure,
    @Doc("The judge's score of a completion it failed to judge") @Range(min = 0, max = 1) double failureScore,
    @Doc("Reply length limit sent to the endpoint (the reply is one short line)") @Range(min = 1, max = 4096)
        int maxTokens) {

  /** What the judge is asked. */
  public enum Mode {
    /** A 0–1 score of the completion for its task, with the ground truth as reference facts. */
    SCORE,
    /** Which is better, the completion or the context's ground-truth text (asked in both orders). */
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

  private static final String KEY = "rl.contexts.reward.judge.";

  public JudgeRewardConfig {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    apiKeyEnv = ApiKeyEnv.requireName(KEY + "api_key_env", apiKeyEnv);
    if (!baseUrl.isEmpty()) {
      chatCompletions(baseUrl);
    }
    if (model == null || model.isBlank()) {
      throw new UserInputException(KEY + "model: empty; expected the judge model's name");
    }
    if (mode == null || cache == null || onFailure == null) {
      throw new UserInputException(KEY + "mode, cache and on_failure: missing; expected score|preference,"
          + " data|run|none and fallback|stop");
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new UserInputException(KEY + "weight: found " + weight + ", expected a finite value >= 0");
    }
    if (rubric == null || rubric.isBlank()) {
      throw new UserInputException(KEY + "rubric: empty; expected what the judge scores against");
    }
    if (!(failureScore >= 0 && failureScore <= 1)) {
      throw new UserInputException(KEY + "failure_score: found " + failureScore + ", expected a value in [0, 1]");
    }
    if (concurrency < 1 || timeoutSeconds < 1 || maxRetries < 0 || backoffMillis < 0 || maxTokens < 1) {
      throw new UserInputException(KEY + "concurrency, timeout_seconds, max_tokens must be >= 1 and max_retries,"
          + " backoff_millis >= 0; found " + concurrency + ", " + timeoutSeconds + ", " + maxTokens + ", "
          + maxRetries + ", " + backoffMillis);
    }
  }

  /**
   * No endpoint yet (a judge section must name its {@code base_url}); model gpt-4o-mini, no key,
   * score mode with weight 1, a faithfulness-and-fluency rubric, 4 requests in flight, 30 s timeout,
   * 3 retries from 1 s, replies cached under the data cache, a failed judgement scores 0.5 (the
   * middle of the judge's scale) and is counted.
   */
  public static JudgeRewardConfig defaults() {
    return new JudgeRewardConfig("", "gpt-4o-mini", "", Mode.SCORE, 1.0,
        "Score how well the text does the task: faithful to the reference facts (when given), specific,"
            + " fluent, no invented facts. 1 = excellent, 0 = useless or off-topic.",
        4, 30, 3, 1000, Cache.DATA, OnFailure.FALLBACK, 0.5, 16);
  }

  /** The chat-completions URL: {@code <base_url>/chat/completions}. */
  public URI chatCompletionsUri() {
    return chatCompletions(baseUrl);
  }

  /** The models listing, {@code <base_url>/models}, which the start-up probe asks. */
  public URI modelsUri() {
    return URI.create(trimmed(baseUrl) + "/models");
  }

  /** A copy with another endpoint (tests point the judge at a local server). */
  public JudgeRewardConfig withBaseUrl(String url) {
    return new JudgeRewardConfig(url, model, apiKeyEnv, mode, weight, rubric, concurrency, timeoutSeconds,
        maxRetries, backoffMillis, cache, onFailure, failureScore, maxTokens);
  }

  private static URI chatCompletions(String baseUrl) {
    try {
      URI uri = new URI(trimmed(baseUrl) + "/chat/completions");
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new URISyntaxException(baseUrl, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UserInputException(KEY + "base_url: found \"" + baseUrl + "\", expected an http(s) URL such as"
          + " https://api.openai.com/v1");
    }
  }

  private static String trimmed(String url) {
    return url.replaceAll("/+$", "");
  }
}
