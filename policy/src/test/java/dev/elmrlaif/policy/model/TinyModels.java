package dev.elmrlaif.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** Small models and helpers shared by the policy tests. */
public final class TinyModels {
  /**
   * Token ids of the tiny vocabulary: 0 pad, 1 end, 2 and 3 the placeholders of entities 0 and 1.
   */
  public static final int PAD = 0;

  public static final int END = 1;
  public static final int PLACEHOLDER = 2;
  public static final int PLACEHOLDER_1 = 3;

  private TinyModels() {}

  /** Vocab 37, context 40, 2 layers, 2 heads, d 16; weights large enough for peaked logits. */
  public static GptConfig lmConfig() {
    return GptConfig.builder()
        .vocabSize(37)
        .contextLength(40)
        .layers(2)
        .heads(2)
        .dModel(16)
        .initStd(0.3)
        .build();
  }

  public static ElmConfig elmConfig() {
    return new ElmConfig(
        lmConfig(), new AdapterConfig(3, 8, 0.3), List.of(PLACEHOLDER, PLACEHOLDER_1), END, PAD);
  }

  public static Elm elm(long seed) {
    return Elm.initialize(elmConfig(), Device.cpu(), DataType.FLOAT32, seed);
  }

  /** A prompt with one placeholder reading a 3-d entity. */
  public static ElmPrompt prompt(float a, float b, float c, int... tokensAroundPlaceholder) {
    int[] ids = new int[tokensAroundPlaceholder.length + 1];
    ids[0] = tokensAroundPlaceholder.length > 0 ? tokensAroundPlaceholder[0] : 5;
    ids[1] = PLACEHOLDER;
    System.arraycopy(
        tokensAroundPlaceholder, 1, ids, 2, Math.max(0, tokensAroundPlaceholder.length - 1));
    return new ElmPrompt(ids, new float[][] {{a, b, c}});
  }

  /** Largest absolute element-wise difference of two arrays of the same shape. */
  public static double maxAbsDiff(NDArray a, NDArray b) {
    try (NDArray diff =
        a.toType(DataType.FLOAT64, false).sub(b.toType(DataType.FLOAT64, false)).abs().max()) {
      return diff.getDouble();
    }
  }

  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
