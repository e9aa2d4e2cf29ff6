package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Seconds per step of an {@link RlTrainer} for the trainers' benchmarks: 3 untimed steps, then the
 * median of 10 timed ones and of their generate / reward / update split.
 */
public final class StepTiming {
  private StepTiming() {}

  /**
   * Times {@code trainer} on {@code contexts}, prints one line under {@code label} and closes it.
   */
  public static void report(String label, RlTrainer trainer, List<ElmPrompt> contexts) {
    try (trainer) {
      int steps = 10;
      double[] seconds = new double[steps];
      double[][] split = new double[3][steps];
      for (int step = -3; step < steps; step++) {
        long start = System.nanoTime();
        RlStep result = trainer.step(contexts);
        if (step >= 0) {
          seconds[step] = (System.nanoTime() - start) / 1e9;
          split[0][step] = result.metrics().get("time_generate_s");
          split[1][step] = result.metrics().get("time_reward_s");
          split[2][step] = result.metrics().get("time_update_s");
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%s: %.4f s/step (median of %d; generate %.4f, reward %.4f, update %.4f)%n",
          label,
          median(seconds),
          steps,
          median(split[0]),
          median(split[1]),
          median(split[2]));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
