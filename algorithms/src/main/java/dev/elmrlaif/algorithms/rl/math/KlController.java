package dev.elmrlaif.algorithms.rl.math;

/**
 * Supplies the KL coefficient {@code β} of H1 at each step: either fixed, or adapted as in Ziegler
 * et al. 2019 ("Fine-tuning language models from human preferences", §2.2) by a proportional
 * controller on the log-scale of {@code β}:
 *
 * <pre>
 * e_t     = clip(KL_t / KL_target − 1, −0.2, 0.2)
 * β_{t+1} = β_t · (1 + K_β · e_t · n_t / horizon)
 * </pre>
 *
 * where {@code n_t} is the number of samples in the step. Measured KL above the target raises
 * {@code β} (pulling the policy back toward {@code π_ref}), below it lowers {@code β}; the clip
 * keeps one noisy measurement from moving {@code β} by more than {@code 0.2·K_β·n/horizon}.
 *
 * <p>The trainer calls {@link #beta()} when it computes rewards or losses, then {@link #update}
 * with the KL it measured, and saves {@link #state()} in its checkpoints.
 */
public final class KlController {
  /** The bound on the proportional error, as in the paper. */
  public static final double ERROR_CLIP = 0.2;

  private final KlControllerConfig config;
  private double beta;
  private long updates;
  private long steps;

  private KlController(KlControllerConfig config) {
    this.config = config;
    this.beta = config.beta();
  }

  /** A controller as configured. */
  public static KlController of(KlControllerConfig config) {
    return new KlController(config);
  }

  /** A constant {@code β}: updates are counted but never change it. */
  public static KlController fixed(double beta) {
    return of(KlControllerConfig.defaults().withBeta(beta));
  }

  /**
   * The adaptive controller.
   *
   * @param initialBeta starting {@code β > 0}
   * @param target the KL to steer toward, {@code > 0}
   * @param horizon samples over which a full clipped error changes {@code β} by {@code K_β·0.2}
   * @param gain {@code K_β > 0} (the paper uses 0.1)
   */
  public static KlController adaptive(
      double initialBeta, double target, double horizon, double gain) {
    return of(
        KlControllerConfig.defaults()
            .with(
                b ->
                    b.kind(KlControllerConfig.Kind.ADAPTIVE)
                        .beta(initialBeta)
                        .target(target)
                        .horizon(horizon)
                        .gain(gain)));
  }

  /** The coefficient to use now. */
  public double beta() {
    return beta;
  }

  /** The clipped proportional error {@code e = clip(KL/KL_target − 1, −0.2, 0.2)}. */
  public double error(double measuredKl) {
    return Math.max(-ERROR_CLIP, Math.min(ERROR_CLIP, measuredKl / config.target() - 1));
  }

  /**
   * Reports the KL measured over the last step (mean per-sequence {@code KL(π_θ ‖ π_ref)}) and the
   * number of samples it covered; an adaptive controller then moves {@code β}.
   */
  public void update(double measuredKl, long stepCount) {
    if (Double.isNaN(measuredKl)) {
      throw new IllegalArgumentException("measured KL is NaN");
    }
    if (stepCount < 0) {
      throw new IllegalArgumentException(
          "kl controller steps: found " + stepCount + ", expected >= 0");
    }
    if (config.kind() == KlControllerConfig.Kind.ADAPTIVE) {
      beta *= 1 + config.gain() * error(measuredKl) * stepCount / config.horizon();
    }
    updates++;
    steps += stepCount;
  }

  /** What a checkpoint needs to resume this controller exactly. */
  public KlControllerState state() {
    return new KlControllerState(beta, updates, steps);
  }

  /** Continues from a saved {@link #state()}; a fixed controller only accepts its own beta. */
  public void restore(KlControllerState state) {
    if (config.kind() == KlControllerConfig.Kind.FIXED && Double.compare(state.beta(), beta) != 0) {
      throw new IllegalArgumentException(
          "fixed kl controller: saved beta "
              + state.beta()
              + " differs from the configured "
              + beta);
    }
    if (config.kind() == KlControllerConfig.Kind.ADAPTIVE && !(state.beta() > 0)) {
      throw new IllegalArgumentException(
          "adaptive kl controller: saved beta " + state.beta() + ", expected > 0");
    }
    beta = state.beta();
    updates = state.updates();
    steps = state.steps();
  }
}
