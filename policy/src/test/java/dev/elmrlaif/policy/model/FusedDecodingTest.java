package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decode loop with fewer engine calls per step (the scalars of every layer made once per KV
 * cache, the padding mask made once per cache, keys and values written and read in one tensor per
 * layer, one host read per step) must give the same bits as the loop it replaced: this test keeps
 * that loop, written out as it was (per-layer scalars, the padding mask rebuilt from the key mask
 * at every step, separate key and value caches, four host reads per step), and compares tokens,
 * lengths, both log-probs and entropies of {@link Sampler#sample} with it, bit for bit, for
 * ancestral, tempered top-k/top-p and greedy decoding over a left-padded batch with entities.
 */
class FusedDecodingTest {
  private static final List<ElmPrompt> PROMPTS =
      List.of(
          new ElmPrompt(new int[] {7, 2, 9, 10, 11}, new float[][] {{0.5f, -1f, 2f}}),
          new ElmPrompt(new int[] {2, 8}, new float[][] {{1f, 0f, -1f}}),
          new ElmPrompt(new int[] {4, 2, 5, 3}, new float[][] {{0.1f, 0.2f, 0.3f}, {-2f, 1f, 0f}}),
          new ElmPrompt(new int[] {6, 2, 12}, new float[][] {{-0.3f, 0.9f, 0.4f}}));

  @Test
  void samplerGivesTheBitsOfThePreviousDecodeLoop() {
    List<SamplingConfig> configs =
        List.of(
            SamplingConfig.ancestral(12),
            SamplingConfig.ancestral(12).withTemperature(0.7).withTopK(5).withTopP(0.9),
            SamplingConfig.ancestral(12).withTopP(0.8),
            SamplingConfig.greedy(12));
    try (Elm elm = TinyModels.elm(23)) {
      for (SamplingConfig config : configs) {
        for (long seed : new long[] {1, 99}) {
          SampleResult expected = previousSample(elm, PROMPTS, config, seed);
          SampleResult actual = Sampler.sample(elm, PROMPTS, config, seed);
          String what = config + ", seed " + seed;
          assertArrayEquals(expected.lengths(), actual.lengths(), what);
          assertArrayEquals(expected.ended(), actual.ended(), what);
          for (int row = 0; row < PROMPTS.size(); row++) {
            assertArrayEquals(expected.tokens()[row], actual.tokens()[row], what);
            assertArrayEquals(
                expected.samplingLogProbs()[row], actual.samplingLogProbs()[row], 0f, what);
            assertArrayEquals(
                expected.policyLogProbs()[row], actual.policyLogProbs()[row], 0f, what);
            assertArrayEquals(expected.entropies()[row], actual.entropies()[row], 0f, what);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The previous decode loop, as it was before the fusion.

  static SampleResult previousSample(
      Elm elm, List<ElmPrompt> prompts, SamplingConfig config, long seed) {
    PromptBatch batch = PromptBatch.forGeneration(prompts, elm.config());
    int rows = batch.rows();
    int maxNew = config.maxNewTokens();
    int endToken = elm.config().endTokenId();
    int[][] tokens = new int[rows][maxNew];
    float[][] samplingLogProbs = new float[rows][maxNew];
    float[][] policyLogProbs = new float[rows][maxNew];
    float[][] entropies = new float[rows][maxNew];
    int[] lengths = new int[rows];
    boolean[] ended = new boolean[rows];
    for (int[] row : tokens) {
      Arrays.fill(row, elm.config().padTokenId());
    }
    SplittableRandom rng = new SplittableRandom(seed);
    long[] fed = new long[rows];
    long[] positions = new long[rows];
    int capacity = batch.length() + maxNew;
    float[] flatMask = new float[rows * capacity];
    for (int row = 0; row < rows; row++) {
      System.arraycopy(batch.keyMask[row], 0, flatMask, row * capacity, batch.length());
      Arrays.fill(flatMask, row * capacity + batch.length(), (row + 1) * capacity, 1f);
    }
    try (NDManager generation = elm.manager().newSubManager()) {
      PreviousCache cache = new PreviousCache(generation, elm, rows, capacity, flatMask);
      NDArray keyMask =
          generation.create(flatMask, new Shape(rows, capacity)).toType(elm.dataType(), false);
      int active = rows;
      for (int step = 0; step < maxNew && active > 0; step++) {
        double[] uniforms = new double[rows];
        for (int row = 0; row < rows; row++) {
          uniforms[row] = rng.nextDouble();
        }
        Object[] picked;
        try (NDManager scope = generation.newSubManager();
            NDScope nativeScope = new NDScope()) {
          nativeScope.suppressNotUsedWarning();
          NDArray hidden;
          if (step == 0) {
            hidden =
                previousHidden(
                        elm, elm.embed(scope, batch), elm.positionIds(scope, batch), keyMask, cache)
                    .get(new NDIndex(":, -1, :"));
          } else {
            NDArray ids = scope.create(fed, new Shape(rows, 1));
            NDArray pos = scope.create(positions, new Shape(rows, 1));
            hidden = previousHidden(elm, elm.embedTokens(ids), pos, keyMask, cache);
            hidden = hidden.reshape(rows, -1);
          }
          picked = previousPick(scope, elm.logits(hidden), config, uniforms);
        }
        int[] pickedTokens = (int[]) picked[0];
        for (int row = 0; row < rows; row++) {
          int token = pickedTokens[row];
          fed[row] = token;
          positions[row] = batch.promptLength(row) + step;
          if (ended[row]) {
            continue;
          }
          tokens[row][step] = token;
          samplingLogProbs[row][step] = ((float[]) picked[1])[row];
          policyLogProbs[row][step] = ((float[]) picked[2])[row];
          entropies[row][step] = ((float[]) picked[3])[row];
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

  /** The transformer with the cache as it was: scalars per layer, the mask rebuilt per step. */
  private static NDArray previousHidden(
      Elm elm,
      NDArray inputEmbeddings,
      NDArray positionIds,
      NDArray fullKeyMask,
      PreviousCache cache) {
    Map<String, NDArray> p = elm.baseParameters();
    GptConfig config = elm.config().lm();
    long steps = inputEmbeddings.getShape().get(1);
    long offset = cache.length;
    long keys = offset + steps;
    NDArray x = inputEmbeddings.add(CausalLm.rows(p.get("wpe.weight"), positionIds));
    DataType type = x.getDataType();
    NDArray mask = null;
    if (steps > 1) {
      float[] causal = new float[Math.toIntExact(steps * keys)];
      for (int q = 0; q < steps; q++) {
        for (long k = offset + q + 1; k < keys; k++) {
          causal[Math.toIntExact(q * keys + k)] = -1e9f;
        }
      }
      mask = x.getManager().create(causal, new Shape(1, 1, steps, keys)).toType(type, false);
    }
    if (cache.hasPadding) {
      NDArray keyMask = fullKeyMask.get(new NDIndex().addAllDim().addSliceDim(0, keys));
      NDArray padding =
          keyMask
              .toType(type, false)
              .sub(1f)
              .mul(1e9f)
              .reshape(keyMask.getShape().get(0), 1, 1, keys);
      mask = mask == null ? padding : padding.add(mask);
    }
    Shape normalized = new Shape(config.dModel());
    float eps = (float) config.layerNormEps();
    for (int layer = 0; layer < config.layers(); layer++) {
      String h = "h." + layer + ".";
      NDArray n1 =
          LayerNorm.layerNorm(x, normalized, p.get(h + "ln_1.weight"), p.get(h + "ln_1.bias"), eps)
              .get(0);
      long batch = n1.getShape().get(0);
      NDArray qkv =
          project(p, h + "attn.c_attn", n1)
              .reshape(batch, steps, 3, config.heads(), config.headDim())
              .transpose(2, 0, 3, 1, 4);
      NDArray q = qkv.get(0);
      NDIndex slot = new NDIndex().addAllDim(2).addSliceDim(offset, keys);
      cache.keys[layer].set(slot, qkv.get(1));
      cache.values[layer].set(slot, qkv.get(2));
      NDIndex upTo = new NDIndex().addAllDim(2).addSliceDim(0, keys);
      NDArray k = cache.keys[layer].get(upTo);
      NDArray v = cache.values[layer].get(upTo);
      NDArray scores =
          q.mul(EngineOwned.scalar(q, 1.0 / Math.sqrt(config.headDim())))
              .matMul(k.transpose(0, 1, 3, 2));
      if (mask != null) {
        scores = scores.add(mask);
      }
      NDArray mixed = scores.softmax(-1).matMul(v);
      NDArray merged = mixed.transpose(0, 2, 1, 3).reshape(batch, steps, config.dModel());
      x = x.add(project(p, h + "attn.c_proj", merged));
      NDArray n2 =
          LayerNorm.layerNorm(x, normalized, p.get(h + "ln_2.weight"), p.get(h + "ln_2.bias"), eps)
              .get(0);
      NDArray fc = project(p, h + "mlp.c_fc", n2);
      double scale = 2.0 * Math.sqrt(2.0 / Math.PI);
      NDArray twiceInner =
          fc.mul(fc)
              .mul(EngineOwned.scalar(fc, scale * 0.044715))
              .add(EngineOwned.scalar(fc, scale))
              .mul(fc);
      x = x.add(project(p, h + "mlp.c_proj", Activation.sigmoid(twiceInner).mul(fc)));
    }
    cache.length += (int) steps;
    return LayerNorm.layerNorm(x, normalized, p.get("ln_f.weight"), p.get("ln_f.bias"), eps).get(0);
  }

  /** The cache as it was: keys and values of each layer in two tensors {@code [B, H, cap, hd]}. */
  private static final class PreviousCache {
    final NDArray[] keys;
    final NDArray[] values;
    final boolean hasPadding;
    int length;

    PreviousCache(NDManager manager, Elm elm, int rows, int capacity, float[] flatMask) {
      GptConfig config = elm.config().lm();
      Shape shape = new Shape(rows, config.heads(), capacity, config.headDim());
      keys = new NDArray[config.layers()];
      values = new NDArray[config.layers()];
      for (int layer = 0; layer < config.layers(); layer++) {
        keys[layer] = manager.zeros(shape, elm.dataType());
        values[layer] = manager.zeros(shape, elm.dataType());
      }
      boolean padded = false;
      for (float value : flatMask) {
        padded |= value == 0f;
      }
      hasPadding = padded;
    }
  }

  private static NDArray project(Map<String, NDArray> p, String prefix, NDArray x) {
    return x.matMul(p.get(prefix + ".weight")).add(p.get(prefix + ".bias"));
  }

  /** The token choice as it was: tokens, sampling and policy log-probs, entropies; four reads. */
  private static Object[] previousPick(
      NDManager scope, NDArray logits, SamplingConfig config, double[] uniforms) {
    int rows = uniforms.length;
    logits = logits.toType(DataType.FLOAT32, false);
    NDArray logPolicy = logits.logSoftmax(-1);
    NDArray policy = logPolicy.exp();
    NDArray entropy = policy.mul(logPolicy).sum(new int[] {-1}).neg();
    NDArray token;
    NDArray samplingLogProb;
    if (config.greedy()) {
      token = logits.argMax(-1).reshape(rows, 1);
      samplingLogProb = scope.zeros(new Shape(rows), DataType.FLOAT32);
    } else {
      int vocab = Math.toIntExact(logits.getShape().get(1));
      NDArray scaled = config.temperature() == 1.0 ? logits : logits.div(config.temperature());
      NDArray probs;
      NDArray order = null;
      if (config.topK() == 0 && config.topP() == 1.0) {
        probs = config.temperature() == 1.0 ? policy : scaled.softmax(-1);
      } else {
        int k = config.topK() == 0 ? vocab : Math.min(config.topK(), vocab);
        NDList top = scaled.topK(k, -1, true, true);
        probs = top.get(0).softmax(-1);
        order = top.get(1);
        if (config.topP() < 1.0) {
          NDArray before = probs.cumSum(1).sub(probs);
          probs = probs.mul(before.lt(config.topP()).toType(DataType.FLOAT32, false));
        }
      }
      NDArray cdf = probs.cumSum(1);
      NDArray total = cdf.get(new NDIndex(":, -1:"));
      NDArray threshold =
          scope.create(uniforms, new Shape(rows, 1)).toType(DataType.FLOAT32, false).mul(total);
      NDArray index = cdf.lte(threshold).sum(new int[] {1}, true).toType(DataType.INT64, false);
      if (order != null) {
        NDArray lastKept =
            probs.gt(0f).sum(new int[] {1}, true).toType(DataType.INT64, false).sub(1L);
        index = index.minimum(lastKept);
      } else {
        index = index.minimum(vocab - 1L);
      }
      token = order == null ? index : order.gather(index, 1);
      samplingLogProb = probs.gather(index, 1).div(total).log().reshape(rows);
    }
    NDArray policyLogProb = logPolicy.gather(token, 1).reshape(rows);
    return new Object[] {
      token.reshape(rows).toType(DataType.INT32, false).toIntArray(),
      samplingLogProb.toFloatArray(),
      policyLogProb.toFloatArray(),
      entropy.toFloatArray()
    };
  }
}
