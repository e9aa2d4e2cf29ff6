package dev.elmrlaif.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrajectoryTest {

  @Test
  void stateTokensArePromptPlusEarlierActions() {
    Trajectory t =
        Trajectory.builder("a")
            .promptIds(5, 6)
            .actionIds(10, 11, 12)
            .behaviourLogProbs(-1, -2, -3)
            .referenceLogProbs(-1, -1, -1)
            .reward(1)
            .build();
    assertArrayEquals(new int[] {5, 6}, t.stateTokens(0));
    assertArrayEquals(new int[] {5, 6, 10, 11}, t.stateTokens(2));
    assertArrayEquals(new int[] {5, 6, 10, 11, 12}, t.stateTokens(3));
    assertThrows(IndexOutOfBoundsException.class, () -> t.stateTokens(4));
  }

  @Test
  void inputsAndOutputsAreCopies() {
    int[] actions = {1, 2};
    float[] context = {0.5f, 1.5f};
    Trajectory t =
        Trajectory.builder("a")
            .contexts(context)
            .actionIds(actions)
            .behaviourLogProbs(-1, -2)
            .referenceLogProbs(-1, -1)
            .reward(1)
            .build();
    actions[0] = 99;
    context[0] = 99f;
    t.actionIds()[1] = 77;
    t.contexts()[0][1] = 77f;
    assertArrayEquals(new int[] {1, 2}, t.actionIds());
    assertArrayEquals(new float[] {0.5f, 1.5f}, t.context(0));
  }

  @Test
  void perActionArraysMustMatchTheActionCount() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Trajectory.builder("x7")
                    .actionIds(1, 2, 3)
                    .behaviourLogProbs(-1, -2)
                    .referenceLogProbs(-1, -1, -1)
                    .reward(0)
                    .build());
    assertTrue(e.getMessage().contains("x7"), e.getMessage());
    assertTrue(e.getMessage().contains("behaviourLogProbs has 2 entries"), e.getMessage());
    assertTrue(e.getMessage().contains("(3)"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Trajectory.builder("y")
                .actionIds(1)
                .behaviourLogProbs(-1)
                .referenceLogProbs(-1)
                .reward(0)
                .tokenRewards(1, 2)
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Trajectory.builder("z")
                .actionIds()
                .behaviourLogProbs()
                .referenceLogProbs()
                .reward(0)
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Trajectory.builder("w")
                .actionIds(1)
                .behaviourLogProbs(-1)
                .referenceLogProbs(-1)
                .build());
  }

  @Test
  void environmentRewardAddsTheTerminalRewardOnTheLastStep() {
    Trajectory t =
        Trajectory.builder("a")
            .actionIds(1, 2, 3)
            .behaviourLogProbs(-1, -2, -3)
            .referenceLogProbs(-1, -1, -1)
            .reward(5)
            .tokenRewards(0.1, 0.2, 0.3)
            .build();
    assertEquals(0.1, new SampledTransition(t, 0, 1, 1).environmentReward());
    assertFalse(new SampledTransition(t, 1, 1, 1).isLast());
    assertTrue(new SampledTransition(t, 2, 1, 1).isLast());
    assertEquals(5.3, new SampledTransition(t, 2, 1, 1).environmentReward(), 1e-15);
    assertEquals(2, new SampledTransition(t, 1, 1, 1).action());
  }

  @Test
  void equalityComparesContents() {
    assertEquals(TestTrajectories.numbered(3, 4), TestTrajectories.numbered(3, 4));
    assertFalse(TestTrajectories.numbered(3, 4).equals(TestTrajectories.numbered(3, 5)));
  }
}
