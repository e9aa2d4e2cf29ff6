package dev.elmrlaif.algorithms.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link StoredReward} against hand-computed values: two contexts of four completions. */
class StoredRewardTest {
  private static final double[] REWARDS = {1, 2, 3, 6, 0.5, 0.5, 0.5, 0.5};

  @Test
  void rawIsTheRewardModelsReward() {
    assertArrayEquals(REWARDS, StoredReward.RAW.of(REWARDS, 4), 0.0);
    assertEquals(0.7, StoredReward.RAW.against(0.7, new double[] {1, 2, 3, 6}), 0.0);
  }

  @Test
  void leaveOneOutSubtractsTheMeanOfTheContextsOthers() {
    // context 0: 1 - (2+3+6)/3, 2 - (1+3+6)/3, 3 - (1+2+6)/3, 6 - (1+2+3)/3; context 1: all equal
    double[] expected = {1 - 11.0 / 3, 2 - 10.0 / 3, 3 - 3.0, 6 - 2.0, 0, 0, 0, 0};
    assertArrayEquals(expected, StoredReward.LEAVE_ONE_OUT.of(REWARDS, 4), 1e-12);
    // a demonstration is none of the completions: minus their mean, 3
    assertEquals(
        0.7 - 3.0, StoredReward.LEAVE_ONE_OUT.against(0.7, new double[] {1, 2, 3, 6}), 1e-12);
  }

  @Test
  void groupNormalisedDividesTheCentredRewardsByTheContextsStandardDeviation() {
    // context 0: mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5; context 1: spread 0
    double std = Math.sqrt(3.5) + 1e-6;
    double[] expected = {-2 / std, -1 / std, 0, 3 / std, 0, 0, 0, 0};
    assertArrayEquals(expected, StoredReward.GROUP_NORMALISED.of(REWARDS, 4), 1e-12);
    assertEquals(
        (0.7 - 3.0) / std,
        StoredReward.GROUP_NORMALISED.against(0.7, new double[] {1, 2, 3, 6}),
        1e-12);
  }

  @Test
  void rewardsMustComeInWholeContexts() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> StoredReward.LEAVE_ONE_OUT.of(REWARDS, 3));
    assertEquals("rewards: found 8, expected a multiple of k = 3", e.getMessage());
  }
}
