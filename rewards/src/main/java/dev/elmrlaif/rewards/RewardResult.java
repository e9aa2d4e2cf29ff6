package dev.elmrlaif.rewards;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scores of one batch: the total per sample (what the trainer optimises), each named component
 * per sample (what the metrics log), and the flags of samples that got a fallback score. Immutable.
 *
 * @param scores the total reward per sample
 * @param components per-sample values of each named component, in the reward's order
 * @param flags per-sample fallback flags (empty sets for normal samples)
 */
public record RewardResult(
    double[] scores, Map<String, double[]> components, List<Set<RewardFlag>> flags) {

  /** Mean, population standard deviation, minimum and maximum of one component over a batch. */
  public record ComponentStats(double mean, double std, double min, double max) {}

  public RewardResult {
    scores = scores.clone();
    Map<String, double[]> copy = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> entry : components.entrySet()) {
      if (entry.getValue().length != scores.length) {
        throw new IllegalArgumentException(
            "component '"
                + entry.getKey()
                + "' has "
                + entry.getValue().length
                + " values for "
                + scores.length
                + " samples");
      }
      copy.put(entry.getKey(), entry.getValue().clone());
    }
    components = Collections.unmodifiableMap(copy);
    if (flags.size() != scores.length) {
      throw new IllegalArgumentException(
          flags.size() + " flag sets for " + scores.length + " samples");
    }
    List<Set<RewardFlag>> flagCopy = new ArrayList<>(flags.size());
    for (Set<RewardFlag> set : flags) {
      flagCopy.add(
          Collections.unmodifiableSet(
              set.isEmpty() ? EnumSet.noneOf(RewardFlag.class) : EnumSet.copyOf(set)));
    }
    flags = Collections.unmodifiableList(flagCopy);
  }

  /** A result with one component whose values are also the totals. */
  public static RewardResult single(
      String component, double[] scores, List<Set<RewardFlag>> flags) {
    return new RewardResult(scores, Map.of(component, scores), flags);
  }

  public int size() {
    return scores.length;
  }

  @Override
  public double[] scores() {
    return scores.clone();
  }

  /** The per-sample values of one component. */
  public double[] component(String name) {
    double[] values = components.get(name);
    if (values == null) {
      throw new IllegalArgumentException(
          "no component '" + name + "'; components are " + components.keySet());
    }
    return values.clone();
  }

  /** Statistics of every component, then of the total under the key {@code "total"}. */
  public Map<String, ComponentStats> componentStats() {
    Map<String, ComponentStats> stats = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> entry : components.entrySet()) {
      stats.put(entry.getKey(), stats(entry.getValue()));
    }
    stats.put("total", stats(scores));
    return stats;
  }

  /** How many samples carry {@code flag}. */
  public int flagCount(RewardFlag flag) {
    int count = 0;
    for (Set<RewardFlag> set : flags) {
      if (set.contains(flag)) {
        count++;
      }
    }
    return count;
  }

  static ComponentStats stats(double[] values) {
    if (values.length == 0) {
      return new ComponentStats(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = 0.0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      mean += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    mean /= values.length;
    double squares = 0.0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return new ComponentStats(mean, Math.sqrt(squares / values.length), min, max);
  }
}
