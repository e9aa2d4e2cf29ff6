package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The data cursor: every epoch visits each example once, across batch and epoch boundaries,
 * reproducibly.
 */
class BatchOrderTest {

  @Test
  void everyEpochIsAPermutationEvenWhenBatchesStraddleItsEnd() {
    BatchOrder order = new BatchOrder(7, 3, 11);
    int[] positions = new int[7 * 3];
    for (int step = 0; step < 7; step++) {
      System.arraycopy(order.batch(step), 0, positions, step * 3, 3);
    }
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] seen = Arrays.copyOfRange(positions, epoch * 7, epoch * 7 + 7);
      Arrays.sort(seen);
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, seen, "epoch " + epoch);
    }
  }

  @Test
  void theBatchOfAStepDependsOnlyOnSeedAndStep() {
    BatchOrder first = new BatchOrder(10, 4, 3);
    BatchOrder second = new BatchOrder(10, 4, 3);
    int[] late = second.batch(9); // a fresh order asked out of sequence (a resumed run)
    for (int step = 0; step < 9; step++) {
      first.batch(step);
    }
    assertArrayEquals(first.batch(9), late);
    assertFalse(
        Arrays.equals(new BatchOrder(10, 4, 4).batch(0), first.batch(0)),
        "another seed, another order");
  }

  @Test
  void cursorCountsEpochsAndOffsets() {
    BatchOrder order = new BatchOrder(10, 4, 0);
    assertEquals(new BatchOrder.Cursor(0, 0), order.cursor(0));
    assertEquals(new BatchOrder.Cursor(0, 8), order.cursor(2));
    assertEquals(new BatchOrder.Cursor(1, 2), order.cursor(3));
    assertEquals(new BatchOrder.Cursor(2, 0), order.cursor(5));
  }
}
