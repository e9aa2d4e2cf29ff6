package dev.elmrlaif.algorithms.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.rl.math.AdvantageEstimator;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.BaselineConfig;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlLevel;
import dev.elmrlaif.algorithms.rl.math.KlPlacement;
import dev.elmrlaif.algorithms.rl.math.Returns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact policy gradient of the synthetic CoMDP against finite differences, gradient ascent to
 * π*, and a Monte-Carlo REINFORCE estimator assembled from rl.math that must average to it.
 */
class ObjectiveGradientTest {
  private static final SyntheticConfig CONFIG =
      SyntheticConfig.defaults()
          .with(
              b ->
                  b.vocabSize(3)
                      .beta(0.4)
                      .seed(21)
                      .reward(SyntheticRewardConfig.defaults().withScale(2.0)));

  private static Map<List<Integer>, double[]> randomLogits(TokenMdp mdp, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<List<Integer>, double[]> logits = new HashMap<>();
    for (List<Integer> s : mdp.states()) {
      logits.put(s, random.doubles(mdp.vocabSize(), -1, 1).toArray());
    }
    return logits;
  }

  private static TabularPolicy policy(TokenMdp mdp, Map<List<Integer>, double[]> logits) {
    return TabularPolicy.softmax(mdp, logits::get);
  }

  @Test
  void gradientMatchesCentralFiniteDifferences() {
    SyntheticCoMdp comdp = SyntheticCoMdp.from(CONFIG);
    TokenMdp mdp = comdp.mdp();
    Map<List<Integer>, double[]> logits = randomLogits(mdp, 1);
    Map<List<Integer>, double[]> gradient = comdp.objectiveGradient(policy(mdp, logits));
    double h = 1e-5;
    for (List<Integer> s : mdp.states()) {
      for (int a = 0; a < mdp.vocabSize(); a++) {
        double original = logits.get(s)[a];
        logits.get(s)[a] = original + h;
        double plus = comdp.objective(policy(mdp, logits));
        logits.get(s)[a] = original - h;
        double minus = comdp.objective(policy(mdp, logits));
        logits.get(s)[a] = original;
        assertEquals(
            (plus - minus) / (2 * h), gradient.get(s)[a], 1e-8, "prefix " + s + " token " + a);
      }
    }
  }

  @Test
  void gradientVanishesAtTheOptimumAndAscentReachesIt() {
    SyntheticCoMdp comdp = SyntheticCoMdp.from(CONFIG);
    TokenMdp mdp = comdp.mdp();
    for (double[] g : comdp.objectiveGradient(comdp.optimalPolicy()).values()) {
      for (double v : g) {
        assertEquals(0.0, v, 1e-12);
      }
    }
    // Exact gradient ascent on the logits from pi_ref, each prefix's step divided by the
    // probability of reaching it (a positive diagonal preconditioner: same fixed points, and deep
    // prefixes move as fast as the root). Softmax policy gradient converges sublinearly, so the
    // check is: J rises at every step and ends close to J(pi*).
    Map<List<Integer>, double[]> logits = new HashMap<>();
    for (List<Integer> s : mdp.states()) {
      logits.put(s, comdp.reference().logProbabilities(s));
    }
    double startTv = comdp.totalVariationToOptimal(comdp.reference());
    double previous = Double.NEGATIVE_INFINITY;
    TabularPolicy current = comdp.reference();
    for (int step = 0; step < 600; step++) {
      current = policy(mdp, logits);
      double j = comdp.objective(current);
      assertTrue(j > previous, "step " + step + ": J fell from " + previous + " to " + j);
      previous = j;
      Map<List<Integer>, double[]> g = comdp.objectiveGradient(current);
      for (List<Integer> s : mdp.states()) {
        double reach = current.sequenceProbability(s);
        for (int a = 0; a < mdp.vocabSize(); a++) {
          logits.get(s)[a] += 0.5 * g.get(s)[a] / reach;
        }
      }
    }
    assertTrue(startTv > 0.5, "the problem is not trivial: TV(pi_ref, pi*) = " + startTv);
    assertTrue(
        comdp.totalVariationToOptimal(current) < 1e-3,
        "TV " + comdp.totalVariationToOptimal(current));
    assertEquals(comdp.optimalObjective(), comdp.objective(current), 1e-4);
  }

  /**
   * REINFORCE at sequence level: K samples per batch, return {@code R = r − β·Σ_t k1_t} (KL in the
   * reward), leave-one-out advantages, score {@code ∇log π(y)}. Averaged over many batches it must
   * match the exact gradient within 4 standard errors per coordinate.
   */
  @Test
  void reinforceWithSequenceLevelK1AndLeaveOneOutIsUnbiased() {
    assertMatchesExactGradient(KlLevel.SEQUENCE, Baseline.LEAVE_ONE_OUT, 99);
  }

  /**
   * REINFORCE at token level: step t is weighted by its reward-to-go {@code G_t = r − β·Σ_{k≥t}
   * k1_k}, no baseline. Also unbiased: the KL terms' own gradients have zero mean, and dropping
   * past terms removes only zero-mean products.
   */
  @Test
  void reinforceWithTokenLevelK1RewardToGoIsUnbiased() {
    assertMatchesExactGradient(KlLevel.TOKEN, Baseline.NONE, 7);
  }

  private static void assertMatchesExactGradient(KlLevel level, Baseline baseline, long seed) {
    SyntheticCoMdp comdp = SyntheticCoMdp.from(CONFIG);
    TokenMdp mdp = comdp.mdp();
    TabularPolicy pi = policy(mdp, randomLogits(mdp, 2));
    Map<List<Integer>, double[]> exact = comdp.objectiveGradient(pi);
    AdvantageEstimator estimator =
        new AdvantageEstimator(BaselineConfig.defaults().withKind(baseline));
    int k = 4;
    int batches = 25_000;
    Map<List<Integer>, double[]> sum = new HashMap<>();
    Map<List<Integer>, double[]> sumSquares = new HashMap<>();
    for (List<Integer> s : mdp.states()) {
      sum.put(s, new double[mdp.vocabSize()]);
      sumSquares.put(s, new double[mdp.vocabSize()]);
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int b = 0; b < batches; b++) {
      List<List<Integer>> ys = new ArrayList<>();
      double[][] tokenReturns = new double[k][];
      for (int i = 0; i < k; i++) {
        List<Integer> y = pi.sample(random);
        double[] logp = new double[y.size()];
        double[] logq = new double[y.size()];
        for (int t = 0; t < y.size(); t++) {
          logp[t] = pi.logProbabilities(y.subList(0, t))[y.get(t)];
          logq[t] = comdp.reference().logProbabilities(y.subList(0, t))[y.get(t)];
        }
        double[] kl = KlDivergence.perToken(KlEstimator.K1, logp, logq, Double.POSITIVE_INFINITY);
        double[] env = Returns.terminalRewards(comdp.reward(y), y.size());
        tokenReturns[i] = Returns.returns(env, kl, comdp.beta(), level, KlPlacement.REWARD, 1.0);
        ys.add(y);
      }
      double[] sequenceAdvantages = new double[k];
      for (int i = 0; i < k; i++) {
        sequenceAdvantages[i] = tokenReturns[i][0];
      }
      sequenceAdvantages = estimator.advantages(new double[][] {sequenceAdvantages})[0];
      Map<List<Integer>, double[]> batchGradient = new HashMap<>();
      for (int i = 0; i < k; i++) {
        List<Integer> y = ys.get(i);
        for (int t = 0; t < y.size(); t++) {
          double weight = level == KlLevel.SEQUENCE ? sequenceAdvantages[i] : tokenReturns[i][t];
          List<Integer> s = y.subList(0, t);
          double[] p = pi.probabilities(s);
          double[] g = batchGradient.computeIfAbsent(s, key -> new double[mdp.vocabSize()]);
          for (int a = 0; a < p.length; a++) {
            g[a] += weight * ((a == y.get(t) ? 1 : 0) - p[a]) / k;
          }
        }
      }
      for (List<Integer> s : mdp.states()) {
        double[] g = batchGradient.getOrDefault(s, new double[mdp.vocabSize()]);
        for (int a = 0; a < g.length; a++) {
          sum.get(s)[a] += g[a];
          sumSquares.get(s)[a] += g[a] * g[a];
        }
      }
    }
    for (List<Integer> s : mdp.states()) {
      for (int a = 0; a < mdp.vocabSize(); a++) {
        double mean = sum.get(s)[a] / batches;
        double variance = sumSquares.get(s)[a] / batches - mean * mean;
        double standardError = Math.sqrt(Math.max(variance, 0) / batches);
        assertEquals(
            exact.get(s)[a],
            mean,
            4 * standardError + 1e-12,
            level + " prefix " + s + " token " + a);
      }
    }
  }
}
