package dev.elmrlaif.algorithms.rl.sac;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.policy.model.EngineOwned;

/**
 * The three losses of soft actor-critic over a finite vocabulary (H2–H4), on a right-padded batch
 * of trajectories, every expectation over actions exact. For every real state {@code s_t} with
 * weight {@code w_{b,t}} (importance weight of the row over the number of real states in the batch;
 * 0 on padding):
 *
 * <pre>
 * V target (H2)   V̂(s_t)      = Σ_a π(a|s_t) [Q(s_t,a) − α·log(π(a|s_t)/π_ref(a|s_t))]   (π, Q constant)
 * Q target (H3)   Q̂(s_t,a_t)  = r_t + γ·V̄(s_{t+1}),   V̄(s_T) = 0 at the terminal state     (λ = 0)
 *   Retrace(λ)    Q̂(s_t,a_t)  = r_t + γ·[V̄(s_{t+1}) + c_{t+1}·(Q̂(s_{t+1},a_{t+1}) − Q(s_{t+1},a_{t+1}))],
 *                 c_t = λ·min(1, π(a_t|s_t)/μ(a_t|s_t)),  Q̂ = r at the last step      (0 < λ ≤ 1)
 * V loss          L_V = Σ w_{b,t} (V(s_t) − V̂(s_t))²
 * Q loss          L_Q = Σ w_{b,t} (Q(s_t,a_t) − Q̂(s_t,a_t))²
 * policy loss(H4) L_π = Σ w_{b,t} Σ_a π_θ(a|s_t) [α·log(π_θ(a|s_t)/π_ref(a|s_t)) − Q(s_t,a)]   (Q constant)
 * </pre>
 *
 * {@code r_t} is the environment reward of step {@code t} (the terminal reward on the last step, 0
 * before, plus per-token rewards when a trajectory has them) and {@code V̄} the Polyak-averaged
 * target of {@code V}. {@code μ} is the policy that generated the trajectory (its log-probabilities
 * are stored in the buffer). Deviation, optional ({@code sac.retrace_lambda}): the one-step target
 * passes a terminal reward back one token per update, through {@code V̄}'s slow Polyak average;
 * Retrace (Munos et al. 2016, "Safe and efficient off-policy reinforcement learning") adds the
 * sampled next steps' corrections, cut by the importance ratio so that old trajectories of the
 * buffer still give {@code Q^π}. At the soft optimum ({@code Q = Q*}, {@code V̄ = V*}) every
 * correction is 0 on the token CoMDP's deterministic transitions, so the fixed point is unchanged.
 * Per state, {@code ∂L_π/∂z_a = π_a (f_a − Σ_b π_b f_b)} for logits {@code z} with {@code f_a = α
 * log(π_a/π_ref,a) − Q_a}; it vanishes exactly at {@code π ∝ π_ref·exp(Q/α)}. The three losses
 * touch disjoint parameters (Q's, V's, the policy's), so one backward pass of their sum gives each
 * its own gradient.
 *
 * <p>With Q read from the policy ({@link SacQFunction#POLICY}, {@link #policyQ}): {@code Q(s,a) =
 * V(s) + α·log(π_θ(a|s)/π_ref(a|s))}, so {@code f_a = −V(s)} for every action and the policy loss
 * has no gradient; {@code V̂ = V} makes the V loss 0; the Q loss alone trains V and the policy: per
 * state, {@code ∂L_Q/∂V = 2w·δ} and {@code ∂L_Q/∂z_a = 2w·δ·α·(1[a = a_t] − π_a)} with {@code δ =
 * Q(s_t,a_t) − Q̂(s_t,a_t)}.
 */
final class SacLosses {
  private SacLosses() {}

  /**
   * The tensors of one batch ({@code B} rows, {@code C} the longest continuation, {@code V} the
   * vocabulary).
   *
   * @param logPolicy {@code log π_θ(·|s_t)} {@code [B, C, V]}, differentiable
   * @param logReference {@code log π_ref(·|s_t)} {@code [B, C, V]}
   * @param q {@code Q(s_t, ·)} {@code [B, C, V]}, differentiable
   * @param v {@code V(s_t)} {@code [B, C]}, differentiable
   * @param targetV {@code V̄(s_t)} {@code [B, C]} of the target network
   * @param actions {@code a_t} as {@code [B, C, 1]} INT64 (any valid id on padding)
   * @param rewards {@code r_t} {@code [B, C]}
   * @param nextNonTerminal {@code [B, C]}: 1 where {@code s_{t+1}} is not terminal ({@code t+1 <
   *     T_b})
   * @param weights {@code w_{b,t}} {@code [B, C]}
   * @param logBehaviour {@code log μ(a_t|s_t)} {@code [B, C]}, the generating policy's
   *     log-probability of each action taken (read only when {@code λ > 0})
   */
  record Inputs(
      NDArray logPolicy,
      NDArray logReference,
      NDArray q,
      NDArray v,
      NDArray targetV,
      NDArray actions,
      NDArray rewards,
      NDArray nextNonTerminal,
      NDArray weights,
      NDArray logBehaviour) {}

  /**
   * The losses (0-d, differentiable) and, per state, the targets and the Q critic's TD error {@code
   * Q(s_t,a_t) − Q̂(s_t,a_t)} (constants, {@code [B, C]}).
   */
  record Result(
      NDArray qLoss,
      NDArray vLoss,
      NDArray policyLoss,
      NDArray vTarget,
      NDArray qTarget,
      NDArray tdError) {}

  /**
   * @param lambda Retrace's {@code λ}: 0 gives the one-step target {@code r_t + γ·V̄(s_{t+1})}
   */
  static Result compute(Inputs in, double alpha, double gamma, double lambda) {
    NDArray qFixed = in.q().stopGradient();
    NDArray pi = in.logPolicy().exp();
    NDArray logRatio = in.logPolicy().sub(in.logReference()); // log π/π_ref, [B, C, V]
    NDArray alphaScalar = EngineOwned.scalar(logRatio, alpha);

    NDArray vTarget =
        pi.stopGradient()
            .mul(qFixed.sub(logRatio.stopGradient().mul(alphaScalar)))
            .sum(new int[] {2});
    NDArray nextTargetV = shiftLeft(in.targetV().stopGradient()).mul(in.nextNonTerminal());
    NDArray qTaken = in.q().gather(in.actions(), 2).squeeze(2);
    NDArray qTarget =
        lambda == 0
            ? in.rewards().add(nextTargetV.mul(EngineOwned.scalar(nextTargetV, gamma)))
            : retraceTargets(in, qTaken.stopGradient(), gamma, lambda);

    NDArray vLoss = in.weights().mul(in.v().sub(vTarget).square()).sum();
    NDArray qLoss = in.weights().mul(qTaken.sub(qTarget).square()).sum();
    NDArray policyLoss =
        in.weights().mul(pi.mul(logRatio.mul(alphaScalar).sub(qFixed)).sum(new int[] {2})).sum();
    return new Result(
        qLoss, vLoss, policyLoss, vTarget, qTarget, qTaken.stopGradient().sub(qTarget));
  }

  /**
   * {@code Q(s_t,a) = V(s_t) + α·log(π_θ(a|s_t)/π_ref(a|s_t))} {@code [B, C, V]}, differentiable in
   * {@code V} and the policy ({@link SacQFunction#POLICY}).
   *
   * @param v {@code V(s_t)} {@code [B, C]}
   * @param logPolicy {@code log π_θ(·|s_t)} {@code [B, C, V]}
   * @param logReference {@code log π_ref(·|s_t)} {@code [B, C, V]}
   */
  static NDArray policyQ(NDArray v, NDArray logPolicy, NDArray logReference, double alpha) {
    NDArray logRatio = logPolicy.sub(logReference);
    return v.expandDims(2).add(logRatio.mul(EngineOwned.scalar(logRatio, alpha)));
  }

  /**
   * Retrace's targets, from the last column back to the first (a trajectory's last real step and
   * its padding have {@code nextNonTerminal} 0, so their target is their reward). The recursion
   * runs over the {@code [B, C]} grid in Java doubles: it is {@code C} multiply-adds a row, against
   * the forward passes' {@code C·V} per row.
   */
  private static NDArray retraceTargets(
      Inputs in, NDArray qTakenFixed, double gamma, double lambda) {
    long[] shape = in.rewards().getShape().getShape();
    int rows = (int) shape[0];
    int width = (int) shape[1];
    double[] rewards = toDoubles(in.rewards());
    double[] nextNonTerminal = toDoubles(in.nextNonTerminal());
    double[] targetV = toDoubles(in.targetV());
    double[] qTaken = toDoubles(qTakenFixed);
    double[] logPolicyTaken = toDoubles(in.logPolicy().gather(in.actions(), 2).squeeze(2));
    double[] logBehaviour = toDoubles(in.logBehaviour());
    double[] targets = new double[rows * width];
    for (int b = 0; b < rows; b++) {
      for (int t = width - 1; t >= 0; t--) {
        int cell = b * width + t;
        if (nextNonTerminal[cell] == 0) {
          targets[cell] = rewards[cell];
          continue;
        }
        int next = cell + 1;
        double trace = lambda * Math.min(1.0, Math.exp(logPolicyTaken[next] - logBehaviour[next]));
        targets[cell] =
            rewards[cell] + gamma * (targetV[next] + trace * (targets[next] - qTaken[next]));
      }
    }
    return EngineOwned.create(
        in.rewards().getManager(), targets, in.rewards().getShape(), in.rewards().getDataType());
  }

  /** A constant copy of {@code array} as Java doubles (for the recursion here and SacTrainer). */
  static double[] toDoubles(NDArray array) {
    return array.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /** {@code x[:, t+1]} at column {@code t}, 0 in the last column: the value of the next state. */
  private static NDArray shiftLeft(NDArray x) {
    long rows = x.getShape().get(0);
    NDArray last = x.getManager().zeros(new Shape(rows, 1), x.getDataType());
    return x.get(":, 1:").concat(last, 1);
  }
}
