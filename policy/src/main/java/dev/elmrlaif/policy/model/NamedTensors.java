package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks a map of named arrays against the names and shapes a model expects. */
public final class NamedTensors {
  private NamedTensors() {}

  /**
   * The arrays named in {@code expected}, in its order, each named after its key.
   *
   * @throws IllegalArgumentException naming the first tensor that is missing or has another shape
   */
  public static LinkedHashMap<String, NDArray> select(
      Map<String, Shape> expected, Map<String, NDArray> arrays) {
    LinkedHashMap<String, NDArray> selected = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> entry : expected.entrySet()) {
      NDArray array = arrays.get(entry.getKey());
      if (array == null) {
        throw new IllegalArgumentException(
            "tensor " + entry.getKey() + " is missing; expected shape " + entry.getValue());
      }
      if (!array.getShape().equals(entry.getValue())) {
        throw new IllegalArgumentException(
            "tensor "
                + entry.getKey()
                + ": found shape "
                + array.getShape()
                + ", expected "
                + entry.getValue());
      }
      array.setName(entry.getKey());
      selected.put(entry.getKey(), array);
    }
    return selected;
  }
}
