package dev.elmrlaif.rewards;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A weighted combination of reward models (DESIGN.md §5, "Composite rewards"). Each term k is a
 * named {@link RewardModel} whose total {@code x_k} is weighted by {@code w_k}:
 *
 * <pre>
 *   NONE:                total = Σ_k w_k x_k
 *   SUM_THEN_NORMALIZE:  s = Σ_k w_k x_k;   total = (s − μ_s) / sqrt(σ_s² + ε)
 *   NORMALIZE_THEN_SUM:  total = Σ_k w_k (x_k − μ_k) / sqrt(σ_k² + ε)
 *   then                 total = clip(total, clipMin, clipMax)
 * </pre>
 *
 * μ and σ² are running statistics ({@link RunningStats}, Welford) updated with the whole batch
 * before it is normalised; while they have seen fewer than {@code warmupSamples} values the
 * normalisation is skipped (values pass through). The normalisation makes this the one stateful
 * reward: scores depend on the batches seen before; save {@link #normalizerState()} with
 * checkpoints and pass it back to resume exactly.
 *
 * <p>The result's components are each term's raw total under the term's name, so the metrics see
 * every term's mean and std per batch; flags are the union of the terms' flags, plus {@link
 * RewardFlag#CLIPPED}. Thread-safe: scoring and the statistics update are serialised.
 */
public final class CompositeReward implements RewardModel {

  /** One weighted term. */
  public record Term(String name, RewardModel model, double weight) {
    public Term {
      if (name == null || name.isBlank()) {
        throw new InvalidRewardInputException("CompositeReward term name is blank");
      }
      if (!Double.isFinite(weight)) {
        throw new InvalidRewardInputException(
            "CompositeReward term '"
                + name
                + "' weight is "
                + weight
                + ", expected a finite number");
      }
    }
  }

  private final List<Term> terms;
  private final CompositeConfig config;
  private final Map<String, RunningStats> statistics = new LinkedHashMap<>();

  /**
   * @param normalizerState running statistics to resume from (keys: term names, or {@code "total"}
   *     for SUM_THEN_NORMALIZE), or an empty map to start fresh
   */
  public CompositeReward(
      List<Term> terms, CompositeConfig config, Map<String, RunningStats.State> normalizerState) {
    if (terms.isEmpty()) {
      throw new InvalidRewardInputException("CompositeReward needs at least one term, found none");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Term term : terms) {
      if (!names.add(term.name())) {
        throw new InvalidRewardInputException(
            "CompositeReward term name '" + term.name() + "' is used twice");
      }
    }
    this.terms = List.copyOf(terms);
    this.config = config;
    List<String> keys =
        switch (config.normalization()) {
          case NONE -> List.of();
          case SUM_THEN_NORMALIZE -> List.of("total");
          case NORMALIZE_THEN_SUM -> List.copyOf(names);
        };
    for (String key : keys) {
      RunningStats.State state = normalizerState.get(key);
      statistics.put(key, state == null ? new RunningStats() : new RunningStats(state));
    }
  }

  public CompositeReward(List<Term> terms, CompositeConfig config) {
    this(terms, config, Map.of());
  }

  @Override
  public String name() {
    return "composite";
  }

  @Override
  public List<String> componentNames() {
    return terms.stream().map(Term::name).toList();
  }

  /**
   * The weighted sum as a line for logs, e.g. {@code 1·sc + 0.05·bc + 0.2·cross_context_repetition}
   * (weights as {@link Double#toString}, without a trailing {@code .0}).
   */
  public String formula() {
    StringBuilder line = new StringBuilder();
    for (Term term : terms) {
      if (line.length() > 0) {
        line.append(" + ");
      }
      String weight = Double.toString(term.weight());
      line.append(weight.endsWith(".0") ? weight.substring(0, weight.length() - 2) : weight)
          .append('·')
          .append(term.name());
    }
    return line.toString();
  }

  @Override
  public synchronized RewardResult score(List<String> texts, List<RewardContext> contexts) {
    RewardModel.requireSameSize(texts, contexts);
    int n = texts.size();
    Map<String, double[]> components = new LinkedHashMap<>();
    List<Set<RewardFlag>> flags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      flags.add(EnumSet.noneOf(RewardFlag.class));
    }
    for (Term term : terms) {
      RewardResult result = term.model().score(texts, contexts);
      components.put(term.name(), result.scores());
      for (int i = 0; i < n; i++) {
        flags.get(i).addAll(result.flags().get(i));
      }
    }
    double[] total = new double[n];
    for (Term term : terms) {
      double[] x = components.get(term.name());
      if (config.normalization() == CompositeConfig.Normalization.NORMALIZE_THEN_SUM) {
        x = normalize(statistics.get(term.name()), x);
      }
      for (int i = 0; i < n; i++) {
        total[i] += term.weight() * x[i];
      }
    }
    if (config.normalization() == CompositeConfig.Normalization.SUM_THEN_NORMALIZE) {
      total = normalize(statistics.get("total"), total);
    }
    for (int i = 0; i < n; i++) {
      double clipped = Math.max(config.clipMin(), Math.min(config.clipMax(), total[i]));
      if (clipped != total[i]) {
        flags.get(i).add(RewardFlag.CLIPPED);
        total[i] = clipped;
      }
    }
    return new RewardResult(total, components, flags);
  }

  /**
   * Updates the statistics with the batch, then returns (x − μ) / sqrt(σ² + ε), or x during
   * warm-up.
   */
  private double[] normalize(RunningStats stats, double[] x) {
    for (double value : x) {
      stats.add(value);
    }
    if (stats.count() < config.warmupSamples()) {
      return x;
    }
    double scale = 1.0 / Math.sqrt(stats.variance() + config.epsilon());
    double[] normalized = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      normalized[i] = (x[i] - stats.mean()) * scale;
    }
    return normalized;
  }

  /**
   * Replaces the running statistics by {@code state} (as {@link #normalizerState()} returned it),
   * to resume from a checkpoint; keys this reward does not normalise are ignored, missing ones
   * start fresh.
   */
  public synchronized void restoreNormalizer(Map<String, RunningStats.State> state) {
    for (String key : List.copyOf(statistics.keySet())) {
      RunningStats.State saved = state.get(key);
      statistics.put(key, saved == null ? new RunningStats() : new RunningStats(saved));
    }
  }

  /** The running statistics, for checkpoints (keys: term names, or "total"). */
  public synchronized Map<String, RunningStats.State> normalizerState() {
    Map<String, RunningStats.State> state = new LinkedHashMap<>();
    statistics.forEach((key, stats) -> state.put(key, stats.state()));
    return state;
  }
}
