package dev.elmrlaif.algorithms.rl.math;

/**
 * The resumable state of a {@link KlController}: the current coefficient and how many updates (and
 * samples) it has seen.
 */
public record KlControllerState(double beta, long updates, long steps) {
  public KlControllerState {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException(
          "kl controller beta: found " + beta + ", expected finite >= 0");
    }
    if (updates < 0 || steps < 0) {
      throw new IllegalArgumentException(
          "kl controller counters: found updates="
              + updates
              + " steps="
              + steps
              + ", expected both >= 0");
    }
  }
}
