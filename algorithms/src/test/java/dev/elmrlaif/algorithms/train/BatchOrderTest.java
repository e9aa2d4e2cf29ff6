package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.SftConfig;
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

  @Test
  void aLengthGroupedEpochIsAPermutationSortedByLengthWithinEachMegabatch() {
    int[] lengths = new int[100];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = (i * 37) % 11 + 1; // 1..11, scattered over the indices
    }
    BatchOrder order = BatchOrder.groupedByLength(lengths, 5, 7);
    // min(100 / (5 * 4), 50) = 5 batches a megabatch: 25 examples
    assertEquals(25, order.megabatchSize());
    BatchOrder plain = new BatchOrder(100, 5, 7);
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] positions = new int[100];
      int[] plainPositions = new int[100];
      for (int step = 0; step < 20; step++) {
        System.arraycopy(order.batch(epoch * 20L + step), 0, positions, step * 5, 5);
        System.arraycopy(plain.batch(epoch * 20L + step), 0, plainPositions, step * 5, 5);
      }
      for (int start = 0; start < 100; start += 25) {
        int[] grouped = Arrays.copyOfRange(positions, start, start + 25);
        int[] shuffled = Arrays.copyOfRange(plainPositions, start, start + 25);
        for (int i = 1; i < 25; i++) {
          assertTrue(
              lengths[grouped[i - 1]] >= lengths[grouped[i]],
              "epoch " + epoch + ": longest first within the megabatch at " + (start + i));
        }
        // the same examples as the plain order's megabatch: grouping only reorders inside it
        Arrays.sort(grouped);
        Arrays.sort(shuffled);
        assertArrayEquals(shuffled, grouped, "epoch " + epoch + ", megabatch at " + start);
      }
    }
    assertArrayEquals(order.batch(33), BatchOrder.groupedByLength(lengths, 5, 7).batch(33));
  }

  @Test
  void aSmallDatasetGroupsAtLeastOneBatch() {
    BatchOrder order = BatchOrder.groupedByLength(new int[] {3, 1, 2}, 2, 0);
    assertEquals(2, order.megabatchSize());
    int[] epoch = new int[4];
    System.arraycopy(order.batch(0), 0, epoch, 0, 2);
    System.arraycopy(order.batch(1), 0, epoch, 2, 2);
    int[] first = Arrays.copyOf(epoch, 3);
    Arrays.sort(first);
    assertArrayEquals(new int[] {0, 1, 2}, first);
  }

  @Test
  void sftGroupsByLengthOnlyWhenConfigured() {
    int[] lengths = {5, 1, 4, 2, 3, 9, 7, 8, 6, 2, 4, 1, 3, 5, 9, 8};
    assertFalse(SftStage.batchOrder(SftConfig.defaults(), 2, lengths, 1).groupedByLength());
    BatchOrder grouped =
        SftStage.batchOrder(SftConfig.defaults().withGroupByLength(true), 2, lengths, 1);
    assertTrue(grouped.groupedByLength());
    assertArrayEquals(BatchOrder.groupedByLength(lengths, 2, 1).batch(3), grouped.batch(3));
  }
}
