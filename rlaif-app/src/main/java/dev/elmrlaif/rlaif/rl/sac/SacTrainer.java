package dev.elmrlaif.rlaif.rl.sac;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.critics.Critic;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.critics.CriticValues;
import dev.elmrlaif.critics.QCritic;
import dev.elmrlaif.critics.TrunkStates;
import dev.elmrlaif.critics.VCritic;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.replay.ReplayBuffer;
import dev.elmrlaif.replay.ResumableRandom;
import dev.elmrlaif.replay.SampledTrajectory;
import dev.elmrlaif.replay.Trajectory;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.rl.RlAlgorithm;
import dev.elmrlaif.rlaif.rl.RlStep;
import dev.elmrlaif.rlaif.rl.RlTrainer;
import dev.elmrlaif.rlaif.rl.RolloutGeneration;
import dev.elmrlaif.rlaif.rl.math.KlController;
import dev.elmrlaif.rlaif.rl.math.KlControllerState;
import dev.elmrlaif.rlaif.rl.CompletionReward;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Soft actor-critic for token-level policies (DESIGN.md §4, H2–H4), off-policy from a replay buffer
 * of whole trajectories, with a Q critic over the vocabulary, a V critic and its Polyak target. One
 * step:
 *
 * <pre>
 * generate  y_i ~ π_θ(·|c), K per context (ancestral); r_i = r(y_i, c); the trajectory (context,
 *           tokens, log π_θ and log π_ref of each token, r_i, policy version) goes into the buffer
 * repeat updates_per_step times (the update-to-data ratio):
 *   draw    batch_trajectories trajectories from the buffer (uniform or by priority); every state
 *           s_t = c + y_&lt;t of each is used, weighted by its importance weight
 *   losses  L_V, L_Q and L_π of {@link SacLosses} (every expectation over the vocabulary exact):
 *             V̂(s) = Σ_a π(a|s)[Q(s,a) − α log(π(a|s)/π_ref(a|s))]        V loss (V − V̂)²
 *             Q̂(s_t,a_t) = r_t + γ V̄(s_{t+1}),  V̄ = 0 at terminal states  Q loss (Q − Q̂)²
 *             L_π = Σ_a π_θ(a|s)[α log(π_θ(a|s)/π_ref(a|s)) − Q(s,a)]     (Q constant)
 *   update  critics: global-norm clip, AdamW over Q and V together; policy (after warmup_steps
 *           steps of critic-only updates): clip, its own AdamW; then V̄ ← (1 − τ)V̄ + τV;
 *           prioritised buffers get priority mean_t |Q(s_t,a_t) − Q̂(s_t,a_t)| per trajectory
 * alpha     the controller (fixed, or steered toward a KL target like REINFORCE's β) sees the
 *           measured exact KL of the generated completions
 * </pre>
 *
 * At the soft-optimal point ({@code Q = Q*}, {@code V = V̄ = V*}, {@code π = π* ∝ π_ref·exp(Q* / α)})
 * every loss is at its minimum and the policy gradient vanishes, so SAC's fixed point is the
 * KL-regularised optimum of H1 with {@code β = α}.
 *
 * <p>Critics ({@link SacCriticConfig}): heads on the frozen reference's hidden states, or small
 * transformers of their own. Memory: each update's forwards, losses and backward pass run inside
 * one {@link NDScope} and child manager that close after the backward pass (docs/djl-pitfalls.md).
 */
public final class SacTrainer implements RlTrainer {
  private static final Logger LOG = LogManager.getLogger(SacTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATE_FORMAT = "elm-rlaif/sac-state-v1";
  private static final String STATE_FILE = "sac_state.json";
  private static final String Q_FILE = "q_critic.safetensors";
  private static final String V_FILE = "v_critic.safetensors";
  private static final String V_TARGET_FILE = "v_target.safetensors";
  private static final String POLICY_OPTIMIZER_FILE = "policy_optimizer.safetensors";
  private static final String CRITIC_OPTIMIZER_FILE = "critic_optimizer.safetensors";
  private static final String REPLAY_FILE = "replay.buffer";

  private final Elm policy;
  private final Elm reference;
  private final CompletionReward reward;
  private final SacConfig config;
  private final QCritic q;
  private final VCritic v;
  private final VCritic targetV;
  private final AdamW policyOptimizer;
  private final AdamW criticOptimizer;
  private final KlController alphaController;
  private ReplayBuffer buffer;
  private ResumableRandom random;
  private long completedSteps;

  /**
   * @param policy the ELM being trained (its trainable parameters are updated in place)
   * @param reference the frozen {@code π_ref} (and the shared critics' trunk); the caller closes
   *     both models, after this trainer
   */
  public SacTrainer(Elm policy, Elm reference, CompletionReward reward, SacConfig config) {
    RlTrainer.requireInputs("SacTrainer", policy, reference, reward, config);
    this.policy = policy;
    this.reference = reference;
    this.reward = reward;
    this.config = config;
    SplittableRandom seeds = new SplittableRandom(config.seed());
    this.random = ResumableRandom.seeded(seeds.nextLong());
    this.buffer = ReplayBuffer.create(config.replay().toReplayConfig(), ResumableRandom.seeded(seeds.nextLong()));
    Elm criticBase = config.critic().trunk() == CriticTrunk.SHARED_FROZEN ? reference : policy;
    this.q = QCritic.create(config.critic().toCriticConfig(seeds.nextLong()), criticBase);
    this.v = VCritic.create(config.critic().toCriticConfig(seeds.nextLong()), criticBase);
    this.targetV = v.copy();
    AdamWConfig adamW = AdamWConfig.builder().weightDecay(config.weightDecay()).build();
    this.policyOptimizer = new AdamW(adamW, LearningRateSchedule.constant(config.policyLearningRate()),
        policy.manager());
    this.criticOptimizer = new AdamW(adamW, LearningRateSchedule.constant(config.criticLearningRate()),
        policy.manager());
    this.alphaController = KlController.of(config.alpha().toController());
  }

  @Override
  public RlAlgorithm algorithm() {
    return RlAlgorithm.SAC;
  }

  public SacConfig config() {
    return config;
  }

  @Override
  public long completedSteps() {
    return completedSteps;
  }

  /** The controller that supplies {@code α}. */
  public KlController alphaController() {
    return alphaController;
  }

  /** The Q critic being trained. */
  public QCritic qCritic() {
    return q;
  }

  /** The V critic being trained. */
  public VCritic vCritic() {
    return v;
  }

  /** The Polyak-averaged target {@code V̄}. */
  public VCritic targetVCritic() {
    return targetV;
  }

  /** The replay buffer (replaced by {@link #loadState}). */
  public ReplayBuffer replayBuffer() {
    return buffer;
  }

  @Override
  public RlStep step(List<ElmPrompt> contexts) {
    if (contexts.isEmpty()) {
      throw new IllegalArgumentException("SacTrainer.step: no contexts, expected at least one");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    RolloutGeneration.Result generation = RolloutGeneration.generate("sac", completedSteps, policy, policy,
        reference, reward, contexts, config.samplesPerContext(), config.maxNewTokens(), random.nextLong(), metrics);
    generation.trajectories().forEach(buffer::add);
    double alpha = alphaController.beta();
    long start = System.nanoTime();
    boolean policyMoves = completedSteps >= config.warmupSteps();
    double[] sums = new double[5]; // q_loss, v_loss, policy_loss, critic_grad_norm, grad_norm
    for (int u = 0; u < config.updatesPerStep(); u++) {
      double[] update = update(alpha, policyMoves);
      for (int k = 0; k < sums.length; k++) {
        sums[k] += update[k] / config.updatesPerStep();
      }
    }
    alphaController.update(metrics.get("kl_exact"), generation.prompts().size());
    completedSteps++;
    metrics.put("time_update_s", (System.nanoTime() - start) / 1e9);
    metrics.put("q_loss", sums[0]);
    metrics.put("v_loss", sums[1]);
    metrics.put("policy_loss", sums[2]);
    metrics.put("critic_grad_norm", sums[3]);
    metrics.put("grad_norm", sums[4]);
    metrics.put("beta", alpha);
    metrics.put("buffer_size", (double) buffer.size());
    metrics.put("step", (double) completedSteps);
    LOG.debug("sac step {}: {}", completedSteps, metrics);
    return new RlStep(metrics, generation.prompts(), generation.completions(), generation.rewards());
  }

  /**
   * One update on a batch drawn from the buffer (see the class comment). Returns
   * {@code [q_loss, v_loss, policy_loss, critic_grad_norm, grad_norm]}.
   */
  private double[] update(double alpha, boolean policyMoves) {
    List<SampledTrajectory> drawn = buffer.sampleTrajectories(config.batchTrajectories());
    int rows = drawn.size();
    List<ElmPrompt> prompts = new ArrayList<>(rows);
    List<int[]> continuations = new ArrayList<>(rows);
    int width = 1;
    int states = 0;
    for (SampledTrajectory sampled : drawn) {
      Trajectory trajectory = sampled.trajectory();
      prompts.add(new ElmPrompt(trajectory.promptIds(), trajectory.contexts()));
      continuations.add(trajectory.actionIds());
      width = Math.max(width, trajectory.length());
      states += trajectory.length();
    }
    long[] actions = new long[rows * width];
    double[] stepRewards = new double[rows * width];
    double[] nextNonTerminal = new double[rows * width];
    double[] weights = new double[rows * width];
    for (int b = 0; b < rows; b++) {
      Trajectory trajectory = drawn.get(b).trajectory();
      int length = trajectory.length();
      double[] tokenRewards = trajectory.tokenRewards().orElse(new double[length]);
      for (int t = 0; t < length; t++) {
        int cell = b * width + t;
        actions[cell] = trajectory.action(t);
        stepRewards[cell] = tokenRewards[t] + (t == length - 1 ? trajectory.reward() : 0.0);
        nextNonTerminal[cell] = t + 1 < length ? 1 : 0;
        weights[cell] = drawn.get(b).importanceWeight() / states;
      }
    }
    q.zeroGradients();
    v.zeroGradients();
    zeroGradients(policy.trainableParameters());
    double[] losses;
    double[] tdErrors;
    try (NDScope arrays = new NDScope(); NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      DataType type = policy.dataType();
      Shape grid = new Shape(rows, width);
      // With the shared trunk, one reference forward gives π_ref and the hidden states of Q, V and V̄.
      TrunkStates referenceStates = Critic.trunkStates(scope, reference, prompts, continuations);
      NDArray logReference = reference.logits(referenceStates.hidden()).logSoftmax(-1);
      boolean shared = config.critic().trunk() == CriticTrunk.SHARED_FROZEN;
      CriticValues target = shared ? targetV.values(referenceStates) : targetV.values(scope, prompts, continuations);
      try (GradientCollector collector = policy.manager().getEngine().newGradientCollector()) {
        ContinuationLogProbs pol = policy.continuationLogProbs(scope, prompts, continuations, true);
        CriticValues qs = shared ? q.values(referenceStates) : q.values(scope, prompts, continuations);
        CriticValues vs = shared ? v.values(referenceStates) : v.values(scope, prompts, continuations);
        SacLosses.Result result = SacLosses.compute(new SacLosses.Inputs(
                pol.logSoftmax(),
                logReference.toType(type, false),
                qs.values().toType(type, false),
                vs.values().toType(type, false),
                target.values().toType(type, false),
                EngineOwned.create(scope, actions, new Shape(rows, width, 1)),
                EngineOwned.create(scope, stepRewards, grid, type),
                EngineOwned.create(scope, nextNonTerminal, grid, type),
                EngineOwned.create(scope, weights, grid, type)),
            alpha, config.gamma());
        NDArray total = result.qLoss().add(result.vLoss());
        if (policyMoves) {
          total = total.add(result.policyLoss());
        }
        collector.backward(total);
        losses = new double[] {
          scalar(result.qLoss()), scalar(result.vLoss()), scalar(result.policyLoss())};
        tdErrors = toDoubles(result.tdError());
      }
    }
    Map<String, NDArray> criticParameters = new LinkedHashMap<>();
    q.trainableParameters().forEach((name, p) -> criticParameters.put("q." + name, p));
    v.trainableParameters().forEach((name, p) -> criticParameters.put("v." + name, p));
    double criticNorm = clip(criticParameters);
    double policyNorm = 0;
    requireFinite(losses, criticNorm);
    criticOptimizer.step(criticParameters);
    if (policyMoves) {
      Map<String, NDArray> policyParameters = policy.trainableParameters();
      policyNorm = clip(policyParameters);
      requireFinite(losses, policyNorm);
      policyOptimizer.step(policyParameters);
    }
    targetV.polyakUpdate(v, config.tau());
    if (buffer.config().prioritised()) {
      for (int b = 0; b < rows; b++) {
        Trajectory trajectory = drawn.get(b).trajectory();
        double meanError = 0;
        for (int t = 0; t < trajectory.length(); t++) {
          meanError += Math.abs(tdErrors[b * width + t]) / trajectory.length();
        }
        buffer.updatePriority(trajectory.id(), meanError);
      }
    }
    return new double[] {losses[0], losses[1], losses[2], criticNorm, policyNorm};
  }

  @Override
  public void saveState(Path folder) throws IOException {
    q.save(folder.resolve(Q_FILE));
    v.save(folder.resolve(V_FILE));
    targetV.save(folder.resolve(V_TARGET_FILE));
    policyOptimizer.save(folder.resolve(POLICY_OPTIMIZER_FILE));
    criticOptimizer.save(folder.resolve(CRITIC_OPTIMIZER_FILE));
    buffer.save(folder.resolve(REPLAY_FILE));
    KlControllerState alpha = alphaController.state();
    ObjectNode state = JSON.createObjectNode();
    state.put("format", STATE_FORMAT);
    state.put("completed_steps", completedSteps);
    state.put("random_state", random.state());
    state.put("alpha", alpha.beta());
    state.put("alpha_updates", alpha.updates());
    state.put("alpha_samples", alpha.steps());
    AtomicFiles.writeString(folder.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
  }

  @Override
  public void loadState(Path folder) throws IOException {
    Path stateFile = folder.resolve(STATE_FILE);
    JsonNode state;
    try {
      state = JSON.readTree(Files.readString(stateFile));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserInputException(stateFile + ": not valid JSON"
          + dev.elmrlaif.rlaif.run.JsonProblems.describe(e) + "; expected the SAC state of a checkpoint", e);
    }
    if (!STATE_FORMAT.equals(state.path("format").asText())) {
      throw new UserInputException(stateFile + ": key \"format\" is " + state.path("format")
          + ", expected \"" + STATE_FORMAT + "\"");
    }
    long steps = requiredLong(stateFile, state, "completed_steps");
    long randomState = requiredLong(stateFile, state, "random_state");
    KlControllerState alpha = new KlControllerState(requiredDouble(stateFile, state, "alpha"),
        requiredLong(stateFile, state, "alpha_updates"), requiredLong(stateFile, state, "alpha_samples"));
    ReplayBuffer loaded = ReplayBuffer.load(folder.resolve(REPLAY_FILE));
    if (!loaded.config().equals(buffer.config())) {
      throw new UserInputException(folder.resolve(REPLAY_FILE) + ": the buffer was saved with "
          + loaded.config() + ", expected the configured " + buffer.config() + " (sac.replay)");
    }
    q.load(folder.resolve(Q_FILE));
    v.load(folder.resolve(V_FILE));
    targetV.load(folder.resolve(V_TARGET_FILE));
    policyOptimizer.load(folder.resolve(POLICY_OPTIMIZER_FILE));
    criticOptimizer.load(folder.resolve(CRITIC_OPTIMIZER_FILE));
    alphaController.restore(alpha);
    buffer = loaded;
    random = ResumableRandom.fromState(randomState);
    completedSteps = steps;
  }

  /** Closes the critics and both optimizers' state (not the policy or the reference). */
  @Override
  public void close() {
    policyOptimizer.close();
    criticOptimizer.close();
    targetV.close();
    v.close();
    q.close();
  }

  private double clip(Map<String, NDArray> parameters) {
    return config.gradClip() > 0
        ? GradientClipping.clipByGlobalNorm(parameters, config.gradClip())
        : GradientClipping.globalNorm(parameters);
  }

  private void requireFinite(double[] losses, double gradNorm) {
    if (!Arrays.stream(losses).allMatch(Double::isFinite) || !Double.isFinite(gradNorm)) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "sac step %d: losses q %s, v %s, policy %s, gradient norm %s; expected finite values"
              + " (lower sac.critic_learning_rate / sac.policy_learning_rate or set sac.grad_clip)",
          completedSteps + 1, losses[0], losses[1], losses[2], gradNorm));
    }
  }

  private static void zeroGradients(Map<String, NDArray> parameters) {
    for (NDArray parameter : parameters.values()) {
      try (NDArray gradient = parameter.getGradient()) {
        gradient.subi(gradient);
      }
    }
  }

  private static long requiredLong(Path file, JsonNode state, String key) {
    JsonNode node = state.get(key);
    if (node == null || !node.canConvertToLong()) {
      throw new UserInputException(file + ": key \"" + key + "\" is " + node + ", expected an integer");
    }
    return node.asLong();
  }

  private static double requiredDouble(Path file, JsonNode state, String key) {
    JsonNode node = state.get(key);
    if (node == null || !node.isNumber()) {
      throw new UserInputException(file + ": key \"" + key + "\" is " + node + ", expected a number");
    }
    return node.asDouble();
  }

  private static double scalar(NDArray value) {
    return value.stopGradient().toType(DataType.FLOAT64, false).getDouble();
  }

  private static double[] toDoubles(NDArray array) {
    return array.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
