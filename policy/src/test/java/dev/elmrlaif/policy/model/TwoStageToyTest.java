package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The premise of two-stage training (paper Sec. 2, App. D): with the LM frozen, the adapter alone
 * can reach the words only when the LM's input space already leads to them (pretrained), not when
 * the LM is random.
 */
class TwoStageToyTest {
  @Test
  void stageOneFitsQuicklyOnAPretrainedLmAndNotOnARandomOne() {
    TwoStageToy.Outcome pretrained = TwoStageToy.train(1, true, true, 100, 1e-3);
    assertTrue(pretrained.fitted(), "two-stage on the pretrained LM fits");
    assertEquals(pretrained.iterations(), pretrained.stageOneIterations(), "already in stage 1");
    assertTrue(
        pretrained.iterations() < 50, "stage 1 took " + pretrained.iterations() + " iterations");

    TwoStageToy.Outcome random = TwoStageToy.train(1, false, true, 40, 1e-3);
    assertFalse(
        random.fitted(),
        "the adapter alone cannot fit through a random frozen LM in 40 iterations");
    assertTrue(
        random.finalProbabilities()[0] < TwoStageToy.FIT_PROBABILITY
            || random.finalProbabilities()[1] < TwoStageToy.FIT_PROBABILITY);
  }
}
