package dev.elmrlaif.algorithms.rl.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.domain.base.UserInputException;
import org.junit.jupiter.api.Test;

class KlControllerTest {

  @Test
  void adaptiveBetaMovesTheRightWayWithClippedSteps() {
    KlController up = KlController.adaptive(0.1, 2.0, 1000, 0.1);
    up.update(100.0, 500); // error clipped to +0.2: beta *= 1 + 0.1·0.2·0.5
    assertEquals(0.1 * 1.01, up.beta(), 1e-15);
    KlController down = KlController.adaptive(0.1, 2.0, 1000, 0.1);
    down.update(1.8, 1000); // error −0.1: beta *= 1 − 0.01
    assertEquals(0.1 * 0.99, down.beta(), 1e-15);
    down.update(0.0, 1000); // error clipped to −0.2
    assertEquals(0.1 * 0.99 * 0.98, down.beta(), 1e-15);
    KlController still = KlController.adaptive(0.1, 2.0, 1000, 0.1);
    still.update(2.0, 1000);
    assertEquals(0.1, still.beta(), 0.0);
  }

  @Test
  void adaptiveControllerHitsTargetOnALinearKlModel() {
    // Toy model: the KL the policy drifts to is linear in beta, KL(beta) = 6 − 20·beta.
    // Target 2 is reached at beta = 0.2; start far below it.
    KlController controller = KlController.adaptive(0.02, 2.0, 1000, 0.1);
    double kl = Double.NaN;
    for (int step = 0; step < 2000; step++) {
      kl = 6 - 20 * controller.beta();
      controller.update(kl, 1000);
    }
    assertEquals(2.0, kl, 1e-9);
    assertEquals(0.2, controller.beta(), 1e-9);
  }

  @Test
  void stateRoundTripsAndResumesExactly() {
    KlController a =
        KlController.of(
            KlControllerConfig.defaults()
                .with(
                    k ->
                        k.kind(KlControllerConfig.Kind.ADAPTIVE)
                            .beta(0.3)
                            .target(1.0)
                            .horizon(100)
                            .gain(0.5)));
    a.update(3.0, 10);
    a.update(0.7, 10);
    KlController b =
        KlController.of(
            KlControllerConfig.defaults()
                .with(
                    k ->
                        k.kind(KlControllerConfig.Kind.ADAPTIVE)
                            .beta(0.3)
                            .target(1.0)
                            .horizon(100)
                            .gain(0.5)));
    b.restore(a.state());
    a.update(1.4, 10);
    b.update(1.4, 10);
    assertEquals(a.state(), b.state());
    assertEquals(3, a.state().updates());
    assertEquals(30, a.state().steps());
  }

  @Test
  void fixedControllerNeverMoves() {
    KlController fixed = KlController.of(KlControllerConfig.defaults());
    fixed.update(1e6, 100);
    fixed.update(0, 100);
    assertEquals(0.05, fixed.beta(), 0.0);
    assertEquals(2, fixed.state().updates());
    assertThrows(
        IllegalArgumentException.class, () -> fixed.restore(new KlControllerState(0.07, 0, 0)));
  }

  @Test
  void configValidationNamesTheKey() {
    UserInputException e =
        YamlConfigs.rejects(
            "reinforce:\n  kl:\n    controller:\n      kind: adaptive\n" + "      beta: 0.0\n");
    assertTrue(
        e.getMessage().contains("line 5: reinforce.kl.controller.beta: found 0.0"), e.getMessage());
    UserInputException horizon =
        YamlConfigs.rejects("reinforce:\n  kl:\n    controller:\n      horizon: -5.0\n");
    assertTrue(
        horizon.getMessage().contains("line 4: reinforce.kl.controller.horizon: found -5.0"),
        horizon.getMessage());
    assertEquals(Double.POSITIVE_INFINITY, KlConfig.defaults().clipBound());
  }
}
