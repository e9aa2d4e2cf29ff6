package dev.elmrlaif.rlaif.rl.math;

/**
 * The adaptive KL coefficient of Ziegler et al. 2019 ("Fine-tuning language models from human
 * preferences", §2.2): a proportional controller on the log-scale of {@code β},
 *
 * <pre>
 * e_t     = clip(KL_t / KL_target − 1, −0.2, 0.2)
 * β_{t+1} = β_t · (1 + K_β · e_t · n_t / horizon)
 * </pre>
 *
 * where {@code n_t} is the number of samples in the step. Measured KL above the target raises
 * {@code β} (pulling the policy back toward {@code π_ref}), below it lowers {@code β}; the clip
 * keeps one noisy measurement from moving {@code β} by more than {@code 0.2·K_β·n/horizon}.
 */
public final class AdaptiveKlController implements KlController {
  /** The bound on the proportional error, as in the paper. */
  public static final double ERROR_CLIP = 0.2;

  private final double target;
  private final double horizon;
  private final double gain;
  private double beta;
  private long updates;
  private long steps;

  /**
   * @param initialBeta starting {@code β > 0}
   * @param target the KL to steer toward, {@code > 0}
   * @param horizon samples over which a full clipped error changes {@code β} by {@code K_β·0.2}
   * @param gain {@code K_β > 0} (the paper uses 0.1)
   */
  public AdaptiveKlController(double initialBeta, double target, double horizon, double gain) {
    requirePositive("initial beta", initialBeta);
    requirePositive("kl target", target);
    requirePositive("kl horizon", horizon);
    requirePositive("kl gain", gain);
    this.beta = initialBeta;
    this.target = target;
    this.horizon = horizon;
    this.gain = gain;
  }

  @Override
  public double beta() {
    return beta;
  }

  /** The clipped proportional error {@code e = clip(KL/KL_target − 1, −0.2, 0.2)}. */
  public double error(double measuredKl) {
    return Math.max(-ERROR_CLIP, Math.min(ERROR_CLIP, measuredKl / target - 1));
  }

  @Override
  public void update(double measuredKl, long stepCount) {
    if (Double.isNaN(measuredKl)) {
      throw new IllegalArgumentException("measured KL is NaN");
    }
    if (stepCount < 0) {
      throw new IllegalArgumentException("kl controller steps: found " + stepCount + ", expected >= 0");
    }
    beta *= 1 + gain * error(measuredKl) * stepCount / horizon;
    updates++;
    steps += stepCount;
  }

  @Override
  public KlControllerState state() {
    return new KlControllerState(beta, updates, steps);
  }

  @Override
  public void restore(KlControllerState state) {
    requirePositive("saved beta", state.beta());
    beta = state.beta();
    updates = state.updates();
    steps = state.steps();
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + ": found " + value + ", expected a finite value > 0");
    }
  }
}
