package dev.elmrlaif.algorithms.rl.reinforce;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.algorithms.rl.RlTrainer;
import dev.elmrlaif.algorithms.rl.TrainerState;
import dev.elmrlaif.algorithms.rl.TrainerStateFolder;
import dev.elmrlaif.algorithms.rl.math.AdvantageEstimator;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.BaselineConfig;
import dev.elmrlaif.algorithms.rl.math.KlConfig;
import dev.elmrlaif.algorithms.rl.math.KlController;
import dev.elmrlaif.algorithms.rl.math.KlControllerState;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlPlacement;
import dev.elmrlaif.algorithms.rl.math.MovingAverageBaseline;
import dev.elmrlaif.algorithms.rl.math.Returns;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.replay.ResumableRandom;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * REINFORCE with KL control (DESIGN.md §4) on the KL-regularised objective H1, {@code J(θ) =
 * E[r(y,c) − β·Σ_t log π_θ(a_t|s_t)/π_ref(a_t|s_t)]}. One step, all the math here:
 *
 * <pre>
 * sample     y_i ~ π_θ(·|c), K per context                                     ({@link #sample})
 * KL         kl_{i,t} = estimator(log π_θ(a_t|s_t), log π_ref(a_t|s_t))          (k1 | k2 | k3, clipped)
 * returns    G_{i,t} = Σ_{k≥t} r_{i,k},  r_{i,k} = [k = T−1]·r(y_i) − β·kl (token or sequence level,
 *            or no KL in the reward when it is placed in the loss)                (Returns)
 * advantage  A_i = baseline(G_{·,0}) over the K samples of the context;
 *            A_{i,t} = A_i + s·(G_{i,t} − G_{i,0})  (s = 1, or 1/(std+ε) when group-normalised)
 * loss       L = −Σ_i w_i Σ_t log π_θ(a_{i,t}|s_{i,t})·A_{i,t}
 *                − η·Σ_i w_i Σ_t H(π_θ(·|s_{i,t}))                                (entropy bonus η)
 *                + [placement = loss]·β·Σ_i w_i Σ_t KL(π_θ(·|s_{i,t}) ‖ π_ref(·|s_{i,t}))
 * update     global-norm clip, AdamW step, then the KL controller sees the measured KL
 * </pre>
 *
 * with row weights {@code w_i = 1/rows} for sampled batches (or {@code π(y)} for exact batches, see
 * {@link Rollouts}). Returns, KL estimates and advantages are constants (no gradient through them).
 *
 * <p>With {@code epochs = E > 1} (PPO/GRPO-style reuse of a batch) the first pass is the update
 * above, unchanged, and passes 2..E take one more optimizer step each on the same samples with the
 * clipped surrogate of PPO (Schulman et al. 2017, Eq. 7), keeping the first pass's advantages
 * {@code A} and π_old = the policy that sampled the batch (its log-probs from the first pass):
 *
 * <pre>
 * ratio      ρ_{i,t} = π_θ(a_t|s_t)/π_old(a_t|s_t)    (kl.level = token), or
 *            ρ_i = Π_t π_θ(a_t|s_t)/π_old(a_t|s_t)       (kl.level = sequence, one ratio per sample)
 * surrogate  L = −Σ_i w_i Σ_t min(ρ·A_{i,t}, clip(ρ, 1−ε, 1+ε)·A_{i,t}) − η·entropy + [loss]·β·KL
 * </pre>
 *
 * whose gradient is {@code −Σ w·A·ρ·∇log π_θ} on the tokens where the min takes the unclipped term
 * and 0 where the clip binds ({@code A > 0, ρ > 1+ε} or {@code A < 0, ρ < 1−ε}). At {@code ρ = 1}
 * this is exactly the REINFORCE gradient, so the first pass needs no ratio. The KL controller and
 * the moving-average baseline see each batch once; a step still counts one batch.
 *
 * <p>Per token is PPO's and GRPO's choice (Shao et al. 2024, "DeepSeekMath", Eq. 3; TRL's default):
 * each ratio stays near 1 and the clip acts token by token, whereas the product over a sequence of
 * ~100 tokens leaves the band after small per-token moves; the sequence ratio matches a
 * sequence-level KL and reward, one decision per sample.
 *
 * <p>As an {@link RlTrainer} (driven by the {@code rl} stage), a step also reports the time split
 * and returns its completions; {@link #saveState} keeps what a resumed run needs beside the
 * policy's weights: AdamW's moments, the KL controller, the moving-average baseline, the sampler's
 * {@link ResumableRandom} and the step count.
 *
 * <p>Memory: each update runs the reference and policy forwards, the loss and the backward pass
 * inside one {@link NDScope} and child manager that close after the backward pass
 * (docs/djl-pitfalls.md), so nothing of a step outlives it.
 */
public final class ReinforceTrainer implements RlTrainer {
  private final Elm policy;
  private final Elm reference;
  private final CompletionReward reward;
  private final ReinforceConfig config;
  private final AdamW optimizer;
  private final KlController klController;
  private final AdvantageEstimator advantageEstimator;
  private ResumableRandom random;
  private long completedSteps;

  /**
   * REINFORCE's scalars in a checkpoint ({@code trainer_state.json}, {@link TrainerStateFolder}).
   *
   * @param klController the β controller's state
   * @param baseline the moving-average baseline's state
   */
  public record State(
      String format,
      String algorithm,
      long completedSteps,
      long randomState,
      KlControllerState klController,
      MovingAverageBaseline.State baseline)
      implements TrainerState {}

  /**
   * @param policy the ELM being trained (its trainable parameters are updated in place)
   * @param reference the frozen {@code π_ref}, e.g. {@code policy.referencePolicy()} taken before
   *     training; the caller closes both models, the reference first
   */
  public ReinforceTrainer(
      Elm policy, Elm reference, CompletionReward reward, ReinforceConfig config) {
    RlTrainer.requireInputs("ReinforceTrainer", policy, reference, reward, config);
    this.policy = policy;
    this.reference = reference;
    this.reward = reward;
    this.config = config;
    this.optimizer =
        new AdamW(
            AdamWConfig.builder().weightDecay(config.weightDecay()).build(),
            LearningRateSchedule.constant(config.learningRate()),
            policy.manager());
    this.klController = KlController.of(config.kl().controller());
    this.advantageEstimator = new AdvantageEstimator(config.baseline());
    this.random = ResumableRandom.seeded(config.seed());
  }

  public ReinforceConfig config() {
    return config;
  }

  @Override
  public RlAlgorithm algorithm() {
    return RlAlgorithm.REINFORCE;
  }

  /** The controller that supplies {@code β}; its state goes into checkpoints. */
  public KlController klController() {
    return klController;
  }

  /** Optimizer steps taken so far. */
  @Override
  public long completedSteps() {
    return completedSteps;
  }

  /**
   * One step: {@link #sample} K completions of each context, then {@link #update}. The metrics add
   * the time split: {@code time_generate_s} (sampling), {@code time_reward_s} (scoring) and {@code
   * time_update_s} (forwards, backward, optimizer).
   */
  @Override
  public RlStep step(List<ElmPrompt> contexts) {
    TimedRollouts sampled = sampleTimed(contexts);
    Rollouts rollouts = sampled.rollouts();
    long start = System.nanoTime();
    Map<String, Double> metrics = update(rollouts);
    metrics.put("time_update_s", (System.nanoTime() - start) / 1e9);
    metrics.put("time_generate_s", sampled.generateSeconds());
    metrics.put("time_reward_s", sampled.rewardSeconds());
    return new RlStep(metrics, rollouts.prompts(), rollouts.continuations(), rollouts.rewards());
  }

  /** K completions of each context from the current policy (ancestral sampling), with rewards. */
  public Rollouts sample(List<ElmPrompt> contexts) {
    return sampleTimed(contexts).rollouts();
  }

  /** Rollouts and the seconds spent generating and scoring them. */
  private record TimedRollouts(Rollouts rollouts, double generateSeconds, double rewardSeconds) {}

  private TimedRollouts sampleTimed(List<ElmPrompt> contexts) {
    int k = config.samplesPerContext();
    List<ElmPrompt> prompts = new ArrayList<>(contexts.size() * k);
    for (ElmPrompt context : contexts) {
      for (int i = 0; i < k; i++) {
        prompts.add(context);
      }
    }
    long start = System.nanoTime();
    SampleResult samples =
        Sampler.sample(
            policy,
            prompts,
            SamplingConfig.ancestral(
                Sampler.newTokensThatFit(policy, prompts, config.maxNewTokens(), true)),
            random.nextLong());
    long sampled = System.nanoTime();
    List<int[]> continuations = new ArrayList<>(prompts.size());
    for (int row = 0; row < prompts.size(); row++) {
      continuations.add(samples.continuation(row));
    }
    double[] rewards = reward.rewards(prompts, continuations);
    return new TimedRollouts(
        Rollouts.sampled(prompts, continuations, rewards, k),
        (sampled - start) / 1e9,
        (System.nanoTime() - sampled) / 1e9);
  }

  /**
   * Writes the policy's optimizer moments ({@code policy_optimizer.safetensors}) and {@link State}
   * ({@code trainer_state.json}): the step count, the generator, the KL controller and the
   * moving-average baseline.
   */
  @Override
  public void saveState(Path folder) throws IOException {
    optimizer.save(folder.resolve(TrainerStateFolder.POLICY_OPTIMIZER));
    TrainerStateFolder.write(
        folder,
        new State(
            TrainerState.FORMAT,
            TrainerStateFolder.key(algorithm()),
            completedSteps,
            random.state(),
            klController.state(),
            advantageEstimator.state()));
  }

  /** Restores what {@link #saveState} wrote into {@code folder} (or an older version's layout). */
  @Override
  public void loadState(Path folder) throws IOException {
    State state = TrainerStateFolder.read(folder, algorithm(), State.class);
    optimizer.load(
        TrainerStateFolder.file(folder, algorithm(), TrainerStateFolder.POLICY_OPTIMIZER));
    completedSteps = state.completedSteps();
    random = ResumableRandom.fromState(state.randomState());
    klController.restore(state.klController());
    advantageEstimator.restore(state.baseline());
  }

  /**
   * Gradient of the loss on {@code rollouts} ({@link #computeGradients}), global-norm clipping, one
   * AdamW step and the KL controller's update with the measured exact KL. Returns the step's
   * metrics, {@code grad_norm} included.
   */
  public Map<String, Double> update(Rollouts rollouts) {
    Pass first = gradients(rollouts, null);
    Map<String, Double> metrics = first.metrics();
    double gradNorm = clipAndStep(metrics.get("loss"));
    double clipFraction = 0;
    for (int epoch = 1; epoch < config.epochs(); epoch++) {
      Pass later = gradients(rollouts, first.batch());
      clipAndStep(later.metrics().get("loss"));
      clipFraction += later.metrics().get("clip_fraction") / (config.epochs() - 1);
    }
    klController.update(metrics.get("kl_exact"), rollouts.rows());
    completedSteps++;
    metrics.put("grad_norm", gradNorm);
    if (config.epochs() > 1) {
      metrics.put("clip_fraction", clipFraction);
    }
    return metrics;
  }

  /** Global-norm clipping and one AdamW step; returns the gradient norm before clipping. */
  double clipAndStep(double loss) {
    Map<String, NDArray> trainable = policy.trainableParameters();
    double gradNorm = GradientClipping.clipOrMeasure(trainable, config.gradClip());
    GradientClipping.requireFinite(
        "reinforce step " + (completedSteps + 1),
        Map.of("loss", loss),
        gradNorm,
        "lower reinforce.learning_rate or set reinforce.grad_clip");
    optimizer.step(trainable);
    return gradNorm;
  }

  /**
   * What the first pass over a batch fixes for the later PPO passes: π_old's log-probs of the
   * sampled tokens and the advantages {@code A_{i,t}}, one array per row.
   */
  record Batch(double[][] oldLogProbs, double[][] advantages) {}

  /** The metrics of one pass and the batch it used (or fixed, on the first pass). */
  record Pass(Map<String, Double> metrics, Batch batch) {}

  /**
   * Computes the loss of the class comment on {@code rollouts} and leaves its gradient on the
   * policy's trainable parameters (previous gradients are zeroed first); the parameters do not
   * change. Returns the metrics, each an expectation under the row weights: {@code loss}, {@code
   * reward_mean}, {@code return_mean} ({@code G_0}), {@code kl_k1}, {@code kl_k2}, {@code kl_k3}
   * (per-sequence sums of the unclipped estimators), {@code kl_exact} ({@code Σ_t KL(π_θ(·|s_t) ‖
   * π_ref(·|s_t))}), {@code entropy} ({@code Σ_t H(π_θ(·|s_t))}), {@code length_mean} and {@code
   * beta}.
   */
  public Map<String, Double> computeGradients(Rollouts rollouts) {
    return gradients(rollouts, null).metrics();
  }

  /**
   * One pass: with {@code old == null} the REINFORCE loss of the class comment (and the batch it
   * fixes); otherwise the clipped PPO surrogate against {@code old}'s π_old log-probs and
   * advantages, whose metrics are {@code loss} (the surrogate's value) and {@code clip_fraction}
   * (share of the sampled tokens whose ratio the clip cut off).
   */
  Pass gradients(Rollouts rollouts, Batch old) {
    KlConfig kl = config.kl();
    double beta = klController.beta();
    int rows = rollouts.rows();
    double[] w = rollouts.weights();
    GradientClipping.zeroGradients(policy.trainableParameters());
    Map<String, Double> metrics = new LinkedHashMap<>();
    try (NDScope arrays = new NDScope();
        NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      ContinuationLogProbs ref =
          reference.continuationLogProbs(scope, rollouts.prompts(), rollouts.continuations(), true);
      double[][] logq = perRow(ref.tokenLogProbs(), ref.lengths());
      try (GradientCollector collector = policy.manager().getEngine().newGradientCollector()) {
        ContinuationLogProbs pol =
            policy.continuationLogProbs(scope, rollouts.prompts(), rollouts.continuations(), true);
        double[][] logp = perRow(pol.tokenLogProbs(), pol.lengths());
        int width = (int) pol.tokenLogProbs().getShape().get(1);
        if (old != null) {
          return laterPass(scope, collector, pol, ref, logp, old, w, width, beta);
        }

        // Returns with the KL placed as configured, then the baseline over each context's K
        // samples.
        // H1 (DESIGN.md §3, paper App. H eq. (1)): J(θ) = E[r(y,c) − β·Σ_t log
        // π_θ(a_t|s_t)/π_ref(a_t|s_t)].
        int k = rollouts.samplesPerContext();
        double[][] tokenReturns = new double[rows][];
        double[][] sequenceReturns = new double[rollouts.contexts()][k];
        double[] estimates = new double[KlEstimator.values().length];
        double rewardMean = 0;
        double returnMean = 0;
        double lengthMean = 0;
        for (int i = 0; i < rows; i++) {
          // kl_{i,t} = k1: log(π_θ/π_ref) | k2: ½(log π_θ/π_ref)² | k3: ρ − 1 − log ρ, ρ =
          // π_ref/π_θ; clipped
          double[] klPerToken =
              KlDivergence.perToken(kl.estimator(), logp[i], logq[i], kl.clipBound());
          // e_{i,t} = [t = T−1]·r(y_i, c)
          double[] environment = Returns.terminalRewards(rollouts.rewards()[i], logp[i].length);
          // r_{i,t} = e_{i,t} − β·kl_{i,t} (token) | e_{i,t} − [t = T−1]·β·Σ_k kl_{i,k} (sequence)
          // | e_{i,t} (loss);
          // G_{i,t} = Σ_{k≥t} r_{i,k}  (reward-to-go, γ = 1)
          tokenReturns[i] =
              Returns.returns(environment, klPerToken, beta, kl.level(), kl.placement(), 1.0);
          sequenceReturns[i / k][i % k] = tokenReturns[i][0]; // G_{i,0}
          for (KlEstimator estimator : KlEstimator.values()) {
            estimates[estimator.ordinal()] +=
                w[i]
                    * KlDivergence.sum(
                        KlDivergence.perToken(
                            estimator, logp[i], logq[i], Double.POSITIVE_INFINITY));
          }
          rewardMean += w[i] * rollouts.rewards()[i];
          returnMean += w[i] * tokenReturns[i][0];
          lengthMean += w[i] * logp[i].length;
        }
        // A_i = G_{i,0} (none) | G_{i,0} − b, b the bias-corrected moving average of past batches |
        // G_{i,0} − the
        // mean of the other K − 1 samples (leave-one-out) | (G_{i,0} − mean_c)/(std_c + ε)
        // (group-normalised);
        // A_{i,t} = A_i + s·(G_{i,t} − G_{i,0}), s = 1/(std_c + ε) when group-normalised, else 1
        double[][] advantages =
            tokenAdvantages(
                tokenReturns, advantageEstimator.advantages(sequenceReturns), k, config.baseline());
        double[] scaledAdvantages = new double[rows * width]; // w_i · A_{i,t}, 0 on padding
        for (int i = 0; i < rows; i++) {
          for (int t = 0; t < advantages[i].length; t++) {
            scaledAdvantages[i * width + t] = w[i] * advantages[i][t];
          }
        }

        // The loss: policy gradient surrogate, entropy bonus, exact KL term when placed in the
        // loss.
        NDArray logSoftmax = pol.logSoftmax();
        NDArray probabilities = logSoftmax.exp();
        NDArray mask = pol.mask();
        NDArray rowWeight =
            EngineOwned.create(scope, w, new Shape(rows, 1), logSoftmax.getDataType());
        // H(π_θ(·|s_t)) = −Σ_a π_θ(a|s_t)·log π_θ(a|s_t)
        NDArray tokenEntropy = probabilities.mul(logSoftmax).sum(new int[] {2}).neg().mul(mask);
        // KL(π_θ(·|s_t) ‖ π_ref(·|s_t)) = Σ_a π_θ(a|s_t)·(log π_θ(a|s_t) − log π_ref(a|s_t)), exact
        // over the vocabulary
        NDArray tokenKl =
            probabilities.mul(logSoftmax.sub(ref.logSoftmax())).sum(new int[] {2}).mul(mask);
        NDArray entropy = tokenEntropy.mul(rowWeight).sum(); // Σ_i w_i Σ_t H
        NDArray exactKl = tokenKl.mul(rowWeight).sum(); // Σ_i w_i Σ_t KL
        // L = −Σ_i w_i Σ_t log π_θ(a_{i,t}|s_{i,t})·A_{i,t}  (∇L = −E[Σ_t ∇log π_θ·A], the
        // REINFORCE gradient)
        NDArray loss =
            pol.tokenLogProbs()
                .mul(
                    EngineOwned.create(
                        scope, scaledAdvantages, new Shape(rows, width), logSoftmax.getDataType()))
                .sum()
                .neg();
        if (config.entropyBonus() > 0) { // L −= η·Σ_i w_i Σ_t H
          loss = loss.sub(entropy.mul(EngineOwned.scalar(entropy, config.entropyBonus())));
        }
        if (kl.placement() == KlPlacement.LOSS) { // L += β·Σ_i w_i Σ_t KL
          loss = loss.add(exactKl.mul(EngineOwned.scalar(exactKl, beta)));
        }
        collector.backward(loss);

        metrics.put("loss", scalarValue(loss));
        metrics.put("reward_mean", rewardMean);
        metrics.put("return_mean", returnMean);
        for (KlEstimator estimator : KlEstimator.values()) {
          metrics.put(
              "kl_" + estimator.name().toLowerCase(java.util.Locale.ROOT),
              estimates[estimator.ordinal()]);
        }
        metrics.put("kl_exact", scalarValue(exactKl));
        metrics.put("entropy", scalarValue(entropy));
        metrics.put("length_mean", lengthMean);
        metrics.put("beta", beta);
        return new Pass(metrics, new Batch(logp, advantages));
      }
    }
  }

  /**
   * Passes 2..E of a batch: the gradient of the clipped surrogate (class comment) as the loss
   * {@code −Σ c_{i,t}·log π_θ(a_t|s_t)} with constant coefficients {@code c = w·A·ρ} where the min
   * takes the unclipped term and 0 where the clip binds, i.e. {@code ∇(ρ·A) = A·ρ·∇log π_θ}; plus
   * the entropy bonus and the exact KL term as in the first pass.
   */
  private Pass laterPass(
      NDManager scope,
      GradientCollector collector,
      ContinuationLogProbs pol,
      ContinuationLogProbs ref,
      double[][] logp,
      Batch old,
      double[] w,
      int width,
      double beta) {
    int rows = logp.length;
    double epsilon = config.clipRatio();
    boolean perToken = config.kl().level() == dev.elmrlaif.algorithms.rl.math.KlLevel.TOKEN;
    double[] coefficients = new double[rows * width];
    double surrogate = 0;
    long tokens = 0;
    long clipped = 0;
    for (int i = 0; i < rows; i++) {
      double[] a = old.advantages()[i];
      double sequenceLogRatio = 0;
      for (int t = 0; t < logp[i].length; t++) {
        sequenceLogRatio += logp[i][t] - old.oldLogProbs()[i][t];
      }
      for (int t = 0; t < logp[i].length; t++) {
        double ratio = Math.exp(perToken ? logp[i][t] - old.oldLogProbs()[i][t] : sequenceLogRatio);
        // The sequence ratio's advantage is A_{i,0} (constant over t at sequence level).
        double sign = perToken ? a[t] : a[0];
        boolean clips = (sign > 0 && ratio > 1 + epsilon) || (sign < 0 && ratio < 1 - epsilon);
        double bounded = Math.min(Math.max(ratio, 1 - epsilon), 1 + epsilon);
        surrogate += w[i] * Math.min(ratio * a[t], bounded * a[t]);
        coefficients[i * width + t] = clips ? 0 : w[i] * a[t] * ratio;
        tokens++;
        clipped += clips ? 1 : 0;
      }
    }
    NDArray logSoftmax = pol.logSoftmax();
    NDArray probabilities = logSoftmax.exp();
    NDArray mask = pol.mask();
    NDArray rowWeight = EngineOwned.create(scope, w, new Shape(rows, 1), logSoftmax.getDataType());
    NDArray entropy =
        probabilities.mul(logSoftmax).sum(new int[] {2}).neg().mul(mask).mul(rowWeight).sum();
    NDArray exactKl =
        probabilities
            .mul(logSoftmax.sub(ref.logSoftmax()))
            .sum(new int[] {2})
            .mul(mask)
            .mul(rowWeight)
            .sum();
    NDArray loss =
        pol.tokenLogProbs()
            .mul(
                EngineOwned.create(
                    scope, coefficients, new Shape(rows, width), logSoftmax.getDataType()))
            .sum()
            .neg();
    double lossValue = -surrogate;
    if (config.entropyBonus() > 0) {
      loss = loss.sub(entropy.mul(EngineOwned.scalar(entropy, config.entropyBonus())));
      lossValue -= config.entropyBonus() * scalarValue(entropy);
    }
    if (config.kl().placement() == KlPlacement.LOSS) {
      loss = loss.add(exactKl.mul(EngineOwned.scalar(exactKl, beta)));
      lossValue += beta * scalarValue(exactKl);
    }
    collector.backward(loss);
    if (!Double.isFinite(scalarValue(loss))) {
      lossValue = Double.NaN;
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", lossValue);
    metrics.put("clip_fraction", tokens == 0 ? 0 : (double) clipped / tokens);
    return new Pass(metrics, old);
  }

  /** Frees the optimizer's moments (the models belong to the caller). */
  @Override
  public void close() {
    optimizer.close();
  }

  /**
   * Per-token advantages from per-token returns {@code G_{i,t}} and the baseline's sequence
   * advantages {@code A_i} (computed on {@code G_{i,0}}, rows grouped {@code samplesPerContext} per
   * context): {@code A_{i,t} = A_i + s·(G_{i,t} − G_{i,0})}, with {@code s = 1/(std_c + ε)} for the
   * group-normalised baseline (so {@code A_{i,t} = (G_{i,t} − mean_c G_0)/(std_c + ε)}) and 1
   * otherwise (so {@code A_{i,t} = G_{i,t} − b_i}). The baseline depends only on the other samples
   * (or past batches), so the gradient stays unbiased at every token.
   */
  static double[][] tokenAdvantages(
      double[][] tokenReturns,
      double[][] sequenceAdvantages,
      int samplesPerContext,
      BaselineConfig baseline) {
    int k = samplesPerContext;
    double[][] advantages = new double[tokenReturns.length][];
    for (int i = 0; i < tokenReturns.length; i++) {
      double scale = 1;
      if (baseline.kind() == Baseline.GROUP_NORMALISED) {
        double[] group = new double[k];
        for (int j = 0; j < k; j++) {
          group[j] = tokenReturns[(i / k) * k + j][0];
        }
        scale = 1 / (populationStd(group) + baseline.epsilon());
      }
      advantages[i] = new double[tokenReturns[i].length];
      for (int t = 0; t < tokenReturns[i].length; t++) {
        advantages[i][t] =
            sequenceAdvantages[i / k][i % k] + scale * (tokenReturns[i][t] - tokenReturns[i][0]);
      }
    }
    return advantages;
  }

  /** The population standard deviation {@code Advantages.groupNormalised} divides by. */
  private static double populationStd(double[] values) {
    double mean = 0;
    for (double v : values) {
      mean += v / values.length;
    }
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return Math.sqrt(squares / values.length);
  }

  private static double scalarValue(NDArray scalar) {
    return scalar.stopGradient().toType(DataType.FLOAT64, false).getDouble();
  }

  /** The real tokens' values of a padded {@code [B, C]} array, one {@code double[]} per row. */
  private static double[][] perRow(NDArray padded, int[] lengths) {
    double[] flat = padded.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    int width = (int) padded.getShape().get(1);
    double[][] rows = new double[lengths.length][];
    for (int i = 0; i < lengths.length; i++) {
      rows[i] = java.util.Arrays.copyOfRange(flat, i * width, i * width + lengths[i]);
    }
    return rows;
  }
}
