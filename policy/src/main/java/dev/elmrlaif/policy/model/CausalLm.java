package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The GPT-2 causal language model written as plain DJL array operations over a map of named
 * parameters (names and shapes one-to-one with Hugging Face GPT-2, linear weights in its Conv1D
 * layout {@code [in, out]}, applied as {@code x W + b}). The whole forward pass is in this class,
 * nanoGPT style: learned position embeddings, pre-LayerNorm blocks with fused-QKV causal multi-head
 * attention and a tanh-GELU MLP, a final LayerNorm and an output head tied to {@code wte}. It holds
 * no tensors itself, so the same code runs a policy, its reference, or a critic's body over
 * different parameter maps.
 *
 * <p>Input is embeddings, not token ids, so the ELM can splice adapter outputs into the sequence.
 * Intermediate arrays belong to the first operand's manager: call inside an {@code NDScope} or a
 * short-lived manager, one per step, or they pile up in the parameters' manager until it closes.
 */
public final class CausalLm {
  private final GptConfig config;
  private final String[][] names;

  private static final int LN_1 = 0;
  private static final int LN_1_BIAS = 1;
  private static final int ATTN = 2;
  private static final int ATTN_OUT = 3;
  private static final int LN_2 = 4;
  private static final int LN_2_BIAS = 5;
  private static final int MLP_IN = 6;
  private static final int MLP_OUT = 7;

  /** Rows 1 and 2 (keys and values) of the {@code [3, B, H, T, hd]} projection. */
  private static final NDIndex KEYS_AND_VALUES = new NDIndex().addSliceDim(1, 3);

  public CausalLm(GptConfig config) {
    this.config = config;
    names = new String[config.layers()][];
    for (int layer = 0; layer < config.layers(); layer++) {
      String h = "h." + layer + ".";
      names[layer] =
          new String[] {
            h + "ln_1.weight",
            h + "ln_1.bias",
            h + "attn.c_attn",
            h + "attn.c_proj",
            h + "ln_2.weight",
            h + "ln_2.bias",
            h + "mlp.c_fc",
            h + "mlp.c_proj"
          };
    }
  }

  public GptConfig config() {
    return config;
  }

  /** Names and shapes of every parameter, in Hugging Face GPT-2 order. */
  public LinkedHashMap<String, Shape> parameterShapes() {
    int d = config.dModel();
    LinkedHashMap<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("wte.weight", new Shape(config.vocabSize(), d));
    shapes.put("wpe.weight", new Shape(config.contextLength(), d));
    for (int layer = 0; layer < config.layers(); layer++) {
      String h = "h." + layer + ".";
      shapes.put(h + "ln_1.weight", new Shape(d));
      shapes.put(h + "ln_1.bias", new Shape(d));
      shapes.put(h + "attn.c_attn.weight", new Shape(d, 3L * d));
      shapes.put(h + "attn.c_attn.bias", new Shape(3L * d));
      shapes.put(h + "attn.c_proj.weight", new Shape(d, d));
      shapes.put(h + "attn.c_proj.bias", new Shape(d));
      shapes.put(h + "ln_2.weight", new Shape(d));
      shapes.put(h + "ln_2.bias", new Shape(d));
      shapes.put(h + "mlp.c_fc.weight", new Shape(d, config.mlpDim()));
      shapes.put(h + "mlp.c_fc.bias", new Shape(config.mlpDim()));
      shapes.put(h + "mlp.c_proj.weight", new Shape(config.mlpDim(), d));
      shapes.put(h + "mlp.c_proj.bias", new Shape(d));
    }
    shapes.put("ln_f.weight", new Shape(d));
    shapes.put("ln_f.bias", new Shape(d));
    if (!config.tiedHead()) {
      shapes.put("lm_head.weight", new Shape(config.vocabSize(), d));
    }
    return shapes;
  }

  /**
   * GPT-2 initialisation: weights and embeddings {@code N(0, initStd^2)}, the two residual output
   * projections scaled by {@code 1/sqrt(2 * layers)}, biases 0, LayerNorm gains 1.
   */
  public LinkedHashMap<String, NDArray> initialize(
      NDManager manager, DataType dataType, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double residualStd = config.initStd() / Math.sqrt(2.0 * config.layers());
    LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> entry : parameterShapes().entrySet()) {
      String name = entry.getKey();
      Shape shape = entry.getValue();
      NDArray value;
      if (name.endsWith(".bias")) {
        value = Initializers.constant(manager, shape, 0, dataType);
      } else if (name.startsWith("ln_") || name.contains(".ln_")) {
        value = Initializers.constant(manager, shape, 1, dataType);
      } else if (name.endsWith("c_proj.weight")) {
        value = Initializers.gaussian(manager, shape, residualStd, rng, dataType);
      } else {
        value = Initializers.gaussian(manager, shape, config.initStd(), rng, dataType);
      }
      value.setName(name);
      parameters.put(name, value);
    }
    return parameters;
  }

  /** Token embeddings {@code wte[ids]}: ids {@code [B, T]} INT64 to {@code [B, T, d]}. */
  public NDArray embedTokens(Map<String, NDArray> parameters, NDArray tokenIds) {
    return rows(parameters.get("wte.weight"), tokenIds);
  }

  /**
   * Rows {@code table[ids]} of a table {@code [N, d]} for ids of any shape (INT64), owned by the
   * ids' manager, through {@code torch.nn.functional.embedding}. Not {@code table.get(NDIndex("{}",
   * ids))}: that op's backward on CPU is {@code index_put_} with accumulation, which with more than
   * one intra-op thread adds rows with atomic float additions in whatever order the threads reach
   * them, so two identical runs drift apart in the last bits of the gradients (and RL sampling
   * amplifies the drift). The embedding op's backward adds in index order, one thread per block of
   * table rows: the same bits at every thread count.
   */
  public static NDArray rows(NDArray table, NDArray ids) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * The transformer: input embeddings to final-LayerNorm hidden states.
   *
   * @param parameters named parameters (see {@link #parameterShapes()})
   * @param delta extra projection terms (LoRA), or {@link ProjectionDelta#NONE}
   * @param inputEmbeddings {@code [B, T, d]}
   * @param positionIds {@code [B, T]} INT64, indices into {@code wpe}
   * @param keyMask {@code [B, T]}, 1 for real and 0 for padded positions, or {@code null} for none;
   *     ignored when a cache is given (the cache carries the mask)
   * @param cache the KV cache to extend, or {@code null} for a full forward pass
   * @return hidden states {@code [B, T, d]}
   */
  public NDArray hiddenStates(
      Map<String, NDArray> parameters,
      ProjectionDelta delta,
      NDArray inputEmbeddings,
      NDArray positionIds,
      NDArray keyMask,
      KvCache cache) {
    long steps = inputEmbeddings.getShape().get(1);
    long offset = cache == null ? 0 : cache.length();
    if (offset + steps > config.contextLength()) {
      throw new IllegalArgumentException(
          "CausalLm: sequence of "
              + (offset + steps)
              + " positions exceeds contextLength="
              + config.contextLength());
    }
    NDArray x = inputEmbeddings.add(rows(parameters.get("wpe.weight"), positionIds));
    // 1. The additive padding mask [B, 1, 1, keys] (the cache made it once for all its steps) and
    //    the causal part; the scalars of every layer, made once per pass (or once per cache).
    NDArray padding;
    Scalars scalars;
    if (cache == null) {
      padding = keyMask == null ? null : additivePadding(keyMask, x.getDataType());
      scalars = scalars(config, x.getManager(), x.getDataType());
    } else {
      padding = cache.hasPadding() ? cache.additivePadding(offset + steps) : null;
      scalars = cache.scalars();
    }
    NDArray mask = attentionMask(x.getManager(), x.getDataType(), steps, offset, padding);
    Shape normalized = new Shape(config.dModel());
    float eps = (float) config.layerNormEps();
    for (int layer = 0; layer < config.layers(); layer++) {
      String[] n = names[layer];
      NDArray h =
          LayerNorm.layerNorm(
                  x, normalized, parameters.get(n[LN_1]), parameters.get(n[LN_1_BIAS]), eps)
              .get(0);
      x = x.add(attention(parameters, delta, layer, h, mask, cache, scalars));
      h =
          LayerNorm.layerNorm(
                  x, normalized, parameters.get(n[LN_2]), parameters.get(n[LN_2_BIAS]), eps)
              .get(0);
      h = gelu(project(parameters, delta, n[MLP_IN], h), scalars);
      x = x.add(project(parameters, delta, n[MLP_OUT], h));
    }
    if (cache != null) {
      cache.advance(steps);
    }
    return LayerNorm.layerNorm(
            x, normalized, parameters.get("ln_f.weight"), parameters.get("ln_f.bias"), eps)
        .get(0);
  }

  /** Output logits {@code hidden · wte^T} (or {@code lm_head} when untied): {@code [..., V]}. */
  public NDArray logits(Map<String, NDArray> parameters, NDArray hidden) {
    return hidden.matMul(outputEmbedding(parameters).transpose());
  }

  /**
   * The output embedding {@code E [V, d]} whose rows give the logits {@code h·Eᵀ}: {@code wte} when
   * the head is tied, else {@code lm_head}.
   */
  public NDArray outputEmbedding(Map<String, NDArray> parameters) {
    return parameters.get(config.tiedHead() ? "wte.weight" : "lm_head.weight");
  }

  /** Causal multi-head self-attention with one fused QKV projection and no per-head loop. */
  private NDArray attention(
      Map<String, NDArray> parameters,
      ProjectionDelta delta,
      int layer,
      NDArray h,
      NDArray mask,
      KvCache cache,
      Scalars scalars) {
    Shape shape = h.getShape();
    long batch = shape.get(0);
    long steps = shape.get(1);
    // [B, T, 3d] -> [3, B, H, T, hd]
    NDArray qkv =
        project(parameters, delta, names[layer][ATTN], h)
            .reshape(batch, steps, 3, config.heads(), config.headDim())
            .transpose(2, 0, 3, 1, 4);
    NDArray q = qkv.get(0);
    NDArray k;
    NDArray v;
    if (cache != null) {
      // Keys and values written together and read back together: [2, B, H, T, hd].
      cache.write(layer, qkv.get(KEYS_AND_VALUES));
      NDArray kv = cache.keysAndValues(layer, cache.length() + steps);
      k = kv.get(0);
      v = kv.get(1);
    } else {
      k = qkv.get(1);
      v = qkv.get(2);
    }
    NDArray scores = q.mul(scalars.attentionScale()).matMul(k.transpose(0, 1, 3, 2));
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray mixed = scores.softmax(-1).matMul(v); // [B, H, T, hd]
    NDArray merged = mixed.transpose(0, 2, 1, 3).reshape(batch, steps, config.dModel());
    return project(parameters, delta, names[layer][ATTN_OUT], merged);
  }

  /** A Conv1D projection {@code x W + b}, plus the delta term when one is attached. */
  private static NDArray project(
      Map<String, NDArray> parameters, ProjectionDelta delta, String prefix, NDArray x) {
    NDArray y = x.matMul(parameters.get(prefix + ".weight")).add(parameters.get(prefix + ".bias"));
    NDArray extra = delta.apply(prefix, x);
    return extra == null ? y : y.add(extra);
  }

  private static final double GELU_SCALE = 2.0 * Math.sqrt(2.0 / Math.PI);

  /**
   * GPT-2's GELU, tanh approximation: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))},
   * computed as the identical {@code x sigmoid(2 sqrt(2/pi) x (1 + 0.044715 x^2))}, which takes six
   * array operations instead of eight.
   */
  public static NDArray gelu(NDArray x) {
    return gelu(x, geluScalars(x.getManager(), x.getDataType()));
  }

  /** {@link #gelu(NDArray)} with its two scalars made beforehand (once per pass, not per layer). */
  private static NDArray gelu(NDArray x, Scalars scalars) {
    NDArray twiceInner = x.mul(x).mul(scalars.geluCubic()).add(scalars.geluLinear()).mul(x);
    return Activation.sigmoid(twiceInner).mul(x);
  }

  /**
   * The constant factors of a forward pass as 0-d tensors the engine owns: {@code 1/sqrt(hd)} of
   * the attention scores and the two of {@link #gelu}. Each scalar is a few native calls to make,
   * so a pass makes them once instead of once per layer, and a {@link KvCache} once for all its
   * decode steps (the values, hence the results, are the same bits).
   */
  record Scalars(NDArray attentionScale, NDArray geluCubic, NDArray geluLinear) {}

  /**
   * The {@link Scalars} of a model of {@code config}, of type {@code dataType}, in {@code manager}.
   */
  static Scalars scalars(GptConfig config, NDManager manager, DataType dataType) {
    Scalars gelu = geluScalars(manager, dataType);
    return new Scalars(
        EngineOwned.scalar(manager, dataType, attentionScale(config)),
        gelu.geluCubic(),
        gelu.geluLinear());
  }

  /** {@code 1/sqrt(hd)}, the scale of the attention scores. */
  private static double attentionScale(GptConfig config) {
    return 1.0 / Math.sqrt(config.headDim());
  }

  private static Scalars geluScalars(NDManager manager, DataType dataType) {
    return new Scalars(
        null,
        EngineOwned.scalar(manager, dataType, GELU_SCALE * 0.044715),
        EngineOwned.scalar(manager, dataType, GELU_SCALE));
  }

  /**
   * Additive attention mask {@code [B|1, 1, T, offset+T]}: 0 where a query may look, a large
   * negative number where the key is in its future or is padding. Queries sit at positions {@code
   * offset..offset+T-1} of the key axis. {@code null} when nothing is masked (one new token, no
   * padding).
   *
   * @param padding the additive padding mask {@code [B, 1, 1, offset+T]} ({@link
   *     #additivePadding}), or {@code null}
   */
  private static NDArray attentionMask(
      NDManager manager, DataType dataType, long steps, long offset, NDArray padding) {
    long keys = offset + steps;
    float blocked = blocked(dataType);
    NDArray mask = null;
    if (steps > 1) {
      float[] causal = new float[Math.toIntExact(steps * keys)];
      for (int q = 0; q < steps; q++) {
        for (long k = offset + q + 1; k < keys; k++) {
          causal[Math.toIntExact(q * keys + k)] = blocked;
        }
      }
      mask = manager.create(causal, new Shape(1, 1, steps, keys)).toType(dataType, false);
    }
    if (padding != null) {
      mask = mask == null ? padding : padding.add(mask);
    }
    return mask;
  }

  /**
   * The additive padding mask {@code [B, 1, 1, keys]} of a key mask {@code [B, keys]} (1 real, 0
   * padding): {@code (mask - 1) * big}, 0 for real keys and {@code -big} for padding.
   */
  static NDArray additivePadding(NDArray keyMask, DataType dataType) {
    return keyMask
        .toType(dataType, false)
        .sub(1f)
        .mul(-blocked(dataType))
        .reshape(keyMask.getShape().get(0), 1, 1, keyMask.getShape().get(1));
  }

  /** The score added where attention is blocked: large, negative and finite in {@code dataType}. */
  private static float blocked(DataType dataType) {
    return dataType == DataType.FLOAT16 ? -1e4f : -1e9f;
  }
}
