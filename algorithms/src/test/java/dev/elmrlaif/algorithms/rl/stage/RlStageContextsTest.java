package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.sac.SacConfig;
import org.junit.jupiter.api.Test;

/**
 * The cross-context repetition penalty scores a completion against its step's other completions, so
 * only an algorithm whose updates use nothing but the step's own completions trains with it:
 * REINFORCE, and SAC whose buffer holds one step's completions and no demonstrations. The others
 * get the same contexts and reward without it.
 */
class RlStageContextsTest {

  private static RlContextsConfig withCrossContextWeight(double weight) {
    RlContextsConfig defaults = RlContextsConfig.defaults();
    return defaults.withReward(defaults.reward().withCrossContextWeight(weight));
  }

  /** 8 contexts a step, SAC sampling K = 8 of each into a buffer of {@code capacity}. */
  private static RlaifConfig sacWithBuffer(int capacity, boolean demonstrations) {
    RlaifConfig defaults = RlaifConfig.defaults();
    SacConfig sac =
        defaults
            .sac()
            .withSamplesPerContext(8)
            .withReplay(defaults.sac().replay().withCapacity(capacity))
            .withDemonstrations(demonstrations);
    return defaults.withRl(defaults.rl().withBatchContexts(8)).withSac(sac);
  }

  @Test
  void onlyUpdatesOnTheirOwnStepKeepTheCrossContextPenalty() {
    RlContextsConfig configured = withCrossContextWeight(0.2);
    assertSame(configured, RlStage.contextsFor(true, configured));
    RlContextsConfig used = RlStage.contextsFor(false, configured);
    assertEquals(0.0, used.reward().crossContextWeight());
    assertEquals(withCrossContextWeight(0.0), used, "nothing else changes");
    RlContextsConfig without = withCrossContextWeight(0.0);
    assertSame(without, RlStage.contextsFor(false, without));
  }

  @Test
  void sacLearnsOnlyFromItsStepWithABufferOfOneStepAndNoDemonstrations() {
    RlaifConfig oneStep = sacWithBuffer(64, false);
    assertTrue(RlStage.learnsOnlyFromItsStep(RlAlgorithm.REINFORCE, oneStep));
    assertTrue(RlStage.learnsOnlyFromItsStep(RlAlgorithm.SAC, oneStep), "8 contexts x K 8 = 64");
    assertTrue(
        RlStage.learnsOnlyFromItsStep(RlAlgorithm.SAC, sacWithBuffer(32, false)),
        "a smaller buffer keeps only part of the step");
    assertFalse(
        RlStage.learnsOnlyFromItsStep(RlAlgorithm.SAC, sacWithBuffer(65, false)),
        "one completion of the step before survives");
    assertFalse(
        RlStage.learnsOnlyFromItsStep(RlAlgorithm.SAC, sacWithBuffer(64, true)),
        "demonstrations share the buffer");
    assertFalse(RlStage.learnsOnlyFromItsStep(RlAlgorithm.SOFT_Q, oneStep));
  }
}
