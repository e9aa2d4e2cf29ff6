package dev.elmrlaif.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.model.Initializers;
import dev.elmrlaif.policy.model.NamedTensors;
import dev.elmrlaif.policy.model.ProjectionDelta;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The LoRA tensors of a model and their effect on its projections: {@code delta(x) = (alpha/rank)
 * (x A) B} while training, and {@code W + (alpha/rank) A B} once merged (see {@link LoraConfig}).
 * Tensors are named {@code h.<i>.<projection>.lora_A} {@code [in, rank]} and {@code
 * h.<i>.<projection>.lora_B} {@code [rank, out]}, in the same {@code [in, out]} layout as the GPT-2
 * weights they adapt.
 */
public final class LoraWeights implements ProjectionDelta {
  /** The name fragment that marks a LoRA tensor. */
  public static final String MARKER = ".lora_";

  private final LoraConfig config;
  private final LinkedHashMap<String, NDArray> tensors;
  private final Map<String, NDArray[]> byProjection = new HashMap<>();
  private final float scale;

  /**
   * Wraps existing tensors (e.g. read from a checkpoint), checking every expected name and shape.
   *
   * @throws IllegalArgumentException naming the tensor that is missing or has the wrong shape
   */
  public LoraWeights(GptConfig model, LoraConfig config, Map<String, NDArray> tensors) {
    this.config = config;
    this.scale = (float) config.scale();
    this.tensors = NamedTensors.select(shapes(model, config), tensors);
    for (String name : this.tensors.keySet()) {
      if (name.endsWith(".lora_A")) {
        String projection = name.substring(0, name.length() - ".lora_A".length());
        byProjection.put(
            projection,
            new NDArray[] {this.tensors.get(name), this.tensors.get(projection + ".lora_B")});
      }
    }
  }

  /** Fresh LoRA tensors: {@code A ~ N(0, 1/in)}, {@code B = 0}, trainable. */
  public static LoraWeights initialize(
      GptConfig model, LoraConfig config, NDManager manager, DataType dataType, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> entry : shapes(model, config).entrySet()) {
      Shape shape = entry.getValue();
      NDArray tensor =
          entry.getKey().endsWith(".lora_A")
              ? Initializers.gaussian(manager, shape, 1.0 / Math.sqrt(shape.get(0)), rng, dataType)
              : Initializers.constant(manager, shape, 0, dataType);
      tensor.setName(entry.getKey());
      tensor.setRequiresGradient(true);
      tensors.put(entry.getKey(), tensor);
    }
    return new LoraWeights(model, config, tensors);
  }

  /** Names and shapes of the LoRA tensors of a model, block by block. */
  public static LinkedHashMap<String, Shape> shapes(GptConfig model, LoraConfig config) {
    LinkedHashMap<String, Shape> shapes = new LinkedHashMap<>();
    for (int layer = 0; layer < model.layers(); layer++) {
      for (LoraTarget target : LoraTarget.values()) {
        if (!config.targets().contains(target)) {
          continue;
        }
        long[] inOut = inOut(model, target);
        String prefix = "h." + layer + "." + target.projection();
        shapes.put(prefix + ".lora_A", new Shape(inOut[0], config.rank()));
        shapes.put(prefix + ".lora_B", new Shape(config.rank(), inOut[1]));
      }
    }
    return shapes;
  }

  private static long[] inOut(GptConfig model, LoraTarget target) {
    long d = model.dModel();
    return switch (target) {
      case ATTN_QKV -> new long[] {d, 3 * d};
      case ATTN_OUT -> new long[] {d, d};
      case MLP_IN -> new long[] {d, model.mlpDim()};
      case MLP_OUT -> new long[] {model.mlpDim(), d};
    };
  }

  public LoraConfig config() {
    return config;
  }

  /** The LoRA tensors by name, in block order. */
  public Map<String, NDArray> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /** {@code (alpha/rank) (x A) B} for an adapted projection, {@code null} for the others. */
  @Override
  public NDArray apply(String projection, NDArray input) {
    NDArray[] ab = byProjection.get(projection);
    if (ab == null) {
      return null;
    }
    NDArray product = input.matMul(ab[0]).matMul(ab[1]);
    return product.mul(EngineOwned.scalar(product, scale));
  }

  /** Whether every {@code B} is zero, i.e. this LoRA does not change the model. */
  public boolean isIdentity() {
    for (NDArray[] ab : byProjection.values()) {
      try (NDArray peak = ab[1].abs().max()) {
        if (peak.toType(DataType.FLOAT64, false).getDouble() != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Base weights with this LoRA folded in: {@code W + (alpha/rank) A B} for each adapted
   * projection's {@code .weight}; every other entry is the same array as in {@code base}.
   *
   * @param manager owner of the merged weights
   */
  public LinkedHashMap<String, NDArray> mergeInto(Map<String, NDArray> base, NDManager manager) {
    LinkedHashMap<String, NDArray> merged = new LinkedHashMap<>(base);
    for (Map.Entry<String, NDArray[]> entry : byProjection.entrySet()) {
      String weightName = entry.getKey() + ".weight";
      NDArray weight = base.get(weightName);
      NDArray[] ab = entry.getValue();
      try (NDManager scratch = manager.newSubManager()) {
        NDArray a = ab[0].duplicate();
        a.attach(scratch);
        NDArray update = a.matMul(ab[1]).mul(scale);
        NDArray result = update.add(weight);
        result.attach(manager);
        result.setName(weightName);
        merged.put(weightName, result);
      }
    }
    return merged;
  }

  /** A frozen copy of these tensors owned by {@code manager}. */
  public LoraWeights frozenCopy(GptConfig model, NDManager manager) {
    LinkedHashMap<String, NDArray> copies = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
      NDArray copy = entry.getValue().duplicate();
      copy.attach(manager);
      copy.setName(entry.getKey());
      copies.put(entry.getKey(), copy);
    }
    return new LoraWeights(model, config, copies);
  }
}
