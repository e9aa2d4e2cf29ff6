package dev.elmrlaif.rlaif.rl.reinforce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.rl.math.Baseline;
import dev.elmrlaif.rlaif.rl.math.BaselineConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-token advantages by hand, and the messages of invalid configs and rollouts. */
class ReinforceInputsTest {
  private static final double EPS = 1e-6;
  // Two samples of one context: sample 0 has returns-to-go (3, 1), sample 1 a single token (1).
  private static final double[][] TOKEN_RETURNS = {{3, 1}, {1}};

  @Test
  void leaveOneOutAdvantagesShiftEveryTokenByTheOtherSamplesMean() {
    double[][] sequence = {{3 - 1, 1 - 3}}; // A_i = G_i,0 − mean of the others
    double[][] a = ReinforceTrainer.tokenAdvantages(TOKEN_RETURNS, sequence, 2,
        new BaselineConfig(Baseline.LEAVE_ONE_OUT, 0.9, EPS));
    assertArrayEquals(new double[] {2, 0}, a[0], 1e-12); // (3 − 1, 1 − 1)
    assertArrayEquals(new double[] {-2}, a[1], 1e-12);
  }

  @Test
  void groupNormalisedAdvantagesDivideTheTokenReturnsToo() {
    // mean of G_0 = 2, population std = 1
    double[][] sequence = {{1 / (1 + EPS), -1 / (1 + EPS)}};
    double[][] a = ReinforceTrainer.tokenAdvantages(TOKEN_RETURNS, sequence, 2,
        new BaselineConfig(Baseline.GROUP_NORMALISED, 0.9, EPS));
    assertArrayEquals(new double[] {1 / (1 + EPS), -1 / (1 + EPS)}, a[0], 1e-12); // (G_t − 2)/(1 + ε)
    assertArrayEquals(new double[] {-1 / (1 + EPS)}, a[1], 1e-12);
  }

  @Test
  void configNamesTheKeyTheValueAndWhatWasExpected() {
    UserInputException k = assertThrows(UserInputException.class,
        () -> ReinforceConfig.builder().samplesPerContext(1).build());
    assertTrue(k.getMessage().contains("reinforce.samples_per_context: found 1")
        && k.getMessage().contains("leave_one_out"), k.getMessage());
    UserInputException rate = assertThrows(UserInputException.class,
        () -> ReinforceConfig.builder().learningRate(0).build());
    assertTrue(rate.getMessage().startsWith("reinforce.learning_rate: found 0.0, expected"), rate.getMessage());
    UserInputException bonus = assertThrows(UserInputException.class,
        () -> ReinforceConfig.builder().entropyBonus(-1).build());
    assertTrue(bonus.getMessage().startsWith("reinforce.entropy_bonus: found -1.0"), bonus.getMessage());
    UserInputException epochs = assertThrows(UserInputException.class,
        () -> ReinforceConfig.builder().epochs(0).build());
    assertEquals("reinforce.epochs: found 0, expected an integer >= 1", epochs.getMessage());
    UserInputException clip = assertThrows(UserInputException.class,
        () -> ReinforceConfig.builder().clipRatio(1.5).build());
    assertEquals("reinforce.clip_ratio: found 1.5, expected a value in (0, 1), e.g. 0.2", clip.getMessage());
    ReinforceConfig single = ReinforceConfig.builder().samplesPerContext(1)
        .baseline(new BaselineConfig(Baseline.MOVING_AVERAGE, 0.9, EPS)).build();
    assertEquals(1, single.samplesPerContext());
  }

  @Test
  void rolloutsRejectWeightsThatAreNotADistribution() {
    List<ElmPrompt> prompts = List.of(ElmPrompt.text(0), ElmPrompt.text(0));
    List<int[]> continuations = List.of(new int[] {1, 0}, new int[] {0});
    IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
        () -> new Rollouts(prompts, continuations, new double[] {1, 2}, new double[] {0.5, 0.6}, 2));
    assertEquals("rollouts.weights: sum to 1.1, expected 1", sum.getMessage());
    IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
        () -> Rollouts.sampled(prompts, continuations, new double[] {1, 2}, 3));
    assertTrue(groups.getMessage().startsWith("rollouts.samplesPerContext: found 3 for 2 rows"), groups.getMessage());
    Rollouts ok = Rollouts.sampled(prompts, continuations, new double[] {1, 2}, 1);
    assertArrayEquals(new double[] {0.5, 0.5}, ok.weights(), 0);
    assertEquals(2, ok.contexts());
  }
}
