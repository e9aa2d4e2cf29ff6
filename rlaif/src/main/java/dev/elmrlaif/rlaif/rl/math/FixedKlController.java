package dev.elmrlaif.rlaif.rl.math;

/** A constant {@code β}: updates are counted but never change it. */
public final class FixedKlController implements KlController {
  private final double beta;
  private long updates;
  private long steps;

  public FixedKlController(double beta) {
    this.beta = new KlControllerState(beta, 0, 0).beta();
  }

  @Override
  public double beta() {
    return beta;
  }

  @Override
  public void update(double measuredKl, long stepCount) {
    updates++;
    steps += stepCount;
  }

  @Override
  public KlControllerState state() {
    return new KlControllerState(beta, updates, steps);
  }

  @Override
  public void restore(KlControllerState state) {
    if (Double.compare(state.beta(), beta) != 0) {
      throw new IllegalArgumentException("fixed kl controller: saved beta " + state.beta()
          + " differs from the configured " + beta);
    }
    updates = state.updates();
    steps = state.steps();
  }
}
