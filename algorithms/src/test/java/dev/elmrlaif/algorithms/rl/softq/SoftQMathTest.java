package dev.elmrlaif.algorithms.rl.softq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.math.LogProbs;
import dev.elmrlaif.algorithms.rl.math.SoftBellman;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tensor formulas of H5–H8 agree with the scalar reference {@link SoftBellman} (and {@link
 * KlDivergence#exact}) state by state, in float64, on random Q-values and reference rows, including
 * Q-values large enough that an unshifted exponential would overflow.
 */
class SoftQMathTest {
  private static final int STATES = 6;
  private static final int VOCAB = 5;

  @Test
  void softValueAndOptimalPolicyMatchTheScalarFormulas() {
    SplittableRandom random = new SplittableRandom(11);
    double[][] q = randomRows(random, 3.0);
    q[2][1] = 800; // exp(800 / α) overflows without the max shift
    double[][] logRef = new double[STATES][];
    for (int s = 0; s < STATES; s++) {
      logRef[s] = LogProbs.logSoftmax(randomRows(random, 2.0)[s]);
    }
    for (double alpha : new double[] {0.1, 1.0, 4.0}) {
      try (NDManager manager = NDManager.newBaseManager()) {
        NDArray qs = matrix(manager, q);
        NDArray refs = matrix(manager, logRef);
        double[] values = SoftQMath.softValue(qs, refs, alpha).toDoubleArray();
        double[] logPolicy = SoftQMath.optimalLogPolicy(qs, refs, alpha).toDoubleArray();
        for (int s = 0; s < STATES; s++) {
          double expected = SoftBellman.softValue(q[s], logRef[s], alpha);
          assertEquals(
              expected, values[s], 1e-9 * Math.max(1, Math.abs(expected)), "V*(s" + s + ")");
          double[] expectedPolicy = SoftBellman.optimalLogPolicy(q[s], logRef[s], alpha);
          for (int a = 0; a < VOCAB; a++) {
            assertEquals(
                expectedPolicy[a], logPolicy[s * VOCAB + a], 1e-9, "log pi*(" + a + "|s" + s + ")");
          }
        }
      }
    }
  }

  @Test
  void distillationKlIsTheExactKlFromTheOptimalPolicyToThePolicy() {
    SplittableRandom random = new SplittableRandom(12);
    double[][] target = new double[STATES][];
    double[][] policy = new double[STATES][];
    for (int s = 0; s < STATES; s++) {
      target[s] = LogProbs.logSoftmax(randomRows(random, 2.0)[s]);
      policy[s] = LogProbs.logSoftmax(randomRows(random, 2.0)[s]);
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      double[] kl =
          SoftQMath.distillationKl(matrix(manager, target), matrix(manager, policy))
              .toDoubleArray();
      for (int s = 0; s < STATES; s++) {
        assertEquals(KlDivergence.exact(target[s], policy[s]), kl[s], 1e-12, "KL at s" + s);
      }
      assertEquals(
          0.0,
          SoftQMath.distillationKl(matrix(manager, target), matrix(manager, target))
              .toDoubleArray()[0],
          1e-15,
          "KL of a distribution to itself");
    }
  }

  @Test
  void bellmanTargetsBootstrapFromTheNextStateAndStopAtTheEnd() {
    // Three steps, terminal reward 2 on the last; soft values 7 (unused), 5, 3.
    double[] targets =
        SoftQMath.bellmanTargets(new double[] {0, 0, 2}, new double[] {7, 5, 3}, 0.5);
    assertArrayEquals(new double[] {0.5 * 5, 0.5 * 3, 2}, targets, 0);
    assertArrayEquals(
        new double[] {0.25}, SoftQMath.bellmanTargets(new double[] {0.25}, new double[] {9}, 1), 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SoftQMath.bellmanTargets(new double[2], new double[3], 1));
    assertEquals(
        "bellmanTargets: 2 rewards and 3 soft values, expected one of each per step",
        e.getMessage());
  }

  @Test
  void rejectsMismatchedShapesAndNonPositiveAlpha() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray q = manager.zeros(new Shape(2, 3));
      IllegalArgumentException shape =
          assertThrows(
              IllegalArgumentException.class,
              () -> SoftQMath.softValue(q, manager.zeros(new Shape(2, 4)), 1));
      assertEquals(
          "Q-values have shape (2, 3) and log pi_ref (2, 4), expected the same shape"
              + " (one entry per vocabulary token)",
          shape.getMessage());
      IllegalArgumentException alpha =
          assertThrows(IllegalArgumentException.class, () -> SoftQMath.optimalLogPolicy(q, q, 0));
      assertEquals("alpha: found 0.0, expected a finite value > 0", alpha.getMessage());
    }
  }

  private static double[][] randomRows(SplittableRandom random, double scale) {
    double[][] rows = new double[STATES][VOCAB];
    for (double[] row : rows) {
      for (int a = 0; a < VOCAB; a++) {
        row[a] = scale * (2 * random.nextDouble() - 1);
      }
    }
    return rows;
  }

  private static NDArray matrix(NDManager manager, double[][] rows) {
    double[] flat = new double[rows.length * VOCAB];
    for (int s = 0; s < rows.length; s++) {
      System.arraycopy(rows[s], 0, flat, s * VOCAB, VOCAB);
    }
    return manager.create(flat, new Shape(rows.length, VOCAB));
  }
}
