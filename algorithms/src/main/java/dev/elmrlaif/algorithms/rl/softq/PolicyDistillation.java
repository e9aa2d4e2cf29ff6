package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The policy half of soft Q-learning (H7–H8): turns Q-values into the optimal policy {@code π*(·|s)
 * = softmax(log π_ref(·|s) + Q(s,·)/α)} at every state of a batch, and moves the ELM toward it by
 * one AdamW step on {@code L_π = mean_s KL(π*(·|s) ‖ π_θ(·|s))} ({@link SoftQMath}). It owns the
 * policy's optimizer.
 */
final class PolicyDistillation implements AutoCloseable {
  private final Elm policy;
  private final Elm reference;
  private final double alpha;
  private final double gradClip;
  private final AdamW optimizer;

  PolicyDistillation(Elm policy, Elm reference, SoftQConfig config) {
    this.policy = policy;
    this.reference = reference;
    this.alpha = config.alpha();
    this.gradClip = config.gradClip();
    this.optimizer =
        new AdamW(
            AdamWConfig.builder().weightDecay(config.weightDecay()).build(),
            LearningRateSchedule.constant(config.policyLearningRate()),
            policy.manager());
  }

  /** What one distillation update measured: {@code L_π} before the step and the gradient norm. */
  record Update(double loss, double gradNorm) {}

  /**
   * {@code log π*(·|s_t)}, {@code [B, C, V]}, at every state of {@code batch} (H7), a constant
   * created in {@code scope}: {@code q} gives {@code Q(s_t,·)}, the reference {@code log
   * π_ref(·|s_t)}.
   */
  NDArray optimalLogPolicy(NDManager scope, TrajectoryBatch batch, QValues q) {
    ContinuationLogProbs ref =
        reference.continuationLogProbs(scope, batch.prompts(), batch.continuations(), true);
    NDArray values =
        q.q(scope, batch.prompts(), batch.continuations())
            .toType(ref.logSoftmax().getDataType(), false);
    return SoftQMath.optimalLogPolicy(values, ref.logSoftmax(), alpha).stopGradient();
  }

  /**
   * Computes {@code L_π} on {@code batch} with {@code π*} from {@code q} and leaves its gradient on
   * the policy's trainable parameters (zeroed first); the parameters do not change. Returns {@code
   * L_π}, the importance-weighted mean over the batch's states.
   */
  double computeGradients(TrajectoryBatch batch, QValues q) {
    GradientClipping.zeroGradients(policy.trainableParameters());
    try (NDScope arrays = new NDScope();
        NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      NDArray target = optimalLogPolicy(scope, batch, q);
      try (GradientCollector collector = policy.manager().getEngine().newGradientCollector()) {
        ContinuationLogProbs current =
            policy.continuationLogProbs(scope, batch.prompts(), batch.continuations(), true);
        NDArray perState = SoftQMath.distillationKl(target, current.logSoftmax()); // [B, C]
        NDArray weights =
            EngineOwned.create(
                scope,
                batch.stateWeights(),
                new Shape(batch.rows(), batch.width()),
                perState.getDataType());
        NDArray loss = perState.mul(weights).sum();
        collector.backward(loss);
        return Tensors.toDoubles(loss)[0];
      }
    }
  }

  /** {@link #computeGradients}, global-norm clipping and one AdamW step of the policy. */
  Update update(TrajectoryBatch batch, QValues q) {
    double loss = computeGradients(batch, q);
    Map<String, NDArray> trainable = policy.trainableParameters();
    double gradNorm = GradientClipping.clipOrMeasure(trainable, gradClip);
    GradientClipping.requireFinite(
        "soft_q distillation",
        Map.of("loss", loss),
        gradNorm,
        "lower soft_q.policy_learning_rate or set soft_q.grad_clip");
    optimizer.step(trainable);
    return new Update(loss, gradNorm);
  }

  /** Writes the optimizer's moments and step count. */
  void save(Path file) throws IOException {
    optimizer.save(file);
  }

  /** Restores what {@link #save} wrote. */
  void load(Path file) throws IOException {
    optimizer.load(file);
  }

  @Override
  public void close() {
    optimizer.close();
  }
}
