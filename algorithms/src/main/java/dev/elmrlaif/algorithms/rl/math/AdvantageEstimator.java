package dev.elmrlaif.algorithms.rl.math;

/**
 * Turns one batch of returns, K samples for each of C contexts, into advantages with the configured
 * {@link Baseline}: the one call a REINFORCE trainer makes per step. Leave-one-out and group
 * normalisation work within each context's K samples; the moving average uses the baseline from
 * before the batch for every context and then folds in the whole batch's mean return. Its {@link
 * #state()} goes into checkpoints.
 */
public final class AdvantageEstimator {
  private final BaselineConfig config;
  private final MovingAverageBaseline movingAverage;

  public AdvantageEstimator(BaselineConfig config) {
    this.config = config;
    this.movingAverage = new MovingAverageBaseline(config.decay());
  }

  /**
   * Advantages, shaped like {@code returns}: {@code returns[c][i]} is the return of sample {@code
   * i} of context {@code c}.
   */
  public double[][] advantages(double[][] returns) {
    double[][] out = new double[returns.length][];
    switch (config.kind()) {
      case NONE -> {
        for (int c = 0; c < returns.length; c++) {
          out[c] = returns[c].clone();
        }
      }
      case LEAVE_ONE_OUT -> {
        for (int c = 0; c < returns.length; c++) {
          out[c] = Advantages.leaveOneOut(returns[c]);
        }
      }
      case GROUP_NORMALISED -> {
        for (int c = 0; c < returns.length; c++) {
          out[c] = Advantages.groupNormalised(returns[c], config.epsilon());
        }
      }
      case MOVING_AVERAGE -> {
        double baseline = movingAverage.value();
        int total = 0;
        for (int c = 0; c < returns.length; c++) {
          out[c] = Advantages.minus(returns[c], baseline);
          total += returns[c].length;
        }
        double[] all = new double[total];
        int k = 0;
        for (double[] context : returns) {
          System.arraycopy(context, 0, all, k, context.length);
          k += context.length;
        }
        movingAverage.update(all);
      }
      default -> throw new IllegalStateException("unknown baseline " + config.kind());
    }
    return out;
  }

  /** The moving average's state (meaningful for {@link Baseline#MOVING_AVERAGE} only). */
  public MovingAverageBaseline.State state() {
    return movingAverage.state();
  }

  /** Continues from a saved {@link #state()}. */
  public void restore(MovingAverageBaseline.State state) {
    movingAverage.restore(state);
  }
}
