package dev.elmrlaif.algorithms.rl.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KlDivergenceTest {

  private static double[] log(double... p) {
    double[] l = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      l[i] = Math.log(p[i]);
    }
    return l;
  }

  private static double[] randomLogProbs(Random random, int n) {
    double[] logits = new double[n];
    for (int i = 0; i < n; i++) {
      logits[i] = 2 * random.nextGaussian();
    }
    return LogProbs.logSoftmax(logits);
  }

  /** E_p[k] by enumeration: Σ_a p_a·k(log p_a, log q_a). */
  private static double expectation(KlEstimator k, double[] logp, double[] logq) {
    double e = 0;
    for (int a = 0; a < logp.length; a++) {
      e += Math.exp(logp[a]) * k.perToken(logp[a], logq[a]);
    }
    return e;
  }

  @Test
  void exactKlMatchesClosedForms() {
    // p = (1/2, 1/4, 1/4), q = (1/4, 1/2, 1/4): KL = ½ ln 2 + ¼ ln ½ = ¼ ln 2.
    assertEquals(
        0.25 * Math.log(2), KlDivergence.exact(log(0.5, 0.25, 0.25), log(0.25, 0.5, 0.25)), 1e-15);
    // Bernoulli(a) ‖ Bernoulli(b) = a ln(a/b) + (1−a) ln((1−a)/(1−b)).
    double a = 0.3;
    double b = 0.8;
    double closed = a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
    assertEquals(closed, KlDivergence.exact(log(a, 1 - a), log(b, 1 - b)), 1e-15);
    assertEquals(0.0, KlDivergence.exact(log(0.2, 0.8), log(0.2, 0.8)), 0.0);
    // 0·log(0/q) = 0, but p > 0 where q = 0 is infinite.
    assertEquals(Math.log(2), KlDivergence.exact(log(1.0, 0.0), log(0.5, 0.5)), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, KlDivergence.exact(log(0.5, 0.5), log(1.0, 0.0)));
  }

  @Test
  void exactKlGradientMatchesFiniteDifferences() {
    Random random = new Random(8);
    double[] logits = {0.3, -1.2, 2.0, 0.0, 0.7};
    double[] logq = randomLogProbs(random, logits.length);
    double[] gradient = KlDivergence.exactGradientWrtLogits(logits, logq);
    double h = 1e-6;
    for (int a = 0; a < logits.length; a++) {
      double[] plus = logits.clone();
      double[] minus = logits.clone();
      plus[a] += h;
      minus[a] -= h;
      double numeric =
          (KlDivergence.exact(LogProbs.logSoftmax(plus), logq)
                  - KlDivergence.exact(LogProbs.logSoftmax(minus), logq))
              / (2 * h);
      assertEquals(numeric, gradient[a], 1e-8, "logit " + a);
    }
    // At p = q the KL is minimal and the gradient vanishes.
    assertArrayEquals(new double[5], KlDivergence.exactGradientWrtLogits(logq, logq), 1e-15);
  }

  @Test
  void k1AndK3AreUnbiasedAndK3IsNeverNegative() {
    Random random = new Random(123);
    for (int trial = 0; trial < 50; trial++) {
      double[] logp = randomLogProbs(random, 2 + trial % 7);
      double[] logq = randomLogProbs(random, logp.length);
      double kl = KlDivergence.exact(logp, logq);
      assertEquals(kl, expectation(KlEstimator.K1, logp, logq), 1e-12);
      assertEquals(kl, expectation(KlEstimator.K3, logp, logq), 1e-12);
      for (int i = 0; i < logp.length; i++) {
        assertTrue(KlEstimator.K3.perToken(logp[i], logq[i]) >= 0);
        assertTrue(KlEstimator.K2.perToken(logp[i], logq[i]) >= 0);
      }
    }
    // k1 goes negative where the reference prefers the token; k3 does not.
    assertTrue(KlEstimator.K1.perToken(Math.log(0.2), Math.log(0.6)) < 0);
    assertTrue(KlEstimator.K3.perToken(Math.log(0.2), Math.log(0.6)) > 0);
  }

  /**
   * Monte Carlo on a fixed pair: tokens drawn from p, the sample mean of each estimator lies within
   * 4 standard errors of its expectation; for k1 and k3 that expectation is the exact KL, for k2 it
   * is E_p[½ log²(p/q)], which exceeds the KL for this pair by more than the error bar (so a k2
   * mistaken for an unbiased estimator would fail here).
   */
  @Test
  void sampledEstimatesMatchTheExactKlWithinSamplingError() {
    double[] logp = log(0.05, 0.10, 0.15, 0.20, 0.25, 0.25);
    double[] logq = log(0.30, 0.25, 0.20, 0.10, 0.10, 0.05);
    double kl = KlDivergence.exact(logp, logq);
    Random random = new Random(2024);
    int n = 200_000;
    double[] cumulative = new double[logp.length];
    double total = 0;
    for (int a = 0; a < logp.length; a++) {
      total += Math.exp(logp[a]);
      cumulative[a] = total;
    }
    for (KlEstimator estimator : KlEstimator.values()) {
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < n; i++) {
        double u = random.nextDouble() * total;
        int a = 0;
        while (a < cumulative.length - 1 && u >= cumulative[a]) {
          a++;
        }
        double value = estimator.perToken(logp[a], logq[a]);
        sum += value;
        squares += value * value;
      }
      double mean = sum / n;
      double standardError = Math.sqrt((squares / n - mean * mean) / n);
      double expected = expectation(estimator, logp, logq);
      assertEquals(
          expected, mean, 4 * standardError, estimator + " sample mean vs its expectation");
      if (estimator == KlEstimator.K2) {
        assertTrue(
            Math.abs(mean - kl) > 4 * standardError,
            "k2 is biased for this pair: " + mean + " vs KL " + kl);
      } else {
        assertEquals(kl, mean, 4 * standardError, estimator + " sample mean vs the exact KL " + kl);
      }
    }
  }

  @Test
  void estimatorsMatchHandValues() {
    double logp = Math.log(0.5);
    double logq = Math.log(0.25);
    assertEquals(Math.log(2), KlEstimator.K1.perToken(logp, logq), 1e-15);
    assertEquals(0.5 * Math.log(2) * Math.log(2), KlEstimator.K2.perToken(logp, logq), 1e-15);
    // r = q/p = 1/2: k3 = 1/2 − 1 − ln(1/2) = ln 2 − 1/2.
    assertEquals(Math.log(2) - 0.5, KlEstimator.K3.perToken(logp, logq), 1e-15);
    assertEquals(0.0, KlEstimator.K3.perToken(-1.3, -1.3), 0.0);
  }

  @Test
  void k2AgreesWithKlToSecondOrder() {
    double[] logp = log(0.2, 0.3, 0.5);
    double[] direction = {1.0, -2.0, 0.5};
    double previousGap = Double.NaN;
    for (double delta : new double[] {1e-1, 1e-2}) {
      double[] logits = new double[3];
      for (int i = 0; i < 3; i++) {
        logits[i] = logp[i] + delta * direction[i];
      }
      double[] logq = LogProbs.logSoftmax(logits);
      double kl = KlDivergence.exact(logp, logq);
      double relativeGap = Math.abs(expectation(KlEstimator.K2, logp, logq) - kl) / kl;
      // The gap is third order in delta, so relative to KL (second order) it shrinks like delta.
      assertTrue(relativeGap < 2 * delta, "delta " + delta + ": relative gap " + relativeGap);
      if (!Double.isNaN(previousGap)) {
        assertTrue(relativeGap < previousGap / 5, relativeGap + " vs " + previousGap);
      }
      previousGap = relativeGap;
    }
  }

  @Test
  void perTokenEstimatesAreClipped() {
    double[] logp = {Math.log(0.9), Math.log(0.01), Math.log(0.5)};
    double[] logq = {Math.log(0.1), Math.log(0.5), Math.log(0.5)};
    double[] unclipped =
        KlDivergence.perToken(KlEstimator.K1, logp, logq, Double.POSITIVE_INFINITY);
    assertArrayEquals(new double[] {Math.log(9), Math.log(0.02), 0.0}, unclipped, 1e-12);
    double[] clipped = KlDivergence.perToken(KlEstimator.K1, logp, logq, 1.0);
    assertArrayEquals(new double[] {1.0, -1.0, 0.0}, clipped, 0.0);
    assertEquals(0.0, KlDivergence.sum(clipped), 0.0);
    assertThrows(
        IllegalArgumentException.class,
        () -> KlDivergence.perToken(KlEstimator.K1, logp, new double[2], 1.0));
  }

  @Test
  void entropyAndLogSumExp() {
    assertEquals(Math.log(4), LogProbs.entropy(log(0.25, 0.25, 0.25, 0.25)), 1e-15);
    double h = -(0.7 * Math.log(0.7) + 0.3 * Math.log(0.3));
    assertEquals(h, LogProbs.entropy(log(0.7, 0.3, 0.0)), 1e-15);
    assertEquals(1000 + Math.log(2), LogProbs.logSumExp(new double[] {1000, 1000}), 1e-12);
    assertArrayEquals(log(0.5, 0.5), LogProbs.logSoftmax(new double[] {-800, -800}), 1e-15);
    LogProbs.requireNormalised("p", log(0.2, 0.8), 1e-12);
    assertThrows(
        IllegalArgumentException.class, () -> LogProbs.requireNormalised("p", log(0.2, 0.7), 1e-6));
  }

  @Test
  void importanceWeightsAreClipped() {
    double[] logp = {Math.log(0.6), Math.log(0.1)};
    double[] logMu = {Math.log(0.2), Math.log(0.4)};
    assertArrayEquals(new double[] {3.0, 0.25}, ImportanceWeights.ratios(logp, logMu), 1e-12);
    assertArrayEquals(
        new double[] {2.0, 0.25}, ImportanceWeights.truncated(logp, logMu, 2.0), 1e-12);
    assertEquals(0.75, ImportanceWeights.truncatedSequence(logp, logMu, 10.0), 1e-12);
    assertEquals(0.5, ImportanceWeights.truncatedSequence(logp, logMu, 0.5), 0.0);
    assertEquals(1.2, ImportanceWeights.clipToRange(3.0, 0.2), 1e-15);
    assertEquals(0.8, ImportanceWeights.clipToRange(0.25, 0.2), 1e-15);
    assertEquals(1.1, ImportanceWeights.clipToRange(1.1, 0.2), 0.0);
  }
}
