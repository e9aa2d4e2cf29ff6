package dev.elmrlaif.algorithms.rl.reinforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlLevel;
import dev.elmrlaif.algorithms.rl.math.KlPlacement;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With exact expectations (every sequence of the toy CoMDP weighted by {@code π(y)}), the REINFORCE
 * loss's autograd gradient must be {@code −∇J(θ)} of H1, checked against central finite differences
 * of {@code J} computed exactly by enumeration, in float64.
 */
class ReinforceGradientTest {
  private static final double BETA = 0.7;

  @ParameterizedTest
  @EnumSource(KlLevel.class)
  void exactLossGradientIsMinusTheObjectiveGradient(KlLevel level) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 11);
        ReinforceTrainer trainer =
            new ReinforceTrainer(toy.policy(), toy.reference(), (c, y) -> 0, config(level))) {
      SyntheticCoMdp coMdp = toy.coMdp(SyntheticToy.randomReward(toy.mdp(), 3.0, 5), BETA);
      SyntheticToy.moveAwayFromReference(toy, 0.3, 2);
      double klToReference = coMdp.klToReference(toy.tabular(toy.policy()));
      assertTrue(
          klToReference > 0.05, "the policy must differ from the reference: KL " + klToReference);
      Rollouts exact = toy.exactRollouts(coMdp);
      Map<String, Double> metrics = trainer.computeGradients(exact);
      assertEquals(
          coMdp.expectedReward(toy.tabular(toy.policy())), metrics.get("reward_mean"), 1e-9);
      assertEquals(coMdp.klToReference(toy.tabular(toy.policy())), metrics.get("kl_k1"), 1e-9);

      SyntheticToy.FiniteDifferences check =
          SyntheticToy.assertGradientMatches(toy, 12, policy -> -coMdp.objective(policy), 1e-5);
      assertTrue(check.checked() > 50, "checked " + check.checked() + " entries");
      assertTrue(
          check.largest() > 1e-2,
          "the objective gradient is not trivially zero: largest " + check.largest());
    }
  }

  private static ReinforceConfig config(KlLevel level) {
    return ReinforceConfig.defaults()
        .with()
        .samplesPerContext(13)
        .kl(SyntheticToy.kl(KlEstimator.K1, level, KlPlacement.REWARD, BETA))
        .baseline(SyntheticToy.baseline(Baseline.NONE))
        .build();
  }
}
