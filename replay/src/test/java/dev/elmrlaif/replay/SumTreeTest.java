package dev.elmrlaif.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SumTreeTest {

  @Test
  void findMapsCumulativeIntervalsToLeaves() {
    SumTree tree = new SumTree(5);
    double[] weights = {1.0, 0.0, 2.0, 0.5, 1.5};
    for (int i = 0; i < weights.length; i++) {
      tree.set(i, weights[i]);
    }
    assertEquals(5.0, tree.total(), 0.0);
    assertEquals(0.5, tree.minPositive(), 0.0);
    assertEquals(0, tree.find(0.0));
    assertEquals(0, tree.find(0.999));
    assertEquals(2, tree.find(1.0));
    assertEquals(2, tree.find(2.999));
    assertEquals(3, tree.find(3.0));
    assertEquals(4, tree.find(3.5));
    assertEquals(4, tree.find(4.999));
    // Rounding past the total still lands on the last non-empty leaf.
    assertEquals(4, tree.find(5.0 + 1e-12));
  }

  @Test
  void updatesRecomputeSumsAndMinimum() {
    SumTree tree = new SumTree(3);
    tree.set(0, 4.0);
    tree.set(1, 1.0);
    tree.set(2, 2.0);
    tree.set(1, 0.0);
    assertEquals(6.0, tree.total(), 0.0);
    assertEquals(2.0, tree.minPositive(), 0.0);
    assertEquals(2, tree.find(4.0));
    tree.set(0, 0.0);
    tree.set(2, 0.0);
    assertEquals(Double.POSITIVE_INFINITY, tree.minPositive());
  }
}
