package dev.elmrlaif.algorithms.rl.sac;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.algorithms.rl.Demonstrations;
import dev.elmrlaif.algorithms.rl.OffPolicyTrainer;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.StoredReward;
import dev.elmrlaif.algorithms.rl.TrainerState;
import dev.elmrlaif.algorithms.rl.TrainerStateFolder;
import dev.elmrlaif.algorithms.rl.math.KlController;
import dev.elmrlaif.algorithms.rl.math.KlControllerState;
import dev.elmrlaif.critics.Critic;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.critics.CriticValues;
import dev.elmrlaif.critics.QCritic;
import dev.elmrlaif.critics.TrunkStates;
import dev.elmrlaif.critics.VCritic;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Soft actor-critic for token-level policies (DESIGN.md §4, H2–H4), off-policy from a replay buffer
 * of whole trajectories, with a Q critic over the vocabulary, a V critic and its Polyak target. One
 * step:
 *
 * <pre>
 * generate  y_i ~ π_θ(·|c), K per context (ancestral); r_i = r(y_i, c); the trajectory (context,
 *           tokens, log π_θ and log π_ref of each token, r_i, policy version) goes into the buffer;
 *           with {@code sac.demonstrations}, so does each real context's training text (App. H's
 *           offline data, {@link Demonstrations})
 * repeat updates_per_step times (the update-to-data ratio):
 *   draw    batch_trajectories trajectories from the buffer (uniform or by priority); every state
 *           s_t = c + y_&lt;t of each is used, weighted by its importance weight
 *   losses  L_V, L_Q and L_π of {@link SacLosses} (every expectation over the vocabulary exact):
 *             V̂(s) = Σ_a π(a|s)[Q(s,a) − α log(π(a|s)/π_ref(a|s))]        V loss (V − V̂)²
 *             Q̂(s_t,a_t) = r_t + γ V̄(s_{t+1}),  V̄ = 0 at terminal states  Q loss (Q − Q̂)²
 *             (or Retrace(λ)'s multi-step target, {@code sac.retrace_lambda}; see SacLosses)
 *             L_π = Σ_a π_θ(a|s)[α log(π_θ(a|s)/π_ref(a|s)) − Q(s,a)]     (Q constant)
 *   update  critics: global-norm clip, AdamW over Q and V together; policy (after warmup_steps
 *           steps of critic-only updates): clip, its own AdamW; then V̄ ← (1 − τ)V̄ + τV;
 *           prioritised buffers get priority mean_t |Q(s_t,a_t) − Q̂(s_t,a_t)| per trajectory
 * alpha     the controller (fixed, or steered toward a KL target like REINFORCE's β) sees the
 *           measured exact KL of the generated completions
 * </pre>
 *
 * <p>Deviation, optional ({@code sac.center_rewards}): the buffer may store {@code r_i − mean_{j≠i}
 * r_j} over the K completions of a context instead of {@code r_i}. The shift is the same for every
 * completion of a context in expectation, so it moves {@code Q*} and {@code V*} of that context's
 * states by one constant and leaves {@code π* ∝ π_ref·exp(Q* / α)} unchanged. Why: the Q head
 * starts at 0 and learns only the actions taken, so with raw rewards (SC ≈ 0.4–0.9) every token not
 * yet tried looks worse than every token tried, and the policy loss concentrates π on the tokens
 * the buffer happens to hold (measured on MovieLens: entropy and distinct-2 fell, SC did not rise).
 * Centred, an untried token's Q starts at the context's mean. With {@code sac.scale_rewards} the
 * centred rewards are also divided by their context's standard deviation ({@link
 * StoredReward#GROUP_NORMALISED}, REINFORCE's {@code group_normalised}): a deviation that gives
 * each context a temperature of its own.
 *
 * <p>At the soft-optimal point ({@code Q = Q*}, {@code V = V̄ = V*}, {@code π = π* ∝ π_ref·exp(Q* /
 * α)}) every loss is at its minimum and the policy gradient vanishes, so SAC's fixed point is the
 * KL-regularised optimum of H1 with {@code β = α}.
 *
 * <p>The loop (generate, store, {@code updates_per_step} updates, metrics) is {@link
 * OffPolicyTrainer}'s; this class is the update ({@link #update}) and what it saves: the critics,
 * the target, both optimizers and {@link State} ({@link TrainerStateFolder}).
 *
 * <p>Critics ({@link CriticArchitectureConfig}): heads on the frozen reference's hidden states, or
 * small transformers of their own. With {@code sac.q_function: policy} there is no Q critic: {@code
 * Q(s,a) = V(s) + α·log(π_θ(a|s)/π_ref(a|s))} ({@link SacQFunction#POLICY}), the policy loss is
 * dropped (it has no gradient) and the Q loss moves the policy, with the policy's optimizer and
 * learning rate, after the same warm-up. Memory: each update's forwards, losses and backward pass
 * run inside one {@link NDScope} and child manager that close after the backward pass
 * (docs/djl-pitfalls.md).
 */
public final class SacTrainer extends OffPolicyTrainer<SacTrainer.State> {
  private final SacConfig config;
  private final QCritic q;
  private final VCritic v;
  private final VCritic targetV;
  private final AdamW policyOptimizer;
  private final AdamW criticOptimizer;
  private final KlController alphaController;

  /**
   * SAC's scalars in a checkpoint ({@code trainer_state.json}).
   *
   * @param alphaController the α controller's state
   */
  public record State(
      String format,
      String algorithm,
      long completedSteps,
      long randomState,
      KlControllerState alphaController)
      implements TrainerState {}

  /**
   * @param policy the ELM being trained (its trainable parameters are updated in place)
   * @param reference the frozen {@code π_ref} (and the shared critics' trunk); the caller closes
   *     both models, after this trainer
   */
  public SacTrainer(Elm policy, Elm reference, CompletionReward reward, SacConfig config) {
    this(policy, reference, reward, Demonstrations.NONE, config);
  }

  /**
   * @param demonstrations the contexts' ground-truth continuations, stored when {@code
   *     sac.demonstrations} is set
   * @see #SacTrainer(Elm, Elm, CompletionReward, SacConfig)
   */
  public SacTrainer(
      Elm policy,
      Elm reference,
      CompletionReward reward,
      Demonstrations demonstrations,
      SacConfig config) {
    super("SacTrainer", policy, reference, reward, demonstrations, config, State.class);
    this.config = config;
    SplittableRandom seeds = new SplittableRandom(config.seed());
    this.random = ResumableRandom.seeded(seeds.nextLong());
    this.buffer =
        ReplayBuffer.create(
            config.replay().toReplayConfig(), ResumableRandom.seeded(seeds.nextLong()));
    Elm criticBase = config.critic().trunk() == CriticTrunk.SHARED_FROZEN ? reference : policy;
    long qSeed = seeds.nextLong(); // drawn either way, so V's initialisation does not depend on it
    this.q =
        config.qFunction() == SacQFunction.HEAD
            ? QCritic.create(config.critic().toCriticConfig(qSeed), criticBase)
            : null;
    this.v = VCritic.create(config.critic().toCriticConfig(seeds.nextLong()), criticBase);
    this.targetV = v.copy();
    AdamWConfig adamW = AdamWConfig.builder().weightDecay(config.weightDecay()).build();
    this.policyOptimizer =
        new AdamW(
            adamW, LearningRateSchedule.constant(config.policyLearningRate()), policy.manager());
    this.criticOptimizer =
        new AdamW(
            adamW, LearningRateSchedule.constant(config.criticLearningRate()), policy.manager());
    this.alphaController = KlController.of(config.alpha().toController());
  }

  @Override
  public RlAlgorithm algorithm() {
    return RlAlgorithm.SAC;
  }

  public SacConfig config() {
    return config;
  }

  /** The controller that supplies {@code α}. */
  public KlController alphaController() {
    return alphaController;
  }

  /**
   * The Q critic being trained; {@code null} when Q is read from the policy ({@code q_function}).
   */
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
  protected Elm behaviour() {
    return policy;
  }

  @Override
  protected int samplesPerContext() {
    return config.samplesPerContext();
  }

  @Override
  protected int maxNewTokens() {
    return config.maxNewTokens();
  }

  @Override
  protected double alpha() {
    return alphaController.beta();
  }

  @Override
  protected int updatesPerStep() {
    return config.updatesPerStep();
  }

  @Override
  protected StoredReward storedReward() {
    if (!config.centerRewards()) {
      return StoredReward.RAW;
    }
    return config.scaleRewards() ? StoredReward.GROUP_NORMALISED : StoredReward.LEAVE_ONE_OUT;
  }

  @Override
  protected boolean storeDemonstrations() {
    return config.demonstrations();
  }

  @Override
  protected List<String> updateMetrics() {
    return List.of("q_loss", "v_loss", "policy_loss", "critic_grad_norm", "grad_norm");
  }

  /** The α controller sees the measured exact KL of the generated completions. */
  @Override
  protected void afterUpdates(Map<String, Double> generation, int completions) {
    alphaController.update(generation.get("kl_exact"), completions);
  }

  /**
   * One update on a batch drawn from the buffer (see the class comment): {@code q_loss}, {@code
   * v_loss}, {@code policy_loss}, {@code critic_grad_norm} and {@code grad_norm} (0 while only the
   * critics move, the first {@code warmup_steps} steps).
   */
  @Override
  protected Map<String, Double> update(int u) {
    double alpha = alphaController.beta();
    boolean policyMoves = completedSteps >= config.warmupSteps();
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
    double[] logBehaviour = new double[rows * width];
    for (int b = 0; b < rows; b++) {
      Trajectory trajectory = drawn.get(b).trajectory();
      int length = trajectory.length();
      double[] tokenRewards = trajectory.tokenRewards().orElse(new double[length]);
      System.arraycopy(trajectory.behaviourLogProbs(), 0, logBehaviour, b * width, length);
      for (int t = 0; t < length; t++) {
        int cell = b * width + t;
        actions[cell] = trajectory.action(t);
        stepRewards[cell] = tokenRewards[t] + (t == length - 1 ? trajectory.reward() : 0.0);
        nextNonTerminal[cell] = t + 1 < length ? 1 : 0;
        weights[cell] = drawn.get(b).importanceWeight() / states;
      }
    }
    boolean qFromPolicy = q == null;
    if (!qFromPolicy) {
      q.zeroGradients();
    }
    v.zeroGradients();
    GradientClipping.zeroGradients(policy.trainableParameters());
    double[] losses;
    double[] tdErrors;
    try (NDScope arrays = new NDScope();
        NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      DataType type = policy.dataType();
      Shape grid = new Shape(rows, width);
      // With the shared trunk, one reference forward gives π_ref and the hidden states of Q, V and
      // V̄.
      TrunkStates referenceStates = Critic.trunkStates(scope, reference, prompts, continuations);
      NDArray logReference = reference.logits(referenceStates.hidden()).logSoftmax(-1);
      boolean shared = config.critic().trunk() == CriticTrunk.SHARED_FROZEN;
      CriticValues target =
          shared ? targetV.values(referenceStates) : targetV.values(scope, prompts, continuations);
      try (GradientCollector collector = policy.manager().getEngine().newGradientCollector()) {
        ContinuationLogProbs pol = policy.continuationLogProbs(scope, prompts, continuations, true);
        CriticValues vs =
            shared ? v.values(referenceStates) : v.values(scope, prompts, continuations);
        NDArray vValues = vs.values().toType(type, false);
        NDArray logRef = logReference.toType(type, false);
        NDArray qValues;
        if (qFromPolicy) {
          qValues = SacLosses.policyQ(vValues, pol.logSoftmax(), logRef, alpha);
        } else {
          CriticValues qs =
              shared ? q.values(referenceStates) : q.values(scope, prompts, continuations);
          qValues = qs.values().toType(type, false);
        }
        SacLosses.Result result =
            SacLosses.compute(
                new SacLosses.Inputs(
                    pol.logSoftmax(),
                    logRef,
                    qValues,
                    vValues,
                    target.values().toType(type, false),
                    EngineOwned.create(scope, actions, new Shape(rows, width, 1)),
                    EngineOwned.create(scope, stepRewards, grid, type),
                    EngineOwned.create(scope, nextNonTerminal, grid, type),
                    EngineOwned.create(scope, weights, grid, type),
                    EngineOwned.create(scope, logBehaviour, grid, type)),
                alpha,
                config.gamma(),
                config.retraceLambda());
        NDArray total = result.qLoss().add(result.vLoss());
        if (policyMoves && !qFromPolicy) { // with Q from the policy L_π has no gradient
          total = total.add(result.policyLoss());
        }
        collector.backward(total);
        losses =
            new double[] {
              scalar(result.qLoss()), scalar(result.vLoss()), scalar(result.policyLoss())
            };
        tdErrors = SacLosses.toDoubles(result.tdError());
      }
    }
    Map<String, NDArray> criticParameters = new LinkedHashMap<>();
    if (!qFromPolicy) {
      q.trainableParameters().forEach((name, p) -> criticParameters.put("q." + name, p));
    }
    v.trainableParameters().forEach((name, p) -> criticParameters.put("v." + name, p));
    Map<String, Double> lossValues = new LinkedHashMap<>();
    lossValues.put("q", losses[0]);
    lossValues.put("v", losses[1]);
    lossValues.put("policy", losses[2]);
    String where = "sac step " + (completedSteps + 1);
    String advice =
        "lower sac.critic_learning_rate / sac.policy_learning_rate or set sac.grad_clip";
    double criticNorm = GradientClipping.clipOrMeasure(criticParameters, config.gradClip());
    double policyNorm = 0;
    GradientClipping.requireFinite(where, lossValues, criticNorm, advice);
    criticOptimizer.step(criticParameters);
    if (policyMoves) {
      Map<String, NDArray> policyParameters = policy.trainableParameters();
      policyNorm = GradientClipping.clipOrMeasure(policyParameters, config.gradClip());
      GradientClipping.requireFinite(where, lossValues, policyNorm, advice);
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
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("q_loss", losses[0]);
    figures.put("v_loss", losses[1]);
    figures.put("policy_loss", losses[2]);
    figures.put("critic_grad_norm", criticNorm);
    figures.put("grad_norm", policyNorm);
    return figures;
  }

  @Override
  protected String replayKey() {
    return "sac.replay";
  }

  @Override
  protected Map<String, StateFile> stateFiles() {
    Map<String, StateFile> files = new LinkedHashMap<>();
    if (q != null) {
      files.put(TrainerStateFolder.Q_CRITIC, new StateFile(q::save, q::load));
    }
    files.put(TrainerStateFolder.V_CRITIC, new StateFile(v::save, v::load));
    files.put(TrainerStateFolder.V_TARGET, new StateFile(targetV::save, targetV::load));
    files.put(
        TrainerStateFolder.POLICY_OPTIMIZER,
        new StateFile(policyOptimizer::save, policyOptimizer::load));
    files.put(
        TrainerStateFolder.CRITIC_OPTIMIZER,
        new StateFile(criticOptimizer::save, criticOptimizer::load));
    return files;
  }

  @Override
  protected State state() {
    return new State(
        TrainerState.FORMAT,
        TrainerStateFolder.key(algorithm()),
        completedSteps,
        random.state(),
        alphaController.state());
  }

  @Override
  protected void restore(State state) {
    alphaController.restore(state.alphaController());
  }

  /** Closes the critics and both optimizers' state (not the policy or the reference). */
  @Override
  public void close() {
    policyOptimizer.close();
    criticOptimizer.close();
    targetV.close();
    v.close();
    if (q != null) {
      q.close();
    }
  }

  private static double scalar(NDArray value) {
    return value.stopGradient().toType(DataType.FLOAT64, false).getDouble();
  }
}
