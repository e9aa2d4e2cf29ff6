package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The adapter {@code E_A(e) = GELU(e W1 + b1) W2 + b2} (DESIGN.md §1; paper Sec. 2) over the named
 * parameters {@code adapter.fc1.weight [n, hidden]}, {@code adapter.fc1.bias}, {@code
 * adapter.fc2.weight [hidden, d]}, {@code adapter.fc2.bias} (weights in {@code [in, out]} layout
 * like the GPT-2 projections).
 */
public final class EmbeddingAdapter {
  /** The prefix every adapter parameter name starts with. */
  public static final String PREFIX = "adapter.";

  private EmbeddingAdapter() {}

  /** Names and shapes of the adapter parameters for a model of width {@code dModel}. */
  public static LinkedHashMap<String, Shape> parameterShapes(AdapterConfig config, int dModel) {
    LinkedHashMap<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("adapter.fc1.weight", new Shape(config.domainDim(), config.hiddenDim()));
    shapes.put("adapter.fc1.bias", new Shape(config.hiddenDim()));
    shapes.put("adapter.fc2.weight", new Shape(config.hiddenDim(), dModel));
    shapes.put("adapter.fc2.bias", new Shape(dModel));
    return shapes;
  }

  /** Seeded initialisation; see {@link AdapterConfig#initStd()}. */
  public static LinkedHashMap<String, NDArray> initialize(
      AdapterConfig config, int dModel, NDManager manager, DataType dataType, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    LinkedHashMap<String, NDArray> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> entry : parameterShapes(config, dModel).entrySet()) {
      String name = entry.getKey();
      Shape shape = entry.getValue();
      NDArray value;
      if (name.endsWith(".bias")) {
        value = Initializers.constant(manager, shape, 0, dataType);
      } else if (name.equals("adapter.fc1.weight")) {
        value =
            Initializers.gaussian(
                manager, shape, 1.0 / Math.sqrt(config.domainDim()), rng, dataType);
      } else {
        value = Initializers.gaussian(manager, shape, config.initStd(), rng, dataType);
      }
      value.setName(name);
      parameters.put(name, value);
    }
    return parameters;
  }

  /** Maps embeddings {@code [..., n]} to input rows {@code [..., d]}. */
  public static NDArray apply(Map<String, NDArray> parameters, NDArray embeddings) {
    NDArray hidden =
        embeddings
            .matMul(parameters.get("adapter.fc1.weight"))
            .add(parameters.get("adapter.fc1.bias"));
    return CausalLm.gelu(hidden)
        .matMul(parameters.get("adapter.fc2.weight"))
        .add(parameters.get("adapter.fc2.bias"));
  }
}
