package dev.elmrlaif.algorithms.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Which examples form the batch of each optimisation step. Examples are visited epoch by epoch,
 * each epoch in its own random order drawn from {@code (seed, epoch)}; a batch that reaches the end
 * of an epoch continues into the next one. Global example position {@code p = step * batchSize + i}
 * is example {@code permutation(p / size)[p % size]}.
 *
 * <p>The batch of a step is a pure function of {@code (seed, step)}: the data cursor of a
 * checkpoint is its step, and a resumed run neither skips nor repeats an example, at an epoch
 * boundary or anywhere else.
 *
 * <p>{@link #groupedByLength} orders each epoch as Hugging Face's {@code group_by_length} does
 * ({@code LengthGroupedSampler}): the epoch's random order is cut into megabatches of up to 50
 * batches and each megabatch is sorted by length, longest first, so a batch holds examples of
 * similar length and a right-padded batch wastes fewer positions on padding.
 */
public final class BatchOrder {
  private final int datasetSize;
  private final int batchSize;
  private final long seed;
  private final int[] lengths; // null: no grouping
  private long cachedEpoch = -1;
  private int[] cachedPermutation;

  /**
   * @param datasetSize examples to draw from, at least 1
   * @param batchSize examples per step, at least 1
   * @param seed the shuffle seed
   */
  public BatchOrder(int datasetSize, int batchSize, long seed) {
    this(datasetSize, batchSize, seed, null);
  }

  /**
   * The length-grouped order of the class comment.
   *
   * @param lengths the length (tokens) of each example; its size is the dataset size, at least 1
   * @param batchSize examples per step, at least 1
   * @param seed the shuffle seed
   */
  public static BatchOrder groupedByLength(int[] lengths, int batchSize, long seed) {
    return new BatchOrder(lengths.length, batchSize, seed, lengths.clone());
  }

  private BatchOrder(int datasetSize, int batchSize, long seed, int[] lengths) {
    if (datasetSize < 1) {
      throw new IllegalArgumentException(
          "BatchOrder.datasetSize: found " + datasetSize + ", expected at least 1");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "BatchOrder.batchSize: found " + batchSize + ", expected at least 1");
    }
    this.datasetSize = datasetSize;
    this.batchSize = batchSize;
    this.seed = seed;
    this.lengths = lengths;
  }

  /** The example indices of the batch of step {@code step} (0 for the first step). */
  public int[] batch(long step) {
    int[] indices = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      long position = step * batchSize + i;
      indices[i] = permutation(position / datasetSize)[(int) (position % datasetSize)];
    }
    return indices;
  }

  /** Where the batch of step {@code step} starts: the epoch and the offset inside it. */
  public Cursor cursor(long step) {
    long position = step * batchSize;
    return new Cursor(position / datasetSize, position % datasetSize);
  }

  public int datasetSize() {
    return datasetSize;
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  /** Whether each epoch is grouped by length ({@link #groupedByLength}). */
  public boolean groupedByLength() {
    return lengths != null;
  }

  /**
   * Examples per megabatch of a grouped order: 50 batches, or fewer so that an epoch holds at least
   * four megabatches (Hugging Face's {@code megabatch_mult}), at least one batch.
   */
  int megabatchSize() {
    return Math.max(1, Math.min(datasetSize / (batchSize * 4), 50)) * batchSize;
  }

  /** The order of epoch {@code epoch}: a Fisher-Yates shuffle seeded by {@code (seed, epoch)}. */
  private int[] permutation(long epoch) {
    if (epoch != cachedEpoch) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
      int[] order = new int[datasetSize];
      for (int i = 0; i < datasetSize; i++) {
        order[i] = i;
      }
      for (int i = datasetSize - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      if (lengths != null) {
        sortMegabatchesByLength(order);
      }
      cachedEpoch = epoch;
      cachedPermutation = order;
    }
    return cachedPermutation;
  }

  /** Sorts each megabatch of {@code order} by length, longest first, ties in their random order. */
  private void sortMegabatchesByLength(int[] order) {
    int megabatch = megabatchSize();
    for (int start = 0; start < order.length; start += megabatch) {
      int end = Math.min(order.length, start + megabatch);
      Integer[] chunk = new Integer[end - start];
      for (int i = start; i < end; i++) {
        chunk[i - start] = order[i];
      }
      Arrays.sort(chunk, Comparator.comparingInt((Integer index) -> lengths[index]).reversed());
      for (int i = start; i < end; i++) {
        order[i] = chunk[i - start];
      }
    }
  }

  /** A position in the data: the epoch and the number of its examples already consumed. */
  public record Cursor(long epoch, long offset) {}
}
