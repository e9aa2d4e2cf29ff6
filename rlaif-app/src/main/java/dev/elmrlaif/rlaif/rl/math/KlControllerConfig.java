package dev.elmrlaif.rlaif.rl.math;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * How the KL coefficient {@code β} of H1 is chosen: fixed, or adapted toward a target KL
 * ({@link KlController}). YAML keys: {@code kind, beta, target, horizon, gain}.
 */
public record KlControllerConfig(
    @Doc("fixed: beta stays constant; adaptive: beta is steered so the measured KL approaches target")
        Kind kind,
    @Doc("KL coefficient beta (the initial value when adaptive)") @Range(min = 0) double beta,
    @Doc("Adaptive only: KL per sequence to steer toward") @Range(min = 0, minExclusive = true)
        double target,
    @Doc("Adaptive only: samples over which a full clipped error changes beta by gain*0.2")
        @Range(min = 0, minExclusive = true) double horizon,
    @Doc("Adaptive only: proportional gain K_beta") @Range(min = 0, minExclusive = true) double gain) {

  /** Which controller. */
  public enum Kind {
    /** {@code β} stays constant. */
    FIXED,
    /** {@code β} is steered so the measured KL approaches the target (Ziegler et al. 2019). */
    ADAPTIVE
  }

  public KlControllerConfig {
    if (kind == null) {
      throw new UserInputException("kl.controller.kind: missing, expected fixed or adaptive");
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new UserInputException("kl.controller.beta: found " + beta + ", expected a finite value >= 0");
    }
    if (kind == Kind.ADAPTIVE && !(beta > 0)) {
      throw new UserInputException("kl.controller.beta: found " + beta
          + ", expected > 0 for the adaptive controller (it multiplies beta)");
    }
    requirePositive("kl.controller.target", target);
    requirePositive("kl.controller.horizon", horizon);
    requirePositive("kl.controller.gain", gain);
  }

  /** Fixed {@code β = 0.05}; adaptive settings as Ziegler et al. (target 6 nats, horizon 10000, 0.1). */
  public static KlControllerConfig defaults() {
    return new KlControllerConfig(Kind.FIXED, 0.05, 6.0, 10_000, 0.1);
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new UserInputException(name + ": found " + value + ", expected a finite value > 0");
    }
  }
}
