package dev.elmrlaif.app.eval;

import dev.elmrlaif.algorithms.config.BestOfEncoder;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.BehavioralConsistencyConfig;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import dev.elmrlaif.rewards.text.CachingTextEncoder;
import dev.elmrlaif.rewards.text.MiniLmTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
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
 *
 * <p>Choosing encodes all N samples of every prompt; {@code eval.best_of_encoder: minilm_q} lets
 * the quantized MiniLM do that work for a run whose encoder is the full one, and the kept sample is
 * then scored for the tables by the run's encoder as always. The choice is no longer exactly the
 * maximum of the reported SC, so it can only cost the models SC, never flatter them.
 */
final class HeldOutDecoding {
  /** Encodings of samples the quantized chooser keeps in memory (16,384 × 384 floats: 25 MB). */
  private static final int SAMPLES_IN_MEMORY = 16384;

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

  /**
   * The decoding whose best-of-N scores its samples through {@code generated} (the encoder the
   * evaluation reads generated texts with), or through the quantized MiniLM when {@code
   * eval.best_of_encoder} is {@code minilm_q}.
   */
  static HeldOutDecoding of(EvalConfig config, RewardTargets targets, TextEncoder generated) {
    TextEncoder chooser =
        config.bestOfEncoder() == BestOfEncoder.MINILM_Q
            // a user-task sample is scored for SC and again for BC: encode it once
            ? new CachingTextEncoder(
                MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED), SAMPLES_IN_MEMORY)
            : generated;
    return new HeldOutDecoding(
        config,
        targets,
        new SemanticConsistencyReward(chooser),
        new BehavioralConsistencyReward(chooser, BehavioralConsistencyConfig.spearman()));
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
        + " vectors, BC against the factorisation's scores"
        + (config.bestOfEncoder() == BestOfEncoder.MINILM_Q
            ? " (the samples encoded by the quantized MiniLM, the kept one reported through the"
                + " run's encoder)"
            : "")
        + "; tasks with neither keep the first sample";
  }

  private static String trim(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  /**
   * The continuation (token ids after the prompt) kept for each prompt, in order.
   *
   * <p>The prompts are sampled {@code eval.batch_size} at a time (the batch from prompt {@code
   * start} with seed {@code seed + start}), each batch's N samples of each prompt in one sampler
   * call. Best-of-N then scores the samples of every batch together, one call per reward; a text's
   * vector does not depend on the call it is in, so the choices are those of scoring batch by batch
   * (MiniLM's speed on these texts did not depend on the call's size either: docs/benchmarks.md).
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
    boolean greedy = config.temperature() == 0;
    int n = greedy ? 1 : config.bestOf();
    // 1. N samples of each prompt, batch by batch: rows [i*N, (i+1)*N) are prompt i's
    List<int[]> drawn = new ArrayList<>(prompts.size() * n);
    for (int start = 0; start < prompts.size(); start += config.batchSize()) {
      List<ElmPrompt> batch =
          prompts.subList(start, Math.min(prompts.size(), start + config.batchSize()));
      int maxNew = Sampler.newTokensThatFit(elm, batch, config.maxNewTokens(), false);
      SamplingConfig sampling =
          greedy
              ? SamplingConfig.greedy(maxNew)
              : new SamplingConfig(
                  maxNew, false, config.temperature(), config.topK(), config.topP());
      List<ElmPrompt> repeated = new ArrayList<>(batch.size() * n);
      for (ElmPrompt prompt : batch) {
        for (int k = 0; k < n; k++) {
          repeated.add(prompt);
        }
      }
      drawn.addAll(continuations(Sampler.sample(elm, repeated, sampling, seed + start)));
    }
    if (n == 1) {
      return drawn;
    }
    boolean bySc = targets.semanticSlots(task);
    boolean byBc = targets.behavioral(task);
    if (!(bySc || byBc)) {
      List<int[]> first = new ArrayList<>(prompts.size());
      for (int i = 0; i < prompts.size(); i++) {
        first.add(drawn.get(i * n));
      }
      return first;
    }
    // 2. each sample's reward from its prompt's own vectors, all samples in one call per reward
    List<String> texts = new ArrayList<>(drawn.size());
    List<RewardContext> contexts = new ArrayList<>(drawn.size());
    for (int row = 0; row < drawn.size(); row++) {
      texts.add(tokenizer.decodeGenerated(drawn.get(row)));
      int prompt = row / n;
      if (row % n == 0) {
        // the label seeds the draw of BC's candidates; it names the prompt's place in its batch
        String label = "best-of:" + task.name() + ":" + prompt % config.batchSize();
        contexts.add(targets.shift(label, task, slots.get(prompt)));
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
