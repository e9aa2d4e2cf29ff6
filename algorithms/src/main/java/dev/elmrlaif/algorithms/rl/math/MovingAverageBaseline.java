package dev.elmrlaif.algorithms.rl.math;

/**
 * The moving-average baseline of {@link Baseline#MOVING_AVERAGE}: an exponential moving average of
 * batch mean returns, bias-corrected as in Adam, {@code m_n = d·m_{n−1} + (1−d)·mean(R_n)}, {@code
 * b_n = m_n / (1 − d^n)} (so {@code b_1} is the first batch's mean exactly), and {@code b = 0}
 * before any batch. {@link #advantages} uses the baseline from before the batch and then folds the
 * batch in, so a sample never serves as its own baseline.
 *
 * <p>Its {@link State} is saved with a trainer checkpoint and restored on resume.
 */
public final class MovingAverageBaseline {
  private final double decay;
  private double average;
  private long updates;

  /** The saved form: the raw (uncorrected) average and the number of batches folded in. */
  public record State(double average, long updates) {
    public State {
      if (updates < 0) {
        throw new IllegalArgumentException(
            "moving-average updates: found " + updates + ", expected >= 0");
      }
    }
  }

  /** A fresh baseline with decay {@code d} in [0, 1). */
  public MovingAverageBaseline(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException(
          "baseline decay: found " + decay + ", expected a value in [0, 1)");
    }
    this.decay = decay;
  }

  /** The current baseline {@code b_n} (0 before any update). */
  public double value() {
    return updates == 0 ? 0.0 : average / (1 - Math.pow(decay, updates));
  }

  /** Folds one batch of returns into the average. */
  public void update(double[] returns) {
    if (returns.length == 0) {
      throw new IllegalArgumentException(
          "moving-average baseline: found an empty batch of returns");
    }
    average = decay * average + (1 - decay) * Advantages.mean(returns);
    updates++;
  }

  /** {@code A_i = R_i − b} with the baseline from before this batch, then {@link #update}. */
  public double[] advantages(double[] returns) {
    double[] a = Advantages.minus(returns, value());
    update(returns);
    return a;
  }

  public State state() {
    return new State(average, updates);
  }

  public void restore(State state) {
    this.average = state.average();
    this.updates = state.updates();
  }
}
