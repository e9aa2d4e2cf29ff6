package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stage's own step metrics, by hand. */
class StepMetricsTest {
  private static final int END = 0;

  @Test
  void distinctTwoCountsDistinctBigramsOverAllBigramsWithoutTheEndToken() {
    // bigrams: (1,2) (2,3) | (1,2) (2,1) | none (one token and the end token) -> 3 distinct of 4
    List<int[]> completions =
        List.of(new int[] {1, 2, 3}, new int[] {1, 2, 1, END}, new int[] {4, END});
    assertEquals(3.0 / 4.0, StepMetrics.distinct2(completions, END), 0.0);
    assertEquals(1.0 / 3.0, StepMetrics.distinct2(List.of(new int[] {5, 5, 5, 5}), END), 0.0);
    assertTrue(
        Double.isNaN(StepMetrics.distinct2(List.of(new int[] {7, END}), END)), "no bigram at all");
  }

  @Test
  void throughputAndRewardComponentsJoinTheTrainersMetrics() {
    ElmPrompt prompt = ElmPrompt.text(END);
    RlStep step =
        new RlStep(
            Map.of("reward_mean", 0.5),
            List.of(prompt, prompt),
            List.of(new int[] {1, 2, END}, new int[] {3, END}),
            new double[] {0.25, 0.75});
    RlEnvironment environment =
        new RlEnvironment() {
          @Override
          public List<ElmPrompt> contexts(long index, int count) {
            return List.of(prompt);
          }

          @Override
          public CompletionReward reward() {
            return (context, continuation) -> 0;
          }

          @Override
          public Map<String, Double> componentMeans(
              List<ElmPrompt> prompts, List<int[]> completions) {
            return Map.of("sc", 0.125);
          }
        };
    Map<String, Double> metrics = StepMetrics.of(step, 0.5, environment, END);
    assertEquals(0.5, metrics.get("reward_mean"), 0.0);
    assertEquals(4.0, metrics.get("samples_per_s"), 1e-12);
    assertEquals(10.0, metrics.get("tokens_per_s"), 1e-12);
    assertEquals(1.0, metrics.get("distinct_2"), 0.0);
    assertEquals(0.125, metrics.get("reward_sc"), 0.0);
  }
}
