package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.rl.RlStep;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metrics the {@code rl} stage logs for one step, whatever the algorithm: the trainer's own
 * keys plus what only the completions tell ({@code distinct_2}), the throughput ({@code
 * samples_per_s}, {@code tokens_per_s}) and the mean of each reward component ({@code
 * reward_<component>}).
 */
final class StepMetrics {
  private StepMetrics() {}

  /**
   * The step's metrics.
   *
   * @param seconds wall time of the whole step (generation, reward and update)
   * @param endToken the end token, left out of distinct-2
   */
  static Map<String, Double> of(
      RlStep step, double seconds, RlEnvironment environment, int endToken) {
    Map<String, Double> metrics = new LinkedHashMap<>(step.metrics());
    metrics.remove(
        "step"); // the metrics line carries the stage's step; a trainer's own count would shadow it
    long tokens = 0;
    for (int[] completion : step.completions()) {
      tokens += completion.length;
    }
    metrics.put("distinct_2", distinct2(step.completions(), endToken));
    metrics.put("samples_per_s", step.completions().size() / seconds);
    metrics.put("tokens_per_s", tokens / seconds);
    metrics.put("step_seconds", seconds);
    if (!step.completions().isEmpty()) {
      environment
          .componentMeans(step.prompts(), step.completions())
          .forEach((component, mean) -> metrics.put("reward_" + component, mean));
    }
    return metrics;
  }

  /**
   * Corpus-level distinct-2 (Li et al. 2016): distinct token bigrams over all bigrams in the
   * completions, each completion's bigrams taken without its end token; NaN when there is no
   * bigram. 1 means no bigram repeats anywhere; a collapse toward one phrase drives it to 0.
   */
  static double distinct2(List<int[]> completions, int endToken) {
    Set<Long> distinct = new HashSet<>();
    long total = 0;
    for (int[] completion : completions) {
      int length =
          completion.length > 0 && completion[completion.length - 1] == endToken
              ? completion.length - 1
              : completion.length;
      for (int t = 1; t < length; t++) {
        distinct.add(((long) completion[t - 1] << 32) | (completion[t] & 0xffffffffL));
        total++;
      }
    }
    return total == 0 ? Double.NaN : (double) distinct.size() / total;
  }
}
