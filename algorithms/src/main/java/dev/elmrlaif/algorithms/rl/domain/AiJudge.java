package dev.elmrlaif.algorithms.rl.domain;

import dev.elmrlaif.algorithms.config.JudgeRewardConfig;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.ApiKeyEnv;
import dev.elmrlaif.rewards.judge.JudgeClient;
import dev.elmrlaif.rewards.judge.JudgeConfig;
import dev.elmrlaif.rewards.judge.JudgeReplyFile;
import dev.elmrlaif.rewards.judge.JudgeReplyStore;
import dev.elmrlaif.rewards.judge.JudgeReward;
import dev.elmrlaif.rewards.judge.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The AI judge of an RL run, made from {@link JudgeRewardConfig}: the rewards module's {@link
 * JudgeReward} over a {@link JudgeClient} whose accepted replies persist in a {@link
 * JudgeReplyFile}. {@link #check} is the start-up check the {@code rl} stage makes before anything
 * is written (the key's variable is set, one probe reaches the endpoint); {@link #open} makes the
 * reward for a training. Closing stops the judge's threads and the cache file.
 */
public final class AiJudge implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(AiJudge.class);
  private static final String KEY = "rl.contexts.reward.judge.";

  private final JudgeReward reward;
  private final JudgeReplyFile store;

  private AiJudge(JudgeReward reward, JudgeReplyFile store) {
    this.reward = reward;
    this.store = store;
  }

  /**
   * Checks what can be checked before a run: the key's variable is set (when one is named), and the
   * endpoint answers one request ({@code GET <base_url>/models}) without refusing the key.
   *
   * @param environment the process environment (tests pass their own)
   * @throws UserInputException naming {@code rl.contexts.reward.judge.api_key_env} or {@code
   *     .base_url}
   */
  public static void check(JudgeRewardConfig config, Map<String, String> environment) {
    JudgeClient client = client(config, environment, JudgeReplyStore.none());
    URI probe = config.modelsUri();
    int status;
    try {
      status = client.probe(probe);
    } catch (IOException e) {
      throw new UserInputException(
          KEY
              + "base_url: cannot reach the judge at "
              + probe
              + " ("
              + e.getMessage()
              + "); expected a running OpenAI-compatible endpoint (checked once at start-up)");
    }
    if (status == 401 || status == 403) {
      throw new UserInputException(
          config.apiKeyEnv().isEmpty()
              ? KEY
                  + "api_key_env: empty, and "
                  + probe
                  + " refused a request without a key (HTTP "
                  + status
                  + "); expected the name of the variable holding the endpoint's key"
              : KEY
                  + "api_key_env: "
                  + probe
                  + " refused the key in $"
                  + config.apiKeyEnv()
                  + " (HTTP "
                  + status
                  + "); expected a key this endpoint accepts");
    }
    LOG.info(
        "judge: {} answers (HTTP {}); model {}, {} mode, weight {}",
        probe,
        status,
        config.model(),
        config.mode().name().toLowerCase(Locale.ROOT),
        config.weight());
  }

  /**
   * The judge of one training.
   *
   * @param cacheFolder where replies persist, or null for nowhere on disk
   */
  public static AiJudge open(
      JudgeRewardConfig config, Map<String, String> environment, Path cacheFolder) {
    JudgeReplyFile store;
    try {
      store = cacheFolder == null ? null : JudgeReplyFile.open(cacheFolder);
    } catch (UncheckedIOException e) {
      throw new UserInputException(
          KEY
              + "cache: "
              + e.getMessage()
              + " ("
              + e.getCause().getMessage()
              + "); expected a readable file, or cache: none");
    }
    JudgeClient client =
        client(config, environment, store == null ? JudgeReplyStore.none() : store);
    JudgeReward.Mode mode =
        config.mode() == JudgeRewardConfig.Mode.SCORE
            ? JudgeReward.Mode.SCORE
            : JudgeReward.Mode.PREFERENCE_VS_REFERENCE;
    JudgeReward reward =
        new JudgeReward(
            client,
            new JudgeReward.Config(
                mode,
                config.failureScore(),
                config.concurrency(),
                config.onFailure() == JudgeRewardConfig.OnFailure.STOP));
    if (store != null) {
      LOG.info("judge: replies cached in {} ({} held)", store.file(), store.size());
    }
    return new AiJudge(reward, store);
  }

  /** The reward term (component {@code judge}). */
  public JudgeReward reward() {
    return reward;
  }

  @Override
  public void close() {
    reward.close();
    if (store != null) {
      store.close();
    }
  }

  private static JudgeClient client(
      JudgeRewardConfig config, Map<String, String> environment, JudgeReplyStore store) {
    String variable = config.apiKeyEnv();
    ApiKeyEnv.read(KEY + "api_key_env", variable, environment, config.chatCompletionsUri());
    JudgeConfig judge =
        new JudgeConfig(
            config.chatCompletionsUri(),
            config.model(),
            variable.isEmpty() ? null : variable,
            config.rubric(),
            Duration.ofSeconds(config.timeoutSeconds()),
            config.maxRetries() + 1,
            Duration.ofMillis(config.backoffMillis()),
            2.0,
            Duration.ofSeconds(30),
            10_000,
            0.0,
            config.maxTokens());
    return new JudgeClient(judge, environment::get, Sleeper.threadSleep(), store);
  }
}
