package dev.elmrlaif.rewards;

/**
 * Running mean and variance by Welford's algorithm, for reward normalisation. For each value x:
 * {@code n += 1; δ = x − μ; μ += δ / n; M2 += δ·(x − μ)}; the variance is the population variance
 * {@code M2 / n}. Not thread-safe: {@link CompositeReward} guards it. Its {@link State} can be
 * saved with a checkpoint and restored, so a resumed run normalises exactly as before.
 */
public final class RunningStats {

  /** The complete state: count, mean and the sum of squared deviations M2. */
  public record State(long count, double mean, double m2) {}

  private long count;
  private double mean;
  private double m2;

  public RunningStats() {
    this(new State(0, 0.0, 0.0));
  }

  public RunningStats(State state) {
    if (state.count() < 0 || state.m2() < 0 || !Double.isFinite(state.mean())) {
      throw new InvalidRewardInputException(
          "RunningStats state must have count >= 0, m2 >= 0 and a finite "
              + "mean, found "
              + state);
    }
    this.count = state.count();
    this.mean = state.mean();
    this.m2 = state.m2();
  }

  public void add(double value) {
    count++;
    double delta = value - mean;
    mean += delta / count;
    m2 += delta * (value - mean);
  }

  public long count() {
    return count;
  }

  public double mean() {
    return mean;
  }

  /** The population variance {@code M2 / n}; 0 before any value. */
  public double variance() {
    return count == 0 ? 0.0 : m2 / count;
  }

  public State state() {
    return new State(count, mean, m2);
  }
}
