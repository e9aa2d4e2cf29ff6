package dev.elmrlaif.algorithms.rl.softq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import dev.elmrlaif.policy.model.EngineOwned;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The distillation half of soft Q-learning on the synthetic CoMDP (vocabulary 4, horizon 2),
 * float64: with the exact {@code Q*} plugged in, {@code π*} (H7) is the CoMDP's closed-form optimal
 * next-token distribution at every state; the gradient of {@code L_π = mean_s KL(π* ‖ π_θ)} (H8)
 * equals central finite differences of the same loss evaluated on the policy's exact tabular form.
 */
class PolicyDistillationTest {
  private static final double ALPHA = 0.7;

  private SyntheticElmPolicy toy;
  private PolicyDistillation distillation;
  private SyntheticCoMdp coMdp;
  private TrajectoryBatch batch;
  private TabularPolicy optimum;

  @BeforeEach
  void setUp() {
    toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 5);
    distillation =
        new PolicyDistillation(
            toy.policy(), toy.reference(), SoftQConfig.defaults().with().alpha(ALPHA).build());
    coMdp = toy.coMdp(SoftQToy.tokenReward(), ALPHA);
    batch = SoftQToy.everySequence(toy, coMdp);
    optimum = coMdp.optimalPolicy();
  }

  @AfterEach
  void tearDown() {
    distillation.close();
    toy.close();
  }

  @Test
  void exactQStarGivesTheClosedFormOptimalPolicy() {
    double[] logPolicy;
    try (NDScope arrays = new NDScope();
        NDManager scope = toy.policy().manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      logPolicy =
          Tensors.toDoubles(distillation.optimalLogPolicy(scope, batch, SoftQToy.exactQ(coMdp)));
    }
    int vocab = toy.mdp().vocabSize();
    int width = batch.width();
    int compared = 0;
    double largestChange = 0;
    for (int b = 0; b < batch.rows(); b++) {
      int[] tokens = batch.continuations().get(b);
      for (int t = 0; t < tokens.length; t++) {
        List<Integer> state = SoftQToy.prefix(tokens, t);
        double[] expected = optimum.probabilities(state);
        double[] reference = coMdp.reference().probabilities(state);
        for (int a = 0; a < vocab; a++) {
          double actual = Math.exp(logPolicy[(b * width + t) * vocab + a]);
          assertEquals(expected[a], actual, 1e-9, "pi*(" + a + " | " + state + ")");
          largestChange = Math.max(largestChange, Math.abs(expected[a] - reference[a]));
          compared++;
        }
      }
    }
    assertEquals(25 * vocab, compared, "every state of every sequence");
    assertTrue(
        largestChange > 0.1,
        "pi* must differ from pi_ref for the test to mean something: " + largestChange);
  }

  @Test
  void distillationGradientMatchesFiniteDifferences() {
    double loss = distillation.computeGradients(batch, SoftQToy.exactQ(coMdp));
    assertEquals(
        tabularLoss(toy.tabular(toy.policy())),
        loss,
        1e-12,
        "L_pi from the ELM and from its tabular form");
    assertTrue(loss > 0.05, "the policy starts away from pi*: L_pi " + loss);

    double step = 1e-6;
    int checked = 0;
    double largest = 0;
    for (Map.Entry<String, NDArray> entry : toy.policy().trainableParameters().entrySet()) {
      NDArray parameter = entry.getValue();
      double[] gradient;
      try (NDArray g = parameter.getGradient()) {
        gradient = g.toDoubleArray();
      }
      long size = parameter.size();
      for (long j = 0; j < size; j += Math.max(1, size / 8)) {
        nudge(parameter, j, step);
        double plus = tabularLoss(toy.tabular(toy.policy()));
        nudge(parameter, j, -2 * step);
        double minus = tabularLoss(toy.tabular(toy.policy()));
        nudge(parameter, j, step);
        double expected = (plus - minus) / (2 * step);
        assertEquals(
            expected,
            gradient[(int) j],
            1e-7 + 1e-5 * Math.abs(expected),
            entry.getKey() + "[" + j + "]");
        largest = Math.max(largest, Math.abs(expected));
        checked++;
      }
    }
    assertTrue(
        checked > 60 && largest > 1e-2,
        "checked " + checked + " entries, largest |dL/dtheta| " + largest);
  }

  /** {@code Σ_{b,t} w_{b,t}·KL(π*(·|s_{b,t}) ‖ π(·|s_{b,t}))} with the batch's state weights. */
  private double tabularLoss(TabularPolicy policy) {
    double[] weights = batch.stateWeights();
    int width = batch.width();
    double loss = 0;
    for (int b = 0; b < batch.rows(); b++) {
      int[] tokens = batch.continuations().get(b);
      for (int t = 0; t < tokens.length; t++) {
        List<Integer> state = SoftQToy.prefix(tokens, t);
        loss +=
            weights[b * width + t]
                * KlDivergence.exact(
                    optimum.logProbabilities(state), policy.logProbabilities(state));
      }
    }
    return loss;
  }

  /**
   * Adds {@code delta} to entry {@code index} of {@code parameter} in place (an engine-owned
   * one-hot).
   */
  private static void nudge(NDArray parameter, long index, double delta) {
    double[] oneHot = new double[(int) parameter.size()];
    oneHot[(int) index] = delta;
    try (NDArray change =
        EngineOwned.create(
            parameter.getManager(), oneHot, parameter.getShape(), parameter.getDataType())) {
      parameter.addi(change);
    }
  }
}
