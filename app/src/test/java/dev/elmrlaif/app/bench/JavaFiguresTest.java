package dev.elmrlaif.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stand-in reward and the leave-one-out advantages of the benchmark's REINFORCE step. */
class JavaFiguresTest {
  @Test
  void rewardCountsTokenTwo() {
    assertArrayEquals(
        new float[] {2, 0, 1},
        JavaFigures.rewards(List.of(new int[] {2, 5, 2, 1}, new int[] {3, 1}, new int[] {2})));
  }

  @Test
  void leaveOneOutPerGroup() {
    // Group 1 (3, 1, 2): 3 - (1 + 2)/2 = 1.5, 1 - 2.5 = -1.5, 2 - 2 = 0; group 2 (0, 0, 6):
    // 0 - 3 = -3, -3, 6 - 0 = 6.
    assertArrayEquals(
        new float[] {1.5f, -1.5f, 0f, -3f, -3f, 6f},
        JavaFigures.leaveOneOutAdvantages(new float[] {3, 1, 2, 0, 0, 6}, 3));
  }
}
