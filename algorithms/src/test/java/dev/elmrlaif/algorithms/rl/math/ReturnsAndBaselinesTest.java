package dev.elmrlaif.algorithms.rl.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReturnsAndBaselinesTest {
  private static final double[] KL = {0.1, 0.2, 0.3};
  private static final double[] TERMINAL = Returns.terminalRewards(1.0, 3);

  @Test
  void tokenLevelKlGivesRewardToGo() {
    // r = (−0.05, −0.1, 1 − 0.15); gamma 1: G = (0.7, 0.75, 0.85).
    assertArrayEquals(
        new double[] {0.7, 0.75, 0.85},
        Returns.returns(TERMINAL, KL, 0.5, KlLevel.TOKEN, KlPlacement.REWARD, 1.0),
        1e-15);
    // gamma 0.5: G_2 = 0.85, G_1 = −0.1 + 0.425 = 0.325, G_0 = −0.05 + 0.1625 = 0.1125.
    assertArrayEquals(
        new double[] {0.1125, 0.325, 0.85},
        Returns.returns(TERMINAL, KL, 0.5, KlLevel.TOKEN, KlPlacement.REWARD, 0.5),
        1e-15);
  }

  @Test
  void sequenceLevelKlChargesTheSumAtTheEnd() {
    // R = 1 − 0.5·0.6 = 0.7 for every step when gamma = 1.
    assertArrayEquals(
        new double[] {0.0, 0.0, 0.7},
        Returns.shapedRewards(TERMINAL, KL, 0.5, KlLevel.SEQUENCE, KlPlacement.REWARD),
        1e-15);
    assertArrayEquals(
        new double[] {0.7, 0.7, 0.7},
        Returns.returns(TERMINAL, KL, 0.5, KlLevel.SEQUENCE, KlPlacement.REWARD, 1.0),
        1e-15);
  }

  @Test
  void klInTheLossLeavesRewardsAlone() {
    double[] env = {0.5, 0.0, 2.0};
    assertArrayEquals(
        new double[] {2.5, 2.0, 2.0},
        Returns.returns(env, KL, 0.5, KlLevel.TOKEN, KlPlacement.LOSS, 1.0),
        0.0);
    assertThrows(
        IllegalArgumentException.class,
        () -> Returns.returns(env, new double[2], 0.5, KlLevel.TOKEN, KlPlacement.REWARD, 1.0));
  }

  @Test
  void leaveOneOutMatchesHandValues() {
    // R = (1, 2, 6): baselines (2+6)/2 = 4, (1+6)/2 = 3.5, (1+2)/2 = 1.5.
    assertArrayEquals(
        new double[] {-3.0, -1.5, 4.5}, Advantages.leaveOneOut(new double[] {1, 2, 6}), 1e-15);
    assertArrayEquals(new double[] {-1.0, 1.0}, Advantages.leaveOneOut(new double[] {3, 4}), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Advantages.leaveOneOut(new double[] {1}));
  }

  @Test
  void groupNormalisationMatchesHandValues() {
    // R = (1, 3): mean 2, population std 1.
    assertArrayEquals(
        new double[] {-1.0, 1.0}, Advantages.groupNormalised(new double[] {1, 3}, 1e-300), 1e-15);
    // R = (2, 4, 4, 4, 5, 5, 7, 9): mean 5, std 2.
    double[] a = Advantages.groupNormalised(new double[] {2, 4, 4, 4, 5, 5, 7, 9}, 1e-300);
    assertArrayEquals(new double[] {-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2}, a, 1e-15);
    assertArrayEquals(
        new double[] {0, 0, 0}, Advantages.groupNormalised(new double[] {4, 4, 4}, 1e-8), 0.0);
  }

  @Test
  void movingAverageUsesThePreviousBaselineAndIsBiasCorrected() {
    MovingAverageBaseline baseline = new MovingAverageBaseline(0.9);
    assertArrayEquals(new double[] {1.0, 3.0}, baseline.advantages(new double[] {1, 3}), 0.0);
    assertEquals(2.0, baseline.value(), 1e-15); // m = 0.2, corrected by 1 − 0.9
    // m = 0.9·0.2 + 0.1·4 = 0.58, b = 0.58 / 0.19.
    assertArrayEquals(
        new double[] {4 - 2.0, 4 - 2.0}, baseline.advantages(new double[] {4, 4}), 1e-15);
    assertEquals(0.58 / 0.19, baseline.value(), 1e-14);
    MovingAverageBaseline resumed = new MovingAverageBaseline(0.9);
    resumed.restore(baseline.state());
    assertEquals(baseline.value(), resumed.value(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> new MovingAverageBaseline(1.0));
  }

  @Test
  void estimatorAppliesTheConfiguredBaselinePerContextOrPerBatch() {
    double[][] returns = {{1, 2, 6}, {3, 4}};
    double[][] loo = new AdvantageEstimator(BaselineConfig.defaults()).advantages(returns);
    assertArrayEquals(new double[] {-3.0, -1.5, 4.5}, loo[0], 1e-15);
    assertArrayEquals(new double[] {-1.0, 1.0}, loo[1], 1e-15);
    double[][] group =
        new AdvantageEstimator(
                BaselineConfig.defaults()
                    .with(b -> b.kind(Baseline.GROUP_NORMALISED).epsilon(1e-300)))
            .advantages(new double[][] {{1, 3}});
    assertArrayEquals(new double[] {-1.0, 1.0}, group[0], 1e-15);
    AdvantageEstimator moving =
        new AdvantageEstimator(
            BaselineConfig.defaults().with(b -> b.kind(Baseline.MOVING_AVERAGE).decay(0.5)));
    assertArrayEquals(new double[] {3, 4}, moving.advantages(returns)[1], 0.0); // no baseline yet
    // The batch mean 16/5 = 3.2 is the baseline after one bias-corrected update.
    assertArrayEquals(
        new double[] {-2.2, 2.8}, moving.advantages(new double[][] {{1, 6}})[0], 1e-15);
    AdvantageEstimator resumed =
        new AdvantageEstimator(
            BaselineConfig.defaults().with(b -> b.kind(Baseline.MOVING_AVERAGE).decay(0.5)));
    resumed.restore(moving.state());
    assertEquals(moving.state(), resumed.state());
    assertArrayEquals(
        new double[][] {{1, 2, 6}, {3, 4}},
        new AdvantageEstimator(
                BaselineConfig.defaults().with(b -> b.kind(Baseline.NONE).decay(0.5)))
            .advantages(returns));
  }
}
