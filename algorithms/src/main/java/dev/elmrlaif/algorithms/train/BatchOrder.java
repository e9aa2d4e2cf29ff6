package dev.elmrlaif.algorithms.train;

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
 */
public final class BatchOrder {
  private final int datasetSize;
  private final int batchSize;
  private final long seed;
  private long cachedEpoch = -1;
  private int[] cachedPermutation;

  /**
   * @param datasetSize examples to draw from, at least 1
   * @param batchSize examples per step, at least 1
   * @param seed the shuffle seed
   */
  public BatchOrder(int datasetSize, int batchSize, long seed) {
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
      cachedEpoch = epoch;
      cachedPermutation = order;
    }
    return cachedPermutation;
  }

  /** A position in the data: the epoch and the number of its examples already consumed. */
  public record Cursor(long epoch, long offset) {}
}
