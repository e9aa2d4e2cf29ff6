package dev.elmrlaif.app.eval;

import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the evaluation turns a model and a batch of prompts into texts ({@code eval.temperature},
 * {@code eval.top_k}, {@code eval.top_p}, {@code eval.best_of}): greedy decoding, one sample, or
 * best-of-N. Every trained model and the random-embedding baseline are decoded the same way, so
 * their rows compare.
 *
 * <p>Best-of-N draws N samples per prompt and keeps the one with the highest reward that the
 * prompt's own embeddings determine ({@link RewardTargets#shift} with no shift: the target of a
 * vector, never the held-out entity's ground-truth text or interactions): SC against the mix of the
 * slot vectors for tasks whose slots read text-comparable spaces, plus BC against the
 * factorisation's scores {@code u·v_c} for tasks about the interactions' row kind. A task whose
 * input determines neither keeps each prompt's first sample. This is the reward-ranked decoding of
 * TRL's {@code BestOfNSampler}, and the cheapest approximation of the KL-regularised optimum
 * (DESIGN.md H1): the kept sample's KL to the sampling policy is at most {@code log N − (N − 1)/N}
 * (the formula of Stiennon et al. 2020, shown to be an upper bound by Beirami et al. 2024).
 */
final class HeldOutDecoding {
  private final EvalConfig config;
  private final RewardTargets targets;
  private final SemanticConsistencyReward semantic;
  private final BehavioralConsistencyReward behavioral;

  HeldOutDecoding(
      EvalConfig config,
      RewardTargets targets,
      SemanticConsistencyReward semantic,
      BehavioralConsistencyReward behavioral) {
    this.config = config;
    this.targets = targets;
    this.semantic = semantic;
    this.behavioral = behavioral;
  }

  /** The decoding in words, for {@code eval.md} and {@code eval.json}. */
  String describe() {
    if (config.temperature() == 0) {
      return "greedy (the most likely token at each step)";
    }
    String sampling =
        String.format(
            Locale.ROOT,
            "temperature %s, %stop-p %s",
            trim(config.temperature()),
            config.topK() > 0 ? "top-k " + config.topK() + ", " : "",
            trim(config.topP()));
    if (config.bestOf() == 1) {
      return "one sample per prompt (" + sampling + ")";
    }
    return "best of "
        + config.bestOf()
        + " samples per prompt ("
        + sampling
        + "), kept by the reward the prompt's own embeddings determine: SC against the slot"
        + " vectors, BC against the factorisation's scores; tasks with neither keep the first"
        + " sample";
  }

  private static String trim(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  /**
   * The continuation (token ids after the prompt) kept for each prompt, in order.
   *
   * @param task the task every prompt is of
   * @param slots each prompt's slot vectors, as the model sees them
   * @param seed seeds the draws
   */
  List<int[]> decode(
      Elm elm,
      ElmTokenizer tokenizer,
      TaskSpec task,
      List<ElmPrompt> prompts,
      List<float[][]> slots,
      long seed) {
    int maxNew = Sampler.newTokensThatFit(elm, prompts, config.maxNewTokens(), false);
    if (config.temperature() == 0) {
      return continuations(Sampler.sample(elm, prompts, SamplingConfig.greedy(maxNew), seed));
    }
    // 1. N samples of each prompt, all in one batch: rows [i*N, (i+1)*N) are prompt i's
    int n = config.bestOf();
    List<ElmPrompt> repeated = new ArrayList<>(prompts.size() * n);
    for (ElmPrompt prompt : prompts) {
      for (int k = 0; k < n; k++) {
        repeated.add(prompt);
      }
    }
    SamplingConfig sampling =
        new SamplingConfig(maxNew, false, config.temperature(), config.topK(), config.topP());
    List<int[]> drawn = continuations(Sampler.sample(elm, repeated, sampling, seed));
    boolean bySc = targets.semanticSlots(task);
    boolean byBc = targets.behavioral(task);
    if (n == 1 || !(bySc || byBc)) {
      List<int[]> first = new ArrayList<>(prompts.size());
      for (int i = 0; i < prompts.size(); i++) {
        first.add(drawn.get(i * n));
      }
      return first;
    }
    // 2. each sample's reward from its prompt's own vectors
    List<String> texts = new ArrayList<>(drawn.size());
    List<RewardContext> contexts = new ArrayList<>(drawn.size());
    for (int row = 0; row < drawn.size(); row++) {
      texts.add(tokenizer.decodeGenerated(drawn.get(row)));
      int prompt = row / n;
      if (row % n == 0) {
        contexts.add(
            targets.shift("best-of:" + task.name() + ":" + prompt, task, slots.get(prompt)));
      } else {
        contexts.add(contexts.get(row - 1));
      }
    }
    double[] reward = new double[drawn.size()];
    if (bySc) {
      add(reward, semantic.score(texts, contexts).component(SemanticConsistencyReward.COMPONENT));
    }
    if (byBc && contexts.get(0).candidates() != null) {
      add(
          reward,
          behavioral.score(texts, contexts).component(BehavioralConsistencyReward.COMPONENT));
    }
    // 3. the best of each prompt's N (the first on ties)
    List<int[]> kept = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      int best = i * n;
      for (int row = i * n + 1; row < (i + 1) * n; row++) {
        if (reward[row] > reward[best]) {
          best = row;
        }
      }
      kept.add(drawn.get(best));
    }
    return kept;
  }

  private static void add(double[] into, double[] values) {
    for (int i = 0; i < into.length; i++) {
      into[i] += values[i];
    }
  }

  private static List<int[]> continuations(SampleResult result) {
    List<int[]> rows = new ArrayList<>(result.rows());
    for (int row = 0; row < result.rows(); row++) {
      rows.add(result.continuation(row));
    }
    return rows;
  }
}
