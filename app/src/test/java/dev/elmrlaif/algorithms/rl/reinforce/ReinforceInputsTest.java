package dev.elmrlaif.algorithms.rl.reinforce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.BaselineConfig;
import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.ElmPrompt;
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
    double[][] a =
        ReinforceTrainer.tokenAdvantages(
            TOKEN_RETURNS, sequence, 2, BaselineConfig.defaults().withEpsilon(EPS));
    assertArrayEquals(new double[] {2, 0}, a[0], 1e-12); // (3 − 1, 1 − 1)
    assertArrayEquals(new double[] {-2}, a[1], 1e-12);
  }

  @Test
  void groupNormalisedAdvantagesDivideTheTokenReturnsToo() {
    // mean of G_0 = 2, population std = 1
    double[][] sequence = {{1 / (1 + EPS), -1 / (1 + EPS)}};
    double[][] a =
        ReinforceTrainer.tokenAdvantages(
            TOKEN_RETURNS,
            sequence,
            2,
            BaselineConfig.defaults().with(b -> b.kind(Baseline.GROUP_NORMALISED).epsilon(EPS)));
    assertArrayEquals(
        new double[] {1 / (1 + EPS), -1 / (1 + EPS)}, a[0], 1e-12); // (G_t − 2)/(1 + ε)
    assertArrayEquals(new double[] {-1 / (1 + EPS)}, a[1], 1e-12);
  }

  @Test
  void configNamesTheKeyTheValueAndWhatWasExpected() {
    UserInputException k = YamlConfigs.rejects("reinforce:\n  samples_per_context: 1\n");
    assertTrue(
        k.getMessage().contains("line 2: reinforce.samples_per_context: found 1")
            && k.getMessage().contains("leave_one_out"),
        k.getMessage());
    UserInputException rate = YamlConfigs.rejects("reinforce:\n  learning_rate: 0.0\n");
    assertTrue(
        rate.getMessage().contains("line 2: reinforce.learning_rate: found 0.0, expected"),
        rate.getMessage());
    UserInputException bonus = YamlConfigs.rejects("reinforce:\n  entropy_bonus: -1.0\n");
    assertTrue(
        bonus.getMessage().contains("line 2: reinforce.entropy_bonus: found -1.0"),
        bonus.getMessage());
    UserInputException epochs = YamlConfigs.rejects("reinforce:\n  epochs: 0\n");
    assertTrue(
        epochs.getMessage().endsWith("line 2: reinforce.epochs: found 0, expected an integer >= 1"),
        epochs.getMessage());
    UserInputException clip = YamlConfigs.rejects("reinforce:\n  clip_ratio: 1.5\n");
    assertTrue(
        clip.getMessage()
            .endsWith(
                "line 2: reinforce.clip_ratio: found 1.5, expected a value in (0, 1) (e.g. 0.2)"),
        clip.getMessage());
    ReinforceConfig single =
        ReinforceConfig.defaults()
            .with()
            .samplesPerContext(1)
            .baseline(
                BaselineConfig.defaults().with(b -> b.kind(Baseline.MOVING_AVERAGE).epsilon(EPS)))
            .build();
    assertEquals(1, single.samplesPerContext());
  }

  @Test
  void rolloutsRejectWeightsThatAreNotADistribution() {
    List<ElmPrompt> prompts = List.of(ElmPrompt.text(0), ElmPrompt.text(0));
    List<int[]> continuations = List.of(new int[] {1, 0}, new int[] {0});
    IllegalArgumentException sum =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Rollouts(
                    prompts, continuations, new double[] {1, 2}, new double[] {0.5, 0.6}, 2));
    assertEquals("rollouts.weights: sum to 1.1, expected 1", sum.getMessage());
    IllegalArgumentException groups =
        assertThrows(
            IllegalArgumentException.class,
            () -> Rollouts.sampled(prompts, continuations, new double[] {1, 2}, 3));
    assertTrue(
        groups.getMessage().startsWith("rollouts.samplesPerContext: found 3 for 2 rows"),
        groups.getMessage());
    Rollouts ok = Rollouts.sampled(prompts, continuations, new double[] {1, 2}, 1);
    assertArrayEquals(new double[] {0.5, 0.5}, ok.weights(), 0);
    assertEquals(2, ok.contexts());
  }
}
