package dev.elmrlaif.algorithms.rl.reinforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.KlConfig;
import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlLevel;
import dev.elmrlaif.algorithms.rl.math.KlPlacement;
import dev.elmrlaif.algorithms.rl.math.LogProbs;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The loss terms beside the policy-gradient surrogate, on exact rollouts of the toy CoMDP in
 * float64: the exact-KL loss term ({@link KlPlacement#LOSS}) and the entropy bonus are
 * differentiated directly, the KL controller is fed the measured KL.
 */
class ReinforceLossTermsTest {
  private static final double BETA = 0.8;
  private static final double ENTROPY_BONUS = 0.3;

  /**
   * With the state weights {@code w_y = π_θ0(y)} held fixed, the loss is {@code −Σ_y w_y log
   * π_θ(y)·r(y) + Σ_y w_y Σ_t [β·KL(π_θ(·|s_t) ‖ π_ref(·|s_t)) − η·H(π_θ(·|s_t))]}, so its gradient
   * at θ0 is {@code −∇E_θ[r] + ∇g(θ)}, g the second sum: both by finite differences.
   */
  @Test
  void exactKlLossTermAndEntropyBonusHaveTheirAnalyticGradient() {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 21)) {
      SyntheticCoMdp coMdp = toy.coMdp(SyntheticToy.randomReward(toy.mdp(), 2.0, 9), BETA);
      SyntheticToy.moveAwayFromReference(toy, 0.3, 2);
      double klToReference = coMdp.klToReference(toy.tabular(toy.policy()));
      assertTrue(
          klToReference > 0.05, "the policy must differ from the reference: KL " + klToReference);
      ReinforceConfig config =
          ReinforceConfig.defaults()
              .with()
              .samplesPerContext(13)
              .kl(SyntheticToy.kl(KlEstimator.K3, KlLevel.TOKEN, KlPlacement.LOSS, BETA))
              .baseline(SyntheticToy.baseline(Baseline.NONE))
              .entropyBonus(ENTROPY_BONUS)
              .build();
      try (ReinforceTrainer trainer =
          new ReinforceTrainer(toy.policy(), toy.reference(), (c, y) -> 0, config)) {
        Rollouts exact = toy.exactRollouts(coMdp);
        TabularPolicy start = toy.tabular(toy.policy());
        Map<String, Double> metrics = trainer.computeGradients(exact);
        // Σ_y π(y) Σ_t KL_t is the sequence-level KL (chain rule), and likewise for the entropy.
        assertEquals(coMdp.klToReference(start), metrics.get("kl_exact"), 1e-9);
        double weightedEntropy =
            fixedWeightPenalty(toy, exact, start, 0, -1); // β = 0, η = −1: Σ w Σ_t H
        assertEquals(weightedEntropy, metrics.get("entropy"), 1e-9);

        SyntheticToy.FiniteDifferences check =
            SyntheticToy.assertGradientMatches(
                toy,
                6,
                policy ->
                    -coMdp.expectedReward(policy)
                        + fixedWeightPenalty(toy, exact, policy, BETA, ENTROPY_BONUS),
                1e-5);
        assertTrue(check.checked() > 30, "checked " + check.checked() + " entries");
      }
    }
  }

  /** The adaptive controller is updated with the step's exact KL and its number of rows. */
  @Test
  void adaptiveControllerSeesTheMeasuredKl() {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 4)) {
      SyntheticCoMdp coMdp = toy.coMdp(SyntheticToy.randomReward(toy.mdp(), 2.0, 9), 1.0);
      KlControllerConfig adaptive =
          KlControllerConfig.defaults()
              .with(
                  b ->
                      b.kind(KlControllerConfig.Kind.ADAPTIVE).beta(1.0).target(0.01).horizon(100));
      ReinforceConfig config =
          ReinforceConfig.defaults()
              .with()
              .samplesPerContext(13)
              .learningRate(0.05)
              .kl(
                  KlConfig.defaults()
                      .with(
                          b ->
                              b.estimator(KlEstimator.K1)
                                  .level(KlLevel.SEQUENCE)
                                  .controller(adaptive)))
              .baseline(SyntheticToy.baseline(Baseline.NONE))
              .build();
      try (ReinforceTrainer trainer =
          new ReinforceTrainer(
              toy.policy(), toy.reference(), SyntheticElmPolicy.completionReward(coMdp), config)) {
        Map<String, Double> first = trainer.update(toy.exactRollouts(coMdp));
        assertEquals(0.0, first.get("kl_exact"), 1e-12, "the policy starts at the reference");
        double lowered = 1.0 * (1 + 0.1 * -0.2 * 13 / 100.0); // error clipped at -0.2
        assertEquals(lowered, trainer.klController().beta(), 1e-12);
        Map<String, Double> second = trainer.update(toy.exactRollouts(coMdp));
        assertEquals(lowered, second.get("beta"), 1e-12);
        double error = Math.max(-0.2, Math.min(0.2, second.get("kl_exact") / 0.01 - 1));
        assertTrue(
            error > 0,
            "one step of learning rate 0.05 moves the policy: KL " + second.get("kl_exact"));
        assertEquals(
            lowered * (1 + 0.1 * error * 13 / 100.0), trainer.klController().beta(), 1e-12);
        assertEquals(2, trainer.completedSteps());
      }
    }
  }

  /**
   * {@code Σ_y w_y Σ_t [β·KL(π(·|s_t) ‖ π_ref(·|s_t)) − η·H(π(·|s_t))]} with the rollouts' weights.
   */
  private static double fixedWeightPenalty(
      SyntheticElmPolicy toy,
      Rollouts rollouts,
      TabularPolicy policy,
      double beta,
      double entropyBonus) {
    TabularPolicy reference = toy.tabular(toy.reference());
    double total = 0;
    for (int i = 0; i < rollouts.rows(); i++) {
      int[] y = rollouts.continuations().get(i);
      for (int t = 0; t < y.length; t++) {
        List<Integer> state = java.util.Arrays.stream(y, 0, t).boxed().toList();
        double[] logp = policy.logProbabilities(state);
        total +=
            rollouts.weights()[i]
                * (beta * KlDivergence.exact(logp, reference.logProbabilities(state))
                    - entropyBonus * LogProbs.entropy(logp));
      }
    }
    return total;
  }
}
