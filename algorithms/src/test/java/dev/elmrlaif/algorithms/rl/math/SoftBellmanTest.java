package dev.elmrlaif.algorithms.rl.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftBellmanTest {

  @Test
  void softValueAndOptimalPolicyMatchHandValues() {
    double[] logRef = {Math.log(0.5), Math.log(0.5)};
    double[] q = {0.0, Math.log(3)};
    // V = log(½·1 + ½·3) = log 2; π* = (½·1/2, ½·3/2).
    assertEquals(Math.log(2), SoftBellman.softValue(q, logRef, 1.0), 1e-15);
    assertArrayEquals(
        new double[] {Math.log(0.25), Math.log(0.75)},
        SoftBellman.optimalLogPolicy(q, logRef, 1.0),
        1e-15);
    // alpha → 0 approaches max Q; large Q/alpha does not overflow.
    assertEquals(1000.0, SoftBellman.softValue(new double[] {1000, 990}, logRef, 0.01), 0.01);
    assertEquals(3.0, SoftBellman.qTarget(1.0, 0.5, 4.0, false), 0.0);
    assertEquals(1.0, SoftBellman.qTarget(1.0, 0.5, 4.0, true), 0.0);
  }

  @Test
  void sacTargetsAreConsistentWithTheSoftOptimum() {
    Random random = new Random(5);
    for (int trial = 0; trial < 30; trial++) {
      int n = 2 + trial % 6;
      double alpha = 0.05 + random.nextDouble();
      double[] q = new double[n];
      double[] refLogits = new double[n];
      double[] piLogits = new double[n];
      for (int a = 0; a < n; a++) {
        q[a] = 3 * random.nextGaussian();
        refLogits[a] = random.nextGaussian();
        piLogits[a] = 2 * random.nextGaussian();
      }
      double[] logRef = LogProbs.logSoftmax(refLogits);
      double[] logPi = LogProbs.logSoftmax(piLogits);
      double v = SoftBellman.softValue(q, logRef, alpha);
      double[] logOptimal = SoftBellman.optimalLogPolicy(q, logRef, alpha);
      LogProbs.requireNormalised("pi*", logOptimal, 1e-12);
      // At pi*, the SAC V target is V*, and the policy loss is −V*.
      assertEquals(
          v,
          SoftBellman.valueTarget(logOptimal, logRef, q, alpha),
          1e-12 * Math.max(1, Math.abs(v)));
      // Elsewhere L_pi = alpha·KL(pi ‖ pi*) − V* > −V*.
      double loss = SoftBellman.policyLoss(logPi, logRef, q, alpha);
      assertEquals(
          alpha * KlDivergence.exact(logPi, logOptimal) - v,
          loss,
          1e-11 * Math.max(1, Math.abs(v)));
      assertTrue(loss > -v);
    }
  }
}
