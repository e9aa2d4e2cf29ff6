package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.algorithms.config.RlWarningsConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Watches an RL run's step metrics for the usual failures and says when one starts. Over the last
 * {@code w} steps ({@link RlWarningsConfig#window()}):
 *
 * <pre>
 * negative_k1       mean(kl_k1) + 2·sd(kl_k1)/√w &lt; 0      (k1 is an unbiased KL estimate: a mean
 *                                                          clearly below 0 means the samples are not π_θ's)
 * entropy_collapse  mean(entropy) &lt; f_H · H_0               (H_0: mean entropy of the first w steps)
 * kl_over_budget    kl_exact of this step &gt; budget
 * kl_rising         mean(kl_exact, newer half) &gt; 1.5 · mean(kl_exact, older half)
 *                   and mean(newer half) &gt; budget / 2       (heading for the budget)
 * length_drift      |mean(length_mean) − L_0| &gt; f_L · L_0     (L_0: mean length of the first w steps)
 * </pre>
 *
 * A warning fires once per episode of trouble: when its condition becomes true after being false;
 * it fires again only after the condition was false for a step. Fired warnings are counted; the
 * whole monitor is a {@link State} saved with the stage's checkpoints, so a resumed run warns
 * exactly as the uninterrupted one would.
 */
public final class TrainingHealth {
  /** The failures watched for. */
  public enum Warning {
    NEGATIVE_K1,
    ENTROPY_COLLAPSE,
    KL_OVER_BUDGET,
    KL_RISING,
    LENGTH_DRIFT;

    /** The lower-case name used in logs and stage records. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A warning that just started, with a sentence saying what was seen. */
  public record Fired(Warning warning, String message) {}

  /**
   * Everything the monitor remembers: the last {@code window} steps' {@code [kl_k1, entropy,
   * kl_exact, length_mean]}, the steps seen, the starting entropy and length (once the first window
   * is complete), the warnings now active and how often each fired.
   */
  public record State(
      List<double[]> recent,
      long seen,
      double startEntropy,
      double startLength,
      Set<Warning> active,
      Map<Warning, Integer> counts) {
    public State {
      recent = List.copyOf(recent);
      active = active.isEmpty() ? EnumSet.noneOf(Warning.class) : EnumSet.copyOf(active);
      counts = counts.isEmpty() ? new EnumMap<>(Warning.class) : new EnumMap<>(counts);
    }
  }

  private static final int K1 = 0;
  private static final int ENTROPY = 1;
  private static final int KL = 2;
  private static final int LENGTH = 3;

  private final RlWarningsConfig config;
  private final double klBudget;
  private final Deque<double[]> recent = new ArrayDeque<>();
  private long seen;
  private double startEntropy;
  private double startLength;
  private final EnumSet<Warning> active = EnumSet.noneOf(Warning.class);
  private final EnumMap<Warning, Integer> counts = new EnumMap<>(Warning.class);

  public TrainingHealth(RlWarningsConfig config, double klBudget) {
    this.config = config;
    this.klBudget = klBudget;
  }

  /**
   * Takes one step's metrics (which hold {@code kl_k1}, {@code entropy}, {@code kl_exact} and
   * {@code length_mean}) and returns the warnings that started at this step.
   */
  public List<Fired> observe(long step, Map<String, Double> metrics) {
    double[] row = {
      require(metrics, "kl_k1"),
      require(metrics, "entropy"),
      require(metrics, "kl_exact"),
      require(metrics, "length_mean")
    };
    recent.addLast(row);
    if (recent.size() > config.window()) {
      recent.removeFirst();
    }
    seen++;
    int w = config.window();
    boolean full = recent.size() == w;
    if (seen == w) {
      startEntropy = mean(ENTROPY, 0, w);
      startLength = mean(LENGTH, 0, w);
    }
    List<Fired> fired = new ArrayList<>();
    double k1 = full ? mean(K1, 0, w) : Double.NaN;
    double k1Error = full ? 2 * standardDeviation(K1, k1) / Math.sqrt(w) : Double.NaN;
    check(
        fired,
        Warning.NEGATIVE_K1,
        full && k1 + k1Error < 0,
        String.format(
            Locale.ROOT,
            "step %d: mean k1 KL estimate over %d steps is %.4g (± %.2g), expected >= 0; are completions"
                + " sampled from the policy being trained?",
            step,
            w,
            k1,
            k1Error));
    double entropy = full ? mean(ENTROPY, 0, w) : Double.NaN;
    check(
        fired,
        Warning.ENTROPY_COLLAPSE,
        seen >= w && entropy < config.entropyCollapseFraction() * startEntropy,
        String.format(
            Locale.ROOT,
            "step %d: entropy collapsed to %.4g, below %.0f%% of its start %.4g",
            step,
            entropy,
            100 * config.entropyCollapseFraction(),
            startEntropy));
    check(
        fired,
        Warning.KL_OVER_BUDGET,
        row[KL] > klBudget,
        String.format(
            Locale.ROOT,
            "step %d: per-sequence KL to pi_ref is %.4g nats, above the budget rl.kl_budget = %.4g",
            step,
            row[KL],
            klBudget));
    double older = full ? mean(KL, 0, w / 2) : Double.NaN;
    double newer = full ? mean(KL, w - w / 2, w) : Double.NaN;
    check(
        fired,
        Warning.KL_RISING,
        full && newer > 1.5 * older && newer > klBudget / 2,
        String.format(
            Locale.ROOT,
            "step %d: KL to pi_ref keeps rising (%.4g -> %.4g nats over %d steps) toward the budget %.4g",
            step,
            older,
            newer,
            w,
            klBudget));
    double length = full ? mean(LENGTH, 0, w) : Double.NaN;
    check(
        fired,
        Warning.LENGTH_DRIFT,
        seen >= w && Math.abs(length - startLength) > config.lengthDriftFraction() * startLength,
        String.format(
            Locale.ROOT,
            "step %d: mean completion length drifted to %.4g tokens from %.4g at the start",
            step,
            length,
            startLength));
    return fired;
  }

  /** How many times each warning fired (episodes of trouble), every warning listed. */
  public Map<Warning, Integer> counts() {
    EnumMap<Warning, Integer> all = new EnumMap<>(Warning.class);
    for (Warning warning : Warning.values()) {
      all.put(warning, counts.getOrDefault(warning, 0));
    }
    return all;
  }

  public State state() {
    return new State(
        new ArrayList<>(recent.stream().map(double[]::clone).toList()),
        seen,
        startEntropy,
        startLength,
        active,
        counts);
  }

  /** Continues from a saved {@link #state()}. */
  public void restore(State state) {
    recent.clear();
    state.recent().forEach(row -> recent.addLast(row.clone()));
    seen = state.seen();
    startEntropy = state.startEntropy();
    startLength = state.startLength();
    active.clear();
    active.addAll(state.active());
    counts.clear();
    counts.putAll(state.counts());
  }

  private void check(List<Fired> fired, Warning warning, boolean condition, String message) {
    if (!condition) {
      active.remove(warning);
    } else if (active.add(warning)) {
      counts.merge(warning, 1, Integer::sum);
      fired.add(new Fired(warning, message));
    }
  }

  /** The mean of column {@code column} over the window's rows {@code [from, to)}, oldest first. */
  private double mean(int column, int from, int to) {
    double sum = 0;
    int i = 0;
    for (double[] row : recent) {
      if (i >= from && i < to) {
        sum += row[column];
      }
      i++;
    }
    return sum / (to - from);
  }

  private double standardDeviation(int column, double mean) {
    double squares = 0;
    for (double[] row : recent) {
      squares += (row[column] - mean) * (row[column] - mean);
    }
    return Math.sqrt(squares / (recent.size() - 1));
  }

  private static double require(Map<String, Double> metrics, String key) {
    Double value = metrics.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          "training health: the step metrics have no `"
              + key
              + "`; expected every RlTrainer step to report it (found "
              + metrics.keySet()
              + ")");
    }
    return value;
  }
}
