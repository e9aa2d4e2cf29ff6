package dev.elmrlaif.rlaif.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.critics.QCritic;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.replay.ReplayBuffer;
import dev.elmrlaif.replay.ResumableRandom;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.rl.RlAlgorithm;
import dev.elmrlaif.rlaif.rl.RlStep;
import dev.elmrlaif.rlaif.rl.RlTrainer;
import dev.elmrlaif.rlaif.rl.RolloutGeneration;
import dev.elmrlaif.rlaif.rl.CompletionReward;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Soft Q-learning with policy distillation (DESIGN.md §4, H5–H8): learn {@code Q*} of the
 * KL-regularised CoMDP off-policy from a replay buffer, then distil
 * {@code π*(a|s) = π_ref(a|s)·exp((Q*(s,a) − V*(s))/α)} into the ELM. One {@link #step}:
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
 * β of H1), so at the fixed point the ELM is the KL-regularised optimum
 * {@code π*(y|c) ∝ π_ref(y|c)·exp(r(y,c)/α)}.
 *
 * <p>State saved by {@link #saveState}: the Q critic and its target, both optimizers, the replay
 * buffer (contents and its sampler), this trainer's generator and the step counter, so a resumed run
 * repeats the uninterrupted one.
 *
 * <p>Memory: each update runs inside one {@link NDScope} and child manager closed after its
 * backward pass (docs/djl-pitfalls.md).
 */
public final class SoftQTrainer implements RlTrainer {
  /** The {@code format} value of the trainer's own state file. */
  static final String STATE_FORMAT = "elm-rlaif/soft-q-trainer-v1";

  private static final Logger LOG = LogManager.getLogger(SoftQTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRAINER_FILE = "trainer.json";
  private static final String CRITIC_FILE = "q-critic.safetensors";
  private static final String TARGET_FILE = "q-target.safetensors";
  private static final String CRITIC_OPTIMIZER_FILE = "q-optimizer.safetensors";
  private static final String POLICY_OPTIMIZER_FILE = "policy-optimizer.safetensors";
  private static final String REPLAY_FILE = "replay.bin";

  private final Elm policy;
  private final Elm reference;
  private final CompletionReward reward;
  private final SoftQConfig config;
  private final QCritic critic;
  private final QCritic targetCritic;
  private final AdamW criticOptimizer;
  private final PolicyDistillation distillation;
  private ResumableRandom random;
  private ReplayBuffer buffer;
  private long completedSteps;

  /**
   * @param policy the ELM being trained (its trainable parameters are updated in place)
   * @param reference the frozen {@code π_ref} (e.g. {@code policy.referencePolicy()} taken before
   *     training); a shared-trunk critic reads its hidden states. The caller closes both models
   *     after this trainer, the reference first
   */
  public SoftQTrainer(Elm policy, Elm reference, CompletionReward reward, SoftQConfig config) {
    RlTrainer.requireInputs("SoftQTrainer", policy, reference, reward, config);
    this.policy = policy;
    this.reference = reference;
    this.reward = reward;
    this.config = config;
    ResumableRandom seeds = ResumableRandom.seeded(config.seed());
    this.random = ResumableRandom.seeded(seeds.nextLong());
    ResumableRandom bufferRandom = ResumableRandom.seeded(seeds.nextLong());
    this.buffer = config.behaviour() == SoftQBehaviour.OFFLINE
        ? offlineBuffer(Path.of(config.offlineBuffer()))
        : ReplayBuffer.create(config.replay().toReplayConfig(), bufferRandom);
    this.critic = QCritic.create(config.critic().toCriticConfig(seeds.nextLong()), reference);
    this.targetCritic = critic.copy();
    this.criticOptimizer = new AdamW(AdamWConfig.builder().weightDecay(config.weightDecay()).build(),
        LearningRateSchedule.constant(config.qLearningRate()), policy.manager());
    this.distillation = new PolicyDistillation(policy, reference, config);
  }

  @Override
  public RlAlgorithm algorithm() {
    return RlAlgorithm.SOFT_Q;
  }

  public SoftQConfig config() {
    return config;
  }

  @Override
  public long completedSteps() {
    return completedSteps;
  }

  /** The learned {@code Q(s_t,·)} (the online critic) as {@link PolicyDistillation} reads it. */
  public QValues learnedQ() {
    return (scope, prompts, continuations) -> critic.values(scope, prompts, continuations).values();
  }

  /** The replay buffer (read it, e.g. for its size; the trainer adds to it). */
  public ReplayBuffer buffer() {
    return buffer;
  }

  /**
   * Generates {@code K} completions of each context with the behaviour policy, stores them, then
   * makes the step's critic and distillation updates. Metrics: the {@link RlTrainer#step} keys
   * (KL estimates, exact KL and entropy are those of {@code π_θ} against {@code π_ref} on the
   * generated completions, whichever policy generated them; {@code grad_norm} is the mean of the
   * policy's pre-clip gradient norms over the step's distillation updates, 0 when there are none)
   * plus {@code q_loss} and {@code q_grad_norm} (means over the critic updates), {@code
   * distill_loss} (mean {@code KL(π* ‖ π_θ)} before each distillation update, 0 when there are
   * none), {@code alpha} (= {@code beta}), {@code buffer_size} (trajectories), {@code
   * buffer_transitions} and {@code step}. {@code time_generate_s} covers sampling and the scoring
   * forward passes of both models, {@code time_update_s} the critic and distillation updates.
   */
  @Override
  public RlStep step(List<ElmPrompt> contexts) {
    if (contexts.isEmpty()) {
      throw new IllegalArgumentException("SoftQTrainer.step: no contexts, expected at least one");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    RolloutGeneration.Result generation;
    if (config.behaviour() == SoftQBehaviour.OFFLINE) { // offline RL: learn from the saved buffer alone
      generation = new RolloutGeneration.Result(List.of(), List.of(), new double[0], List.of());
      metrics.put("time_generate_s", 0.0);
      metrics.put("time_reward_s", 0.0);
    } else {
      Elm behaviour = config.behaviour() == SoftQBehaviour.POLICY ? policy : reference;
      generation = RolloutGeneration.generate("soft_q", completedSteps, behaviour, policy, reference, reward,
          contexts, config.samplesPerContext(), config.maxNewTokens(), random.nextLong(), metrics);
      generation.trajectories().forEach(buffer::add);
    }
    long updateStart = System.nanoTime();
    double qLoss = 0;
    double qGradNorm = 0;
    for (int u = 0; u < config.qUpdatesPerStep(); u++) {
      CriticUpdate update = updateCritic(TrajectoryBatch.of(buffer.sampleTrajectories(config.batchTrajectories())));
      qLoss += update.loss() / config.qUpdatesPerStep();
      qGradNorm += update.gradNorm() / config.qUpdatesPerStep();
    }
    double distillLoss = 0;
    double gradNorm = 0;
    for (int u = 0; u < config.distillUpdatesPerStep(); u++) {
      PolicyDistillation.Update update = distillation.update(
          TrajectoryBatch.of(buffer.sampleTrajectories(config.batchTrajectories())), learnedQ());
      distillLoss += update.loss() / config.distillUpdatesPerStep();
      gradNorm += update.gradNorm() / config.distillUpdatesPerStep();
    }
    completedSteps++;
    metrics.put("q_loss", qLoss);
    metrics.put("q_grad_norm", qGradNorm);
    metrics.put("distill_loss", distillLoss);
    metrics.put("grad_norm", gradNorm);
    metrics.put("alpha", config.alpha());
    metrics.put("beta", config.alpha());
    metrics.put("buffer_size", (double) buffer.size());
    metrics.put("buffer_transitions", (double) buffer.transitionCount());
    metrics.put("time_update_s", (System.nanoTime() - updateStart) / 1e9);
    metrics.put("step", (double) completedSteps);
    LOG.debug("soft_q step {}: {}", completedSteps, metrics);
    return new RlStep(metrics, generation.prompts(), generation.completions(), generation.rewards());
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
    try (NDScope arrays = new NDScope(); NDManager scope = policy.manager().newSubManager()) {
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
        NDArray q = critic.values(scope, batch.prompts(), batch.continuations()).values(); // [B, C, V]
        NDArray taken = q.gather(EngineOwned.create(scope, actions, new Shape(rows, width, 1)), 2).squeeze(2);
        NDArray error = taken.sub(EngineOwned.create(scope, targets, new Shape(rows, width), taken.getDataType()));
        NDArray weighted = error.square().mul(
            EngineOwned.create(scope, batch.stateWeights(), new Shape(rows, width), taken.getDataType()));
        NDArray lossArray = weighted.sum();
        collector.backward(lossArray);
        loss = Tensors.toDoubles(lossArray)[0];
        errors = Tensors.toDoubles(error);
      }
    }
    Map<String, NDArray> trainable = critic.trainableParameters();
    double gradNorm = config.gradClip() > 0
        ? GradientClipping.clipByGlobalNorm(trainable, config.gradClip())
        : GradientClipping.globalNorm(trainable);
    if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
      throw new IllegalStateException("soft_q critic update at step " + (completedSteps + 1) + ": loss "
          + loss + ", gradient norm " + gradNorm
          + "; expected finite values (lower soft_q.q_learning_rate or set soft_q.grad_clip)");
    }
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
   * The H5 targets {@code y_t} of every transition, {@code [B·C]} (0 on padding), from
   * {@code V̄*(s_t)} of the target critic and the reference at every state (H6).
   */
  private double[] bellmanTargets(NDManager scope, TrajectoryBatch batch) {
    ContinuationLogProbs ref = reference.continuationLogProbs(scope, batch.prompts(), batch.continuations(), true);
    NDArray targetQ = targetCritic.values(scope, batch.prompts(), batch.continuations()).values();
    double[] softValues = Tensors.toDoubles(SoftQMath.softValue(
        targetQ.toType(ref.logSoftmax().getDataType(), false), ref.logSoftmax(), config.alpha()));
    int width = batch.width();
    double[] targets = new double[batch.rows() * width];
    for (int b = 0; b < batch.rows(); b++) {
      int steps = batch.continuations().get(b).length;
      double[] rowTargets = SoftQMath.bellmanTargets(batch.stepRewards().get(b),
          Arrays.copyOfRange(softValues, b * width, b * width + steps), config.gamma());
      System.arraycopy(rowTargets, 0, targets, b * width, steps);
    }
    return targets;
  }

  @Override
  public void saveState(Path folder) throws IOException {
    critic.save(folder.resolve(CRITIC_FILE));
    targetCritic.save(folder.resolve(TARGET_FILE));
    criticOptimizer.save(folder.resolve(CRITIC_OPTIMIZER_FILE));
    distillation.save(folder.resolve(POLICY_OPTIMIZER_FILE));
    buffer.save(folder.resolve(REPLAY_FILE));
    ObjectNode state = JSON.createObjectNode();
    state.put("format", STATE_FORMAT);
    state.put("completed_steps", completedSteps);
    state.put("random_state", random.state());
    AtomicFiles.writeString(folder.resolve(TRAINER_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
  }

  @Override
  public void loadState(Path folder) throws IOException {
    Path trainerFile = folder.resolve(TRAINER_FILE);
    JsonNode state;
    try {
      state = JSON.readTree(Files.readString(trainerFile));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(trainerFile + ": not valid JSON" + dev.elmrlaif.rlaif.run.JsonProblems.describe(e), e);
    }
    if (!STATE_FORMAT.equals(state.path("format").asText(null))) {
      throw new IOException(trainerFile + ": key \"format\" is " + state.get("format")
          + ", expected \"" + STATE_FORMAT + "\" (a file written by SoftQTrainer.saveState)");
    }
    long steps = requireLong(trainerFile, state, "completed_steps");
    long randomState = requireLong(trainerFile, state, "random_state");
    if (steps < 0) {
      throw new IOException(trainerFile + ": key \"completed_steps\" is " + steps + ", expected >= 0");
    }
    ReplayBuffer loaded = ReplayBuffer.load(folder.resolve(REPLAY_FILE));
    if (!loaded.config().equals(buffer.config())) {
      throw new IOException(folder.resolve(REPLAY_FILE) + ": the saved buffer has config "
          + loaded.config() + ", expected " + buffer.config() + " (soft_q.replay must not change on resume)");
    }
    critic.load(folder.resolve(CRITIC_FILE));
    targetCritic.load(folder.resolve(TARGET_FILE));
    criticOptimizer.load(folder.resolve(CRITIC_OPTIMIZER_FILE));
    distillation.load(folder.resolve(POLICY_OPTIMIZER_FILE));
    buffer = loaded;
    random = ResumableRandom.fromState(randomState);
    completedSteps = steps;
  }

  private static long requireLong(Path file, JsonNode state, String key) throws IOException {
    JsonNode value = state.get(key);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IOException(file + ": key \"" + key + "\" is " + value + ", expected an integer");
    }
    return value.asLong();
  }

  /** Frees the critics and both optimizers (the models belong to the caller). */
  /**
   * The buffer offline RL trains from, loaded into memory (so its sampler state and priorities can
   * be checkpointed); the trainer never adds to it.
   */
  private static ReplayBuffer offlineBuffer(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException("soft_q.offline_buffer: " + file + " does not exist; expected a replay buffer"
          + " saved by a run (e.g. checkpoints/rl/soft_q/<kind>/step-N/trainer/" + REPLAY_FILE + ")");
    }
    try {
      ReplayBuffer loaded = ReplayBuffer.load(file);
      if (loaded.size() == 0) {
        throw new UserInputException("soft_q.offline_buffer: " + file + " holds no trajectory; expected at least one");
      }
      return loaded;
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserInputException user) {
        throw user;
      }
      throw new UserInputException("soft_q.offline_buffer: " + file + " is not a readable replay buffer: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    distillation.close();
    criticOptimizer.close();
    targetCritic.close();
    critic.close();
  }
}
