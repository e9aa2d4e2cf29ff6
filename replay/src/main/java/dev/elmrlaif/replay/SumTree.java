package dev.elmrlaif.replay;

import java.util.Arrays;

/**
 * A binary tree over {@code n} non-negative leaf weights that keeps, at every inner node, the sum
 * and the minimum of the leaves below it: setting a leaf and the total are O(log n), and {@link
 * #find(double)} returns the leaf whose cumulative-weight interval contains a value, which turns
 * one uniform draw in {@code [0, total)} into a draw proportional to the weights.
 *
 * <p>Inner nodes are recomputed from their children on every update (never incremented), so the
 * tree's sums depend only on the current leaves, not on the history of updates: a tree rebuilt from
 * saved leaves samples exactly like the original.
 */
final class SumTree {
  private final int leafCount;
  private final int base;
  private final double[] sums;
  private final double[] mins;

  SumTree(int leafCount) {
    this.leafCount = leafCount;
    int size = 1;
    while (size < leafCount) {
      size <<= 1;
    }
    this.base = size;
    this.sums = new double[2 * size];
    this.mins = new double[2 * size];
    Arrays.fill(mins, Double.POSITIVE_INFINITY);
  }

  int leafCount() {
    return leafCount;
  }

  /** Sets leaf {@code i} to {@code weight}; a weight of 0 marks the leaf empty. */
  void set(int i, double weight) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "sum-tree weight: found " + weight + ", expected finite >= 0");
    }
    int node = base + i;
    sums[node] = weight;
    mins[node] = weight > 0 ? weight : Double.POSITIVE_INFINITY;
    for (node >>= 1; node >= 1; node >>= 1) {
      sums[node] = sums[2 * node] + sums[2 * node + 1];
      mins[node] = Math.min(mins[2 * node], mins[2 * node + 1]);
    }
  }

  double get(int i) {
    return sums[base + i];
  }

  double total() {
    return sums[1];
  }

  /** The smallest positive leaf weight, or +infinity when all leaves are 0. */
  double minPositive() {
    return mins[1];
  }

  /**
   * The leaf {@code i} with {@code sum(leaves < i) <= value < sum(leaves <= i)}, for {@code 0 <=
   * value < total()}. Rounding never lands on an empty leaf: a branch whose sum is 0 is never
   * taken.
   */
  int find(double value) {
    int node = 1;
    while (node < base) {
      int left = 2 * node;
      if (value < sums[left] || sums[left + 1] == 0) {
        node = left;
      } else {
        value -= sums[left];
        node = left + 1;
      }
    }
    return node - base;
  }
}
