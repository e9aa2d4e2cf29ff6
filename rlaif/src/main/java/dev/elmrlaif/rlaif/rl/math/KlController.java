package dev.elmrlaif.rlaif.rl.math;

/**
 * Supplies the KL coefficient {@code β} of H1 at each step and, if adaptive, steers the measured
 * KL toward a target. The trainer calls {@link #beta()} when it computes rewards or losses, then
 * {@link #update} with the KL it measured, and saves {@link #state()} in its checkpoints.
 */
public interface KlController {
  /** The coefficient to use now. */
  double beta();

  /**
   * Reports the KL measured over the last step (mean per-sequence {@code KL(π_θ ‖ π_ref)}) and
   * the number of samples (or steps) it covered.
   */
  void update(double measuredKl, long steps);

  /** What a checkpoint needs to resume this controller exactly. */
  KlControllerState state();

  /** Continues from a saved {@link #state()}. */
  void restore(KlControllerState state);

  /** A controller as configured. */
  static KlController of(KlControllerConfig config) {
    return switch (config.kind()) {
      case FIXED -> new FixedKlController(config.beta());
      case ADAPTIVE -> new AdaptiveKlController(config.beta(), config.target(), config.horizon(),
          config.gain());
    };
  }
}
