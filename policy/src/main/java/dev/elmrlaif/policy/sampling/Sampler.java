package dev.elmrlaif.policy.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.KvCache;
import dev.elmrlaif.policy.model.PromptBatch;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched autoregressive generation with a KV cache: one forward pass over the left-padded prompts,
 * then one position per step, each step in its own native-memory scope. Tokens are drawn by inverse
 * CDF with uniforms from a Java RNG seeded per call, so a seed reproduces the samples (DJL's
 * multinomial is not available on this engine). A row stops at the end token or after {@code
 * maxNewTokens}; finished rows are padded.
 *
 * <p>Speed: from Java each engine call costs a few microseconds however small the tensor, so a
 * decode step is kept to few calls (issue 16): the KV cache holds keys and values in one tensor per
 * layer and makes the layers' scalars and the padding mask once, the sampled ids stay on the engine
 * as the next input, and the step's results come back in one host read of {@code [B, 4]}. All K
 * samples of all contexts are rows of one call. {@code FusedDecodingTest} checks that this gives
 * the bits of the simpler loop it replaced.
 *
 * <p>Threads: a small batch on the CPU decodes on one intra-op thread ({@link #decodeThreads}). At
 * these sizes libtorch 2.7 still splits operators such as {@code layer_norm} and {@code softmax}
 * into parallel regions, and handing each one to a second thread costs more than it saves (2-core
 * machine, docs/benchmarks.md "The OpenMP wait policy and the thread count": quickstart size, batch
 * 1: 1,202 tokens/s on one thread against 278–730 on two; batch 16: 15,642 against 8,645–11,399).
 * The thread count is restored when the call returns. Results depend on the thread count only
 * through the engine's reductions, so a run stays reproducible: the count is a function of the
 * batch and the model.
 */
public final class Sampler {
  /**
   * Rows × d_model at or below which decoding on the CPU uses one intra-op thread: 32 rows of the
   * quickstart's width 64, 16 of the recipe's 128 (at 32 rows of 128, two threads were faster).
   */
  public static final int ONE_THREAD_ROWS_TIMES_WIDTH = 2048;

  private Sampler() {}

  /**
   * The intra-op threads a decode of {@code rows} rows runs on: 1 on the CPU when {@code rows x
   * dModel <= } {@link #ONE_THREAD_ROWS_TIMES_WIDTH}, else {@code configured}.
   */
  public static int decodeThreads(boolean cpu, int rows, int dModel, int configured) {
    return cpu && (long) rows * dModel <= ONE_THREAD_ROWS_TIMES_WIDTH ? 1 : configured;
  }

  /**
   * One step's choice for each of the B rows: the token, its log-probability under the sampling
   * distribution (temperature, top-k, top-p; 0 when greedy), its log-probability under the policy
   * ({@code log_softmax} of the raw logits) and the policy's entropy at that position; and the
   * tokens as the engine holds them ({@code [B, 1]} INT64), the next step's input, so that it is
   * not created again from the host.
   */
  private record Pick(
      int[] tokens,
      float[] samplingLogProbs,
      float[] policyLogProbs,
      float[] entropies,
      NDArray ids) {}

  /**
   * The most new tokens, up to {@code requested}, that every prompt can get within {@code elm}'s
   * context. Sampling alone never feeds the last sampled token back, so {@code contextLength -
   * longest prompt + 1} fit; a completion that is scored afterwards in one pass over prompt and
   * completion (RL's log-probabilities and KL) needs {@code contextLength - longest prompt}. RL
   * rollouts and the evaluation cap their generations with it, so a config's {@code max_new_tokens}
   * is a ceiling, not a promise, for tasks with long prompts.
   */
  public static int newTokensThatFit(
      Elm elm, List<ElmPrompt> prompts, int requested, boolean scoredAfterwards) {
    int longest = 0;
    for (ElmPrompt prompt : prompts) {
      longest = Math.max(longest, prompt.tokenIds().length);
    }
    int room = elm.config().lm().contextLength() - longest + (scoredAfterwards ? 0 : 1);
    return Math.max(1, Math.min(requested, room));
  }

  /**
   * Generates continuations of every prompt.
   *
   * @throws IllegalArgumentException if the longest prompt plus {@code maxNewTokens - 1} fed tokens
   *     does not fit the model's context
   */
  public static SampleResult sample(
      Elm elm, List<ElmPrompt> prompts, SamplingConfig config, long seed) {
    int configured = JniUtils.getNumThreads();
    int threads =
        decodeThreads(
            !elm.device().isGpu(), prompts.size(), elm.config().lm().dModel(), configured);
    if (threads == configured) {
      return sampleOnThisThreadCount(elm, prompts, config, seed);
    }
    JniUtils.setNumThreads(threads);
    try {
      return sampleOnThisThreadCount(elm, prompts, config, seed);
    } finally {
      JniUtils.setNumThreads(configured);
    }
  }

  private static SampleResult sampleOnThisThreadCount(
      Elm elm, List<ElmPrompt> prompts, SamplingConfig config, long seed) {
    PromptBatch batch = PromptBatch.forGeneration(prompts, elm.config());
    int rows = batch.rows();
    int maxNew = config.maxNewTokens();
    int context = elm.config().lm().contextLength();
    if (batch.length() + maxNew - 1 > context) {
      throw new IllegalArgumentException(
          "Sampler: longest prompt "
              + batch.length()
              + " plus maxNewTokens="
              + maxNew
              + " exceeds the model's contextLength="
              + context);
    }
    if (elm.config().lm().vocabSize() > 1 << 24) {
      throw new IllegalArgumentException(
          "Sampler: vocabulary of "
              + elm.config().lm().vocabSize()
              + " tokens, expected at most 2^24 (token ids are read back as floats)");
    }
    int endToken = elm.config().endTokenId();
    int padToken = elm.config().padTokenId();
    int[][] tokens = new int[rows][maxNew];
    float[][] samplingLogProbs = new float[rows][maxNew];
    float[][] policyLogProbs = new float[rows][maxNew];
    float[][] entropies = new float[rows][maxNew];
    int[] lengths = new int[rows];
    boolean[] ended = new boolean[rows];
    for (int[] row : tokens) {
      Arrays.fill(row, padToken);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    long[] positions = new long[rows];
    try (NDManager generation = elm.manager().newSubManager();
        KvCache cache = elm.newKvCache(generation, batch, maxNew)) {
      NDArray fed = null; // the tokens picked last step, [B, 1] INT64, kept beyond its scope
      // The largest token id, the inverse CDF's bound, made once instead of at every step.
      NDArray lastId = generation.create(elm.config().lm().vocabSize() - 1L);
      int active = rows;
      for (int step = 0; step < maxNew && active > 0; step++) {
        double[] uniforms = new double[rows];
        for (int row = 0; row < rows; row++) {
          uniforms[row] = rng.nextDouble();
        }
        Pick picked;
        try (NDManager scope = generation.newSubManager();
            NDScope nativeScope = new NDScope()) {
          nativeScope.suppressNotUsedWarning();
          NDArray hidden;
          if (step == 0) {
            hidden =
                elm.hiddenStates(
                        elm.embed(scope, batch), elm.positionIds(scope, batch), null, cache)
                    .get(new NDIndex(":, -1, :"));
          } else {
            NDArray pos = scope.create(positions, new Shape(rows, 1));
            hidden = elm.hiddenStates(elm.embedTokens(fed), pos, null, cache).reshape(rows, -1);
            fed.close();
          }
          picked = pick(scope, elm.logits(hidden), config, uniforms, lastId);
          fed = picked.ids();
          NDScope.unregister(fed);
          fed.attach(generation);
        }
        for (int row = 0; row < rows; row++) {
          int token = picked.tokens()[row];
          positions[row] = batch.promptLength(row) + step;
          if (ended[row]) {
            continue;
          }
          tokens[row][step] = token;
          samplingLogProbs[row][step] = picked.samplingLogProbs()[row];
          policyLogProbs[row][step] = picked.policyLogProbs()[row];
          entropies[row][step] = picked.entropies()[row];
          lengths[row] = step + 1;
          if (token == endToken) {
            ended[row] = true;
            active--;
          }
        }
      }
    }
    return new SampleResult(tokens, lengths, ended, samplingLogProbs, policyLogProbs, entropies);
  }

  /** Chooses one token per row from logits {@code [B, V]}. */
  private static Pick pick(
      NDManager scope, NDArray logits, SamplingConfig config, double[] uniforms, NDArray lastId) {
    int rows = uniforms.length;
    logits = logits.toType(DataType.FLOAT32, false);
    NDArray logPolicy = logits.logSoftmax(-1);
    NDArray policy = logPolicy.exp();
    NDArray entropy = policy.mul(logPolicy).sum(new int[] {-1}, true).neg(); // [B, 1]
    NDArray token;
    NDArray samplingLogProb;
    if (config.greedy()) {
      token = logits.argMax(-1).reshape(rows, 1);
      samplingLogProb = scope.zeros(new Shape(rows, 1), DataType.FLOAT32);
    } else {
      int vocab = Math.toIntExact(logits.getShape().get(1));
      NDArray scaled = config.temperature() == 1.0 ? logits : logits.div(config.temperature());
      NDArray probs;
      NDArray order = null; // token id of each column of probs; null when columns are token ids
      if (config.topK() == 0 && config.topP() == 1.0) {
        probs = config.temperature() == 1.0 ? policy : scaled.softmax(-1); // no truncation: no sort
      } else {
        int k = config.topK() == 0 ? vocab : Math.min(config.topK(), vocab);
        NDList top = scaled.topK(k, -1, true, true); // sorted, most likely first
        probs = top.get(0).softmax(-1);
        order = top.get(1);
        if (config.topP() < 1.0) {
          // Keep a token if the mass strictly before it is below p (the first token always stays).
          NDArray before = probs.cumSum(1).sub(probs);
          probs = probs.mul(before.lt(config.topP()).toType(DataType.FLOAT32, false));
        }
      }
      NDArray cdf = probs.cumSum(1);
      NDArray total = cdf.get(new NDIndex(":, -1:"));
      float[] uniforms32 = new float[rows]; // rounded as the engine rounds a double to a float
      for (int row = 0; row < rows; row++) {
        uniforms32[row] = (float) uniforms[row];
      }
      NDArray threshold = scope.create(uniforms32, new Shape(rows, 1)).mul(total);
      // Inverse CDF: the first column whose cumulative mass exceeds u * total. A zero-probability
      // column never qualifies (its cumulative mass equals its predecessor's); the bound only
      // guards
      // against u * total rounding up to total.
      NDArray index = cdf.lte(threshold).sum(new int[] {1}, true).toType(DataType.INT64, false);
      if (order != null) {
        NDArray lastKept =
            probs.gt(0f).sum(new int[] {1}, true).toType(DataType.INT64, false).sub(1L);
        index = index.minimum(lastKept);
      } else {
        index = index.minimum(lastId);
      }
      token = order == null ? index : order.gather(index, 1);
      samplingLogProb = probs.gather(index, 1).div(total).log();
    }
    NDArray policyLogProb = logPolicy.gather(token, 1);
    // One read of the host per step: [B, 4] = token (exact as a float below 2^24), the two
    // log-probs and the entropy, instead of four.
    NDArray packed =
        NDArrays.concat(
            new NDList(
                token.toType(DataType.FLOAT32, false), samplingLogProb, policyLogProb, entropy),
            1);
    float[] flat = packed.toFloatArray();
    int[] tokens = new int[rows];
    float[] sampling = new float[rows];
    float[] policyLp = new float[rows];
    float[] entropies = new float[rows];
    for (int row = 0; row < rows; row++) {
      tokens[row] = (int) flat[4 * row];
      sampling[row] = flat[4 * row + 1];
      policyLp[row] = flat[4 * row + 2];
      entropies[row] = flat[4 * row + 3];
    }
    return new Pick(tokens, sampling, policyLp, entropies, token);
  }
}
