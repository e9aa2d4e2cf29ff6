package dev.elmrlaif.rewards.judge;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import dev.elmrlaif.rewards.PerSampleReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.RewardFlag;
import dev.elmrlaif.rewards.SampleScore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The AI-judge reward (RLAIF, DESIGN.md §5). Component {@code "judge"}, in [0, 1]:
 *
 * <ul>
 *   <li>{@link Mode#SCORE}: the judge's 0–1 score of the text for the context's task (prompt, and
 *       the reference text as facts when present);
 *   <li>{@link Mode#PREFERENCE_VS_REFERENCE}: the preference setting; the judge compares the text
 *       with the context's reference text twice, once in each order to cancel position bias, and
 *       the reward is the fraction of the two comparisons the generated text wins (0, ½ or 1).
 * </ul>
 *
 * Fallbacks: an empty text scores 0 with {@link RewardFlag#EMPTY_TEXT} without calling the judge; a
 * {@link JudgeException} gives {@link Config#failureScore()} with {@link RewardFlag#JUDGE_FAILED}
 * (or, with {@link Config#stopOnFailure()}, is rethrown from {@link #score}: the one case where
 * this reward throws); preference mode without a reference text gives the failure score with {@link
 * RewardFlag#NO_TARGET}. A batch with failed judgements logs one warning with their count. Samples
 * are judged concurrently on a small pool of threads; close the reward to stop them. Thread-safe.
 */
public final class JudgeReward extends PerSampleReward implements AutoCloseable {

  public static final String COMPONENT = "judge";

  /** What the judge is asked. */
  public enum Mode {
    SCORE,
    PREFERENCE_VS_REFERENCE
  }

  /**
   * @param mode score each text, or compare it with the reference text
   * @param failureScore the reward when the judge fails, in [0, 1]
   * @param concurrency judgements in flight at once
   * @param stopOnFailure rethrow a failed judgement's {@link JudgeException} instead of falling
   *     back
   */
  public record Config(Mode mode, double failureScore, int concurrency, boolean stopOnFailure) {
    public Config {
      if (mode == null) {
        throw new InvalidRewardInputException(
            "JudgeReward.Config.mode is missing, expected SCORE or " + "PREFERENCE_VS_REFERENCE");
      }
      if (!(failureScore >= 0.0 && failureScore <= 1.0)) {
        throw new InvalidRewardInputException(
            "JudgeReward.Config.failureScore must be in [0, 1], found " + failureScore);
      }
      if (concurrency < 1) {
        throw new InvalidRewardInputException(
            "JudgeReward.Config.concurrency must be >= 1, found " + concurrency);
      }
    }

    /** Falls back on failure. */
    public Config(Mode mode, double failureScore, int concurrency) {
      this(mode, failureScore, concurrency, false);
    }
  }

  private static final Logger LOG = LogManager.getLogger(JudgeReward.class);

  private final JudgeClient client;
  private final Config config;
  private final ExecutorService pool;

  public JudgeReward(JudgeClient client, Config config) {
    super("ai_judge", COMPONENT);
    this.client = client;
    this.config = config;
    this.pool =
        Executors.newFixedThreadPool(
            config.concurrency(),
            runnable -> {
              Thread thread = new Thread(runnable, "judge-reward");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Submits every sample to the pool at once; sample i's score waits for its judgement. */
  @Override
  protected IntFunction<SampleScore> scorer(List<String> texts, List<RewardContext> contexts) {
    List<Future<SampleScore>> futures = new ArrayList<>(texts.size());
    // with stopOnFailure, the first failed judgement stops the batch: the ones not yet started send
    // nothing
    AtomicBoolean stopped = new AtomicBoolean();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      RewardContext context = contexts.get(i);
      futures.add(pool.submit(() -> stopped.get() ? null : judge(text, context, stopped)));
    }
    SampleScore[] scores = new SampleScore[texts.size()];
    int failed = 0;
    for (int i = 0; i < scores.length; i++) {
      try {
        scores[i] = futures.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new JudgeException("interrupted while waiting for the judge", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof JudgeException judgeFailure) {
          futures.forEach(f -> f.cancel(true));
          throw judgeFailure;
        }
        scores[i] = SampleScore.fallback(config.failureScore(), RewardFlag.JUDGE_FAILED);
      }
      if (scores[i]
          == null) { // skipped after a stop; the failed judgement comes first, so never reached
        throw new JudgeException("judge: stopped after an earlier judgement failed", null);
      }
      if (scores[i].flags().contains(RewardFlag.JUDGE_FAILED)) {
        failed++;
      }
    }
    if (failed > 0) {
      LOG.warn(
          "judge: {} of {} judgement(s) failed; they score the fallback {}",
          failed,
          scores.length,
          config.failureScore());
    }
    return i -> scores[i];
  }

  private SampleScore judge(String text, RewardContext context, AtomicBoolean stopped) {
    if (text.isBlank()) {
      return SampleScore.fallback(0.0, RewardFlag.EMPTY_TEXT);
    }
    try {
      if (config.mode() == Mode.SCORE) {
        return SampleScore.of(client.score(text, task(context, true)));
      }
      String reference = context.referenceText();
      if (reference == null || reference.isBlank()) {
        return SampleScore.fallback(config.failureScore(), RewardFlag.NO_TARGET);
      }
      String task = task(context, false);
      int wins =
          (client.compare(text, reference, task) == JudgeClient.Preference.FIRST ? 1 : 0)
              + (client.compare(reference, text, task) == JudgeClient.Preference.SECOND ? 1 : 0);
      return SampleScore.of(wins / 2.0);
    } catch (JudgeException e) {
      if (config.stopOnFailure()) {
        stopped.set(true);
        throw e;
      }
      return SampleScore.fallback(config.failureScore(), RewardFlag.JUDGE_FAILED);
    }
  }

  /**
   * The task description the judge sees: the prompt, and the reference text as facts when asked.
   */
  private static String task(RewardContext context, boolean withReference) {
    StringBuilder task = new StringBuilder(context.prompt() == null ? "" : context.prompt());
    if (withReference && context.referenceText() != null && !context.referenceText().isBlank()) {
      task.append(task.length() > 0 ? "\n\n" : "")
          .append("Reference facts:\n")
          .append(context.referenceText());
    }
    return task.toString();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
