package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MeanPoolingTest {

  // batch 2, tokens 3, hidden 2; the second sequence has one padding token
  private static final float[] HIDDEN = {
    1, 2, 3, 4, 5, 6,
    2, 0, 0, 4, 100, 100,
  };
  private static final long[][] MASK = {{1, 1, 1}, {1, 1, 0}};

  @Test
  void averagesOnlyUnmaskedTokens() {
    float[][] pooled = MeanPooling.pool(HIDDEN, MASK, 2, false);
    assertArrayEquals(new float[] {3, 4}, pooled[0], 1e-6f); // ((1+3+5)/3, (2+4+6)/3)
    assertArrayEquals(new float[] {1, 2}, pooled[1], 1e-6f); // ((2+0)/2, (0+4)/2); padding ignored
  }

  @Test
  void normalisesToUnitLengthAndLeavesAllPaddingAtZero() {
    float[][] pooled = MeanPooling.pool(HIDDEN, MASK, 2, true);
    assertArrayEquals(new float[] {0.6f, 0.8f}, pooled[0], 1e-6f);
    assertArrayEquals(
        new float[] {(float) (1 / Math.sqrt(5)), (float) (2 / Math.sqrt(5))}, pooled[1], 1e-6f);
    float[][] empty = MeanPooling.pool(new float[] {7, 7}, new long[][] {{0}}, 2, true);
    assertArrayEquals(new float[] {0, 0}, empty[0]);
  }

  @Test
  void rejectsShapeMismatch() {
    assertThrows(
        IllegalArgumentException.class, () -> MeanPooling.pool(new float[5], MASK, 2, false));
  }
}
