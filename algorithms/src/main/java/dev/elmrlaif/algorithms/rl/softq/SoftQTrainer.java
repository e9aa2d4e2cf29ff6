package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.Demonstrations;
import dev.elmrlaif.algorithms.rl.OffPolicyTrainer;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.TrainerState;
import dev.elmrlaif.algorithms.rl.TrainerStateFolder;
import dev.elmrlaif.critics.QCritic;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.replay.ReplayBuffer;
import dev.elmrlaif.replay.ResumableRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Soft Q-learning with policy distillation (DESIGN.md §4, H5–H8): learn {@code Q*} of the
 * KL-regularised CoMDP off-policy from a replay buffer, then distil {@code π*(a|s) =
 * π_ref(a|s)·exp((Q*(s,a) − V*(s))/α)} into the ELM. One {@link #step}:
 *
 * <pre>
 * generate   y ~ μ(·|c), K per context, μ = π_θ or π_ref (soft_q.behaviour); r = r(y, c);
 *            the trajectories go into the replay buffer
 * critic     q_updates_per_step times: B trajectories from the buffer, every transition of each,
 *            V̄*(s_t) = α log Σ_a π_ref(a|s_t) exp(Q̄(s_t,a)/α)          (H6, target critic Q̄)
 *            y_t     = r_t + γ·V̄*(s_{t+1}),  0 after the last step        (H5)
 *            L_Q     = mean_t w·(Q(s_t,a_t) − y_t)²                       (w: replay importance weight)
 *            AdamW step of Q; Q̄ ← (1 − τ)·Q̄ + τ·Q; priorities ← mean_t |Q(s_t,a_t) − y_t|
 * distil     distill_updates_per_step times: B trajectories from the buffer,
 *            π*(·|s_t) = softmax(log π_ref(·|s_t) + Q(s_t,·)/α)          (H7, online critic, constant)
 *            L_π       = mean_t w·KL(π*(·|s_t) ‖ π_θ(·|s_t))               (H8); AdamW step of π_θ
 * </pre>
 *
 * Every sum over actions is exact over the vocabulary ({@link SoftQMath}). {@code α} is fixed (the
 * β of H1), so at the fixed point the ELM is the KL-regularised optimum {@code π*(y|c) ∝
 * π_ref(y|c)·exp(r(y,c)/α)}.
 *
 * <p>The loop (generate, store, the updates, metrics) is {@link OffPolicyTrainer}'s; this class is
 * the two updates ({@link #update}: the critic's {@code q_updates_per_step} first, then the {@code
 * distill_updates_per_step} distillations) and what they save: the Q critic and its target, both
 * optimizers and {@link State} ({@link TrainerStateFolder}); with the replay buffer (contents and
 * its sampler) a resumed run repeats the uninterrupted one.
 *
 * <p>Memory: each update runs inside one {@link NDScope} and child manager closed after its
 * backward pass (docs/djl-pitfalls.md).
 */
public final class SoftQTrainer extends OffPolicyTrainer<SoftQTrainer.State> {
  private final SoftQConfig config;
  private final QCritic critic;
  private final QCritic targetCritic;
  private final AdamW criticOptimizer;
  private final PolicyDistillation distillation;

  /**
   * Soft-Q's scalars in a checkpoint ({@code trainer_state.json}): the step count and the
   * generator.
   */
  public record State(String format, String algorithm, long completedSteps, long randomState)
      implements TrainerState {}

  /**
   * @param policy the ELM being trained (its trainable parameters are updated in place)
   * @param reference the frozen {@code π_ref} (e.g. {@code policy.referencePolicy()} taken before
   *     training); a shared-trunk critic reads its hidden states. The caller closes both models
   *     after this trainer, the reference first
   */
  public SoftQTrainer(Elm policy, Elm reference, CompletionReward reward, SoftQConfig config) {
    super("SoftQTrainer", policy, reference, reward, Demonstrations.NONE, config, State.class);
    this.config = config;
    ResumableRandom seeds = ResumableRandom.seeded(config.seed());
    this.random = ResumableRandom.seeded(seeds.nextLong());
    ResumableRandom bufferRandom = ResumableRandom.seeded(seeds.nextLong());
    this.buffer =
        config.behaviour() == SoftQBehaviour.OFFLINE
            ? offlineBuffer(Path.of(config.offlineBuffer()))
            : ReplayBuffer.create(config.replay().toReplayConfig(), bufferRandom);
    this.critic = QCritic.create(config.critic().toCriticConfig(seeds.nextLong()), reference);
    this.targetCritic = critic.copy();
    this.criticOptimizer =
        new AdamW(
            AdamWConfig.builder().weightDecay(config.weightDecay()).build(),
            LearningRateSchedule.constant(config.qLearningRate()),
            policy.manager());
    this.distillation = new PolicyDistillation(policy, reference, config);
  }

  @Override
  public RlAlgorithm algorithm() {
    return RlAlgorithm.SOFT_Q;
  }

  public SoftQConfig config() {
    return config;
  }

  /** The learned {@code Q(s_t,·)} (the online critic) as {@link PolicyDistillation} reads it. */
  public QValues learnedQ() {
    return (scope, prompts, continuations) -> critic.values(scope, prompts, continuations).values();
  }

  /** The replay buffer (read it, e.g. for its size; the trainer adds to it). */
  public ReplayBuffer buffer() {
    return buffer;
  }

  /** {@code μ} of soft_q.behaviour: the policy, {@code π_ref}, or none (offline). */
  @Override
  protected Elm behaviour() {
    return switch (config.behaviour()) {
      case POLICY -> policy;
      case REFERENCE -> reference;
      case OFFLINE -> null;
    };
  }

  @Override
  protected int samplesPerContext() {
    return config.samplesPerContext();
  }

  @Override
  protected int maxNewTokens() {
    return config.maxNewTokens();
  }

  /** {@code α} is fixed (the β of H1). */
  @Override
  protected double alpha() {
    return config.alpha();
  }

  @Override
  protected int updatesPerStep() {
    return config.qUpdatesPerStep() + config.distillUpdatesPerStep();
  }

  /**
   * {@code q_loss} and {@code q_grad_norm} (the critic updates), {@code distill_loss} (mean {@code
   * KL(π* ‖ π_θ)} before each distillation update) and {@code grad_norm} (the policy's pre-clip
   * gradient norm in the distillation updates).
   */
  @Override
  protected List<String> updateMetrics() {
    return List.of("q_loss", "q_grad_norm", "distill_loss", "grad_norm");
  }

  /**
   * Update {@code u}: the first {@code q_updates_per_step} are critic updates ({@link
   * #updateCritic}), the rest distillations of {@code π*} into the ELM ({@link
   * PolicyDistillation#update}); each on {@code batch_trajectories} trajectories drawn from the
   * buffer.
   */
  @Override
  protected Map<String, Double> update(int u) {
    TrajectoryBatch batch =
        TrajectoryBatch.of(buffer.sampleTrajectories(config.batchTrajectories()));
    Map<String, Double> figures = new LinkedHashMap<>();
    if (u < config.qUpdatesPerStep()) {
      CriticUpdate update = updateCritic(batch);
      figures.put("q_loss", update.loss());
      figures.put("q_grad_norm", update.gradNorm());
    } else {
      PolicyDistillation.Update update = distillation.update(batch, learnedQ());
      figures.put("distill_loss", update.loss());
      figures.put("grad_norm", update.gradNorm());
    }
    return figures;
  }

  /**
   * {@code alpha} (this step's α, the {@code beta} every trainer logs, by soft-Q's own name too)
   * and {@code buffer_transitions} (the buffer's transitions: its trajectories' tokens).
   */
  @Override
  protected void addMetrics(Map<String, Double> metrics) {
    metrics.put("alpha", metrics.get("beta"));
    metrics.put("buffer_transitions", (double) buffer.transitionCount());
  }

  /** What one critic update measured: {@code L_Q} before the step and the gradient norm. */
  record CriticUpdate(double loss, double gradNorm) {}

  /**
   * One critic update on {@code batch} (the "critic" lines of the class comment): Bellman targets
   * from the target critic and the reference, {@code L_Q}, its gradient, clipping, an AdamW step,
   * the Polyak update of the target and, when prioritised, the rows' new priorities.
   */
  CriticUpdate updateCritic(TrajectoryBatch batch) {
    critic.zeroGradients();
    int rows = batch.rows();
    int width = batch.width();
    double loss;
    double[] errors;
    try (NDScope arrays = new NDScope();
        NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      double[] targets = bellmanTargets(scope, batch);
      long[] actions = new long[rows * width];
      for (int b = 0; b < rows; b++) {
        int[] tokens = batch.continuations().get(b);
        for (int t = 0; t < tokens.length; t++) {
          actions[b * width + t] = tokens[t];
        }
      }
      try (GradientCollector collector = policy.manager().getEngine().newGradientCollector()) {
        NDArray q =
            critic.values(scope, batch.prompts(), batch.continuations()).values(); // [B, C, V]
        NDArray taken =
            q.gather(EngineOwned.create(scope, actions, new Shape(rows, width, 1)), 2).squeeze(2);
        NDArray error =
            taken.sub(
                EngineOwned.create(scope, targets, new Shape(rows, width), taken.getDataType()));
        NDArray weighted =
            error
                .square()
                .mul(
                    EngineOwned.create(
                        scope, batch.stateWeights(), new Shape(rows, width), taken.getDataType()));
        NDArray lossArray = weighted.sum();
        collector.backward(lossArray);
        loss = Tensors.toDoubles(lossArray)[0];
        errors = Tensors.toDoubles(error);
      }
    }
    Map<String, NDArray> trainable = critic.trainableParameters();
    double gradNorm = GradientClipping.clipOrMeasure(trainable, config.gradClip());
    GradientClipping.requireFinite(
        "soft_q critic update at step " + (completedSteps + 1),
        Map.of("loss", loss),
        gradNorm,
        "lower soft_q.q_learning_rate or set soft_q.grad_clip");
    criticOptimizer.step(trainable);
    targetCritic.polyakUpdate(critic, config.tau());
    if (buffer.config().prioritised()) {
      for (int b = 0; b < rows; b++) {
        int steps = batch.continuations().get(b).length;
        double meanAbsError = 0;
        for (int t = 0; t < steps; t++) {
          meanAbsError += Math.abs(errors[b * width + t]) / steps;
        }
        buffer.updatePriority(batch.ids().get(b), meanAbsError);
      }
    }
    return new CriticUpdate(loss, gradNorm);
  }

  /**
   * The H5 targets {@code y_t} of every transition, {@code [B·C]} (0 on padding), from {@code
   * V̄*(s_t)} of the target critic and the reference at every state (H6).
   */
  private double[] bellmanTargets(NDManager scope, TrajectoryBatch batch) {
    ContinuationLogProbs ref =
        reference.continuationLogProbs(scope, batch.prompts(), batch.continuations(), true);
    NDArray targetQ = targetCritic.values(scope, batch.prompts(), batch.continuations()).values();
    double[] softValues =
        Tensors.toDoubles(
            SoftQMath.softValue(
                targetQ.toType(ref.logSoftmax().getDataType(), false),
                ref.logSoftmax(),
                config.alpha()));
    int width = batch.width();
    double[] targets = new double[batch.rows() * width];
    for (int b = 0; b < batch.rows(); b++) {
      int steps = batch.continuations().get(b).length;
      double[] rowTargets =
          SoftQMath.bellmanTargets(
              batch.stepRewards().get(b),
              Arrays.copyOfRange(softValues, b * width, b * width + steps),
              config.gamma());
      System.arraycopy(rowTargets, 0, targets, b * width, steps);
    }
    return targets;
  }

  @Override
  protected String replayKey() {
    return "soft_q.replay";
  }

  @Override
  protected Map<String, StateFile> stateFiles() {
    Map<String, StateFile> files = new LinkedHashMap<>();
    files.put(TrainerStateFolder.Q_CRITIC, new StateFile(critic::save, critic::load));
    files.put(TrainerStateFolder.Q_TARGET, new StateFile(targetCritic::save, targetCritic::load));
    files.put(
        TrainerStateFolder.CRITIC_OPTIMIZER,
        new StateFile(criticOptimizer::save, criticOptimizer::load));
    files.put(
        TrainerStateFolder.POLICY_OPTIMIZER, new StateFile(distillation::save, distillation::load));
    return files;
  }

  @Override
  protected State state() {
    return new State(
        TrainerState.FORMAT, TrainerStateFolder.key(algorithm()), completedSteps, random.state());
  }

  /**
   * The buffer offline RL trains from, loaded into memory (so its sampler state and priorities can
   * be checkpointed); the trainer never adds to it.
   */
  private static ReplayBuffer offlineBuffer(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(
          "soft_q.offline_buffer: "
              + file
              + " does not exist; expected a replay buffer"
              + " saved by a run (e.g. checkpoints/rl/soft_q/<kind>/step-N/trainer/"
              + TrainerStateFolder.REPLAY
              + ")");
    }
    try {
      ReplayBuffer loaded = ReplayBuffer.load(file);
      if (loaded.size() == 0) {
        throw new UserInputException(
            "soft_q.offline_buffer: " + file + " holds no trajectory; expected at least one");
      }
      return loaded;
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserInputException user) {
        throw user;
      }
      throw new UserInputException(
          "soft_q.offline_buffer: " + file + " is not a readable replay buffer: " + e.getMessage(),
          e);
    }
  }

  /** Frees the critics and both optimizers (the models belong to the caller). */
  @Override
  public void close() {
    distillation.close();
    criticOptimizer.close();
    targetCritic.close();
    critic.close();
  }
}
