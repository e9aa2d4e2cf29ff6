package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import org.junit.jupiter.api.Test;

/**
 * The cross-context repetition penalty scores a completion against its step's other completions, so
 * only REINFORCE trains with it; SAC and soft-Q get the same contexts and reward without it.
 */
class RlStageContextsTest {

  private static RlContextsConfig withCrossContextWeight(double weight) {
    RlContextsConfig defaults = RlContextsConfig.defaults();
    return defaults.withReward(defaults.reward().withCrossContextWeight(weight));
  }

  @Test
  void onlyTheOnPolicyAlgorithmKeepsTheCrossContextPenalty() {
    RlContextsConfig configured = withCrossContextWeight(0.2);
    assertSame(configured, RlStage.contextsFor(RlAlgorithm.REINFORCE, configured));
    for (RlAlgorithm offPolicy : new RlAlgorithm[] {RlAlgorithm.SAC, RlAlgorithm.SOFT_Q}) {
      RlContextsConfig used = RlStage.contextsFor(offPolicy, configured);
      assertEquals(0.0, used.reward().crossContextWeight(), offPolicy.name());
      assertEquals(withCrossContextWeight(0.0), used, "nothing else changes for " + offPolicy);
    }
    RlContextsConfig without = withCrossContextWeight(0.0);
    assertSame(without, RlStage.contextsFor(RlAlgorithm.SAC, without));
  }
}
