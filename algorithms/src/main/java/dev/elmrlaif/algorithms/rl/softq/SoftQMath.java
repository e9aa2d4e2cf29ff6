package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.ndarray.NDArray;
import dev.elmrlaif.algorithms.rl.math.SoftBellman;
import dev.elmrlaif.policy.model.EngineOwned;

/**
 * Soft Q-learning and policy distillation (DESIGN.md §4, H5–H8) on DJL tensors, every expectation
 * over actions exact: the last axis of every array is the vocabulary. {@code q} holds {@code
 * Q(s,·)}, {@code logRef} holds {@code log π_ref(·|s)} and {@code α > 0} is the KL coefficient (β
 * of H1).
 *
 * <pre>
 * soft value (H6)       V*(s)      = α log Σ_a π_ref(a|s) exp(Q(s,a)/α)
 * Bellman target (H5)   y_t        = r_t + γ·V̄*(s_{t+1}),  V̄*(s_T) = 0 at the terminal state,
 *                                    V̄* computed from the target critic Q̄
 * Q loss (H5)           L_Q        = mean_t w·(Q(s_t,a_t) − y_t)²
 * optimal policy (H7)   log π*(a|s) = log π_ref(a|s) + (Q(s,a) − V*(s))/α
 *                                    = log_softmax_a(log π_ref(a|s) + Q(s,a)/α)
 * distillation (H8)     L_π        = mean_s KL(π*(·|s) ‖ π_θ(·|s))
 *                                  = mean_s Σ_a π*(a|s)·(log π*(a|s) − log π_θ(a|s)),  π* constant,
 *                       so ∇L_π = −mean_s Σ_a π*(a|s)·∇log π_θ(a|s), the update of H8.
 * </pre>
 *
 * The scalar versions of H5–H7 are {@link SoftBellman}'s; the tests check these against them.
 */
public final class SoftQMath {
  private SoftQMath() {}

  /**
   * H6, {@code [..., V] → [...]}: {@code α·logsumexp_a(log π_ref(a|s) + Q(s,a)/α)}, max-shifted.
   */
  public static NDArray softValue(NDArray q, NDArray logRef, double alpha) {
    NDArray z = logits(q, logRef, alpha);
    NDArray max = z.max(new int[] {-1}, true);
    NDArray logSumExp = z.sub(max).exp().sum(new int[] {-1}).log().add(max.squeeze(-1));
    return logSumExp.mul(EngineOwned.scalar(logSumExp, alpha));
  }

  /**
   * H7, {@code [..., V] → [..., V]}: {@code log π*(·|s) = log_softmax(log π_ref(·|s) + Q(s,·)/α)}.
   */
  public static NDArray optimalLogPolicy(NDArray q, NDArray logRef, double alpha) {
    return logits(q, logRef, alpha).logSoftmax(-1);
  }

  /**
   * H8, {@code [..., V] → [...]}: {@code KL(π* ‖ π_θ) = Σ_a π*(a)·(log π*(a) − log π_θ(a))} per
   * state. Differentiable in {@code policyLogSoftmax}; {@code optimalLogPolicy} is treated as a
   * constant (its gradient is stopped).
   */
  public static NDArray distillationKl(NDArray optimalLogPolicy, NDArray policyLogSoftmax) {
    NDArray target = optimalLogPolicy.stopGradient();
    return target.exp().mul(target.sub(policyLogSoftmax)).sum(new int[] {-1});
  }

  /**
   * H5 targets of one trajectory of {@code T} steps: {@code y_t = r_t + γ·V̄*(s_{t+1})} for {@code
   * t < T−1} and {@code y_{T−1} = r_{T−1}} (the episode ends after the last action).
   *
   * @param stepRewards {@code r_t}, the terminal reward on the last step (plus per-token rewards)
   * @param targetSoftValues {@code V̄*(s_t)} at the trajectory's states {@code t = 0..T−1}, from
   *     the target critic ({@code V̄*(s_0)} is not used)
   */
  public static double[] bellmanTargets(
      double[] stepRewards, double[] targetSoftValues, double gamma) {
    if (stepRewards.length != targetSoftValues.length) {
      throw new IllegalArgumentException(
          "bellmanTargets: "
              + stepRewards.length
              + " rewards and "
              + targetSoftValues.length
              + " soft values, expected one of each per step");
    }
    int steps = stepRewards.length;
    double[] targets = new double[steps];
    for (int t = 0; t < steps; t++) {
      boolean nextIsTerminal = t == steps - 1;
      targets[t] =
          SoftBellman.qTarget(
              stepRewards[t],
              gamma,
              nextIsTerminal ? 0.0 : targetSoftValues[t + 1],
              nextIsTerminal);
    }
    return targets;
  }

  /** {@code log π_ref(·|s) + Q(s,·)/α}, the logits of {@code π*}. */
  private static NDArray logits(NDArray q, NDArray logRef, double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha: found " + alpha + ", expected a finite value > 0");
    }
    if (!q.getShape().equals(logRef.getShape())) {
      throw new IllegalArgumentException(
          "Q-values have shape "
              + q.getShape()
              + " and log pi_ref "
              + logRef.getShape()
              + ", expected the same shape (one entry per vocabulary token)");
    }
    return logRef.add(q.mul(EngineOwned.scalar(q, 1 / alpha)));
  }
}
