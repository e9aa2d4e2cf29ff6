package dev.elmrlaif.rlaif.rl.softq;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;

/**
 * Settings of {@link SoftQTrainer} (YAML section {@code soft_q}): which ELM generates the data and
 * how much, the replay buffer, how many critic and distillation updates each step makes, the soft
 * Bellman equation's {@code γ} and {@code α} (the fixed KL coefficient, β of H1), the Polyak rate of
 * the target critic, both optimisers and the critic's architecture. The seed feeds the sampler,
 * the replay buffer's sampling and the critic's initialisation through independent streams.
 */
public record SoftQConfig(
    @Doc("K: completions generated per context each step") @Range(min = 1) int samplesPerContext,
    @Doc("Most tokens generated per completion (the CoMDP horizon H)") @Range(min = 1) int maxNewTokens,
    @Doc("Who generates the trajectories: policy (the current ELM), reference (the frozen pi_ref) or"
        + " offline (nobody: train from the saved buffer offline_buffer alone)")
        SoftQBehaviour behaviour,
    @Doc("behaviour offline only: the saved replay buffer to train from (e.g. a checkpoint's"
        + " trainer/replay.bin); empty otherwise") String offlineBuffer,
    @Doc("The replay buffer of trajectories") SoftQReplayConfig replay,
    @Doc("Trajectories sampled from the buffer per update; every transition of each is used")
        @Range(min = 1) int batchTrajectories,
    @Doc("Critic updates (Bellman-residual steps, H5) per step") @Range(min = 1) int qUpdatesPerStep,
    @Doc("Policy distillation updates (KL(pi* || pi_theta), H8) per step, after the critic's")
        @Range(min = 0) int distillUpdatesPerStep,
    @Doc("Discount gamma of the soft Bellman target (1 = the undiscounted objective H1)")
        @Range(min = 0, max = 1) double gamma,
    @Doc("Polyak rate of the target critic: target = (1 - tau) * target + tau * critic after each critic update")
        @Range(min = 0, max = 1, minExclusive = true) double tau,
    @Doc("alpha: the fixed KL coefficient (beta of H1), the temperature of V* and pi*")
        @Range(min = 0, minExclusive = true) double alpha,
    @Doc("AdamW learning rate of the Q critic (constant)") @Range(min = 0, minExclusive = true)
        double qLearningRate,
    @Doc("AdamW learning rate of the policy's distillation (constant)")
        @Range(min = 0, minExclusive = true) double policyLearningRate,
    @Doc("AdamW decoupled weight decay of both optimisers") @Range(min = 0) double weightDecay,
    @Doc("Global gradient-norm clip, applied to the critic and the policy separately; 0 disables")
        @Range(min = 0) double gradClip,
    @Doc("The Q critic's architecture") SoftQCriticConfig critic,
    @Doc("Seed of the sampler, the replay buffer and the critic's initialisation") long seed) {

  public SoftQConfig {
    requireAtLeast("soft_q.samples_per_context", samplesPerContext, 1);
    requireAtLeast("soft_q.max_new_tokens", maxNewTokens, 1);
    requireAtLeast("soft_q.batch_trajectories", batchTrajectories, 1);
    requireAtLeast("soft_q.q_updates_per_step", qUpdatesPerStep, 1);
    requireAtLeast("soft_q.distill_updates_per_step", distillUpdatesPerStep, 0);
    if (behaviour == null) {
      throw new UserInputException("soft_q.behaviour: missing, expected policy, reference or offline");
    }
    offlineBuffer = offlineBuffer == null ? "" : offlineBuffer;
    if ((behaviour == SoftQBehaviour.OFFLINE) == offlineBuffer.isBlank()) {
      throw new UserInputException(behaviour == SoftQBehaviour.OFFLINE
          ? "soft_q.offline_buffer: empty, expected the replay buffer file to train from (behaviour is offline)"
          : "soft_q.offline_buffer: found '" + offlineBuffer + "', expected it empty unless behaviour is offline");
    }
    if (critic == null) {
      throw new UserInputException("soft_q.critic: missing, expected the critic section");
    }
    if (replay == null) {
      throw new UserInputException("soft_q.replay: missing, expected the replay buffer section");
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new UserInputException("soft_q.gamma: found " + gamma + ", expected a value in [0, 1]");
    }
    if (!(tau > 0 && tau <= 1)) {
      throw new UserInputException("soft_q.tau: found " + tau + ", expected a value in (0, 1]");
    }
    requirePositive("soft_q.alpha", alpha);
    requirePositive("soft_q.q_learning_rate", qLearningRate);
    requirePositive("soft_q.policy_learning_rate", policyLearningRate);
    requireNonNegative("soft_q.weight_decay", weightDecay);
    requireNonNegative("soft_q.grad_clip", gradClip);
  }

  /**
   * K = 8 completions of at most 32 tokens from the current policy, {@link
   * SoftQReplayConfig#defaults()}, 16 trajectories per update, 4 critic and 1 distillation updates
   * per step, γ = 1, τ = 0.05, α = 0.05, learning rates 1e-4 (critic) and 1e-5 (policy), no weight
   * decay, clip 1.0, {@link SoftQCriticConfig#defaults()} (a zero head on the frozen trunk), seed 0.
   */
  public static SoftQConfig defaults() {
    return new SoftQConfig(8, 32, SoftQBehaviour.POLICY, "", SoftQReplayConfig.defaults(), 16, 4, 1,
        1.0, 0.05, 0.05, 1e-4, 1e-5, 0.0, 1.0, SoftQCriticConfig.defaults(), 0L);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link SoftQConfig} field by field; {@link #build()} validates. */
  public static final class Builder {
    private int samplesPerContext;
    private int maxNewTokens;
    private SoftQBehaviour behaviour;
    private String offlineBuffer;
    private SoftQReplayConfig replay;
    private int batchTrajectories;
    private int qUpdatesPerStep;
    private int distillUpdatesPerStep;
    private double gamma;
    private double tau;
    private double alpha;
    private double qLearningRate;
    private double policyLearningRate;
    private double weightDecay;
    private double gradClip;
    private SoftQCriticConfig critic;
    private long seed;

    private Builder(SoftQConfig from) {
      samplesPerContext = from.samplesPerContext;
      maxNewTokens = from.maxNewTokens;
      behaviour = from.behaviour;
      offlineBuffer = from.offlineBuffer;
      replay = from.replay;
      batchTrajectories = from.batchTrajectories;
      qUpdatesPerStep = from.qUpdatesPerStep;
      distillUpdatesPerStep = from.distillUpdatesPerStep;
      gamma = from.gamma;
      tau = from.tau;
      alpha = from.alpha;
      qLearningRate = from.qLearningRate;
      policyLearningRate = from.policyLearningRate;
      weightDecay = from.weightDecay;
      gradClip = from.gradClip;
      critic = from.critic;
      seed = from.seed;
    }

    public Builder samplesPerContext(int value) {
      samplesPerContext = value;
      return this;
    }

    public Builder maxNewTokens(int value) {
      maxNewTokens = value;
      return this;
    }

    public Builder behaviour(SoftQBehaviour value) {
      behaviour = value;
      return this;
    }

    /** Offline RL from the saved buffer {@code file}: sets the behaviour to offline too. */
    public Builder offlineBuffer(String file) {
      offlineBuffer = file;
      behaviour = SoftQBehaviour.OFFLINE;
      return this;
    }

    public Builder replay(SoftQReplayConfig value) {
      replay = value;
      return this;
    }

    public Builder batchTrajectories(int value) {
      batchTrajectories = value;
      return this;
    }

    public Builder qUpdatesPerStep(int value) {
      qUpdatesPerStep = value;
      return this;
    }

    public Builder distillUpdatesPerStep(int value) {
      distillUpdatesPerStep = value;
      return this;
    }

    public Builder gamma(double value) {
      gamma = value;
      return this;
    }

    public Builder tau(double value) {
      tau = value;
      return this;
    }

    public Builder alpha(double value) {
      alpha = value;
      return this;
    }

    public Builder qLearningRate(double value) {
      qLearningRate = value;
      return this;
    }

    public Builder policyLearningRate(double value) {
      policyLearningRate = value;
      return this;
    }

    public Builder weightDecay(double value) {
      weightDecay = value;
      return this;
    }

    public Builder gradClip(double value) {
      gradClip = value;
      return this;
    }

    public Builder critic(SoftQCriticConfig value) {
      critic = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public SoftQConfig build() {
      return new SoftQConfig(samplesPerContext, maxNewTokens, behaviour, offlineBuffer, replay, batchTrajectories,
          qUpdatesPerStep, distillUpdatesPerStep, gamma, tau, alpha, qLearningRate,
          policyLearningRate, weightDecay, gradClip, critic, seed);
    }
  }

  private static void requireAtLeast(String key, int value, int min) {
    if (value < min) {
      throw new UserInputException(key + ": found " + value + ", expected an integer >= " + min);
    }
  }

  private static void requirePositive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new UserInputException(key + ": found " + value + ", expected a finite value > 0");
    }
  }

  private static void requireNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new UserInputException(key + ": found " + value + ", expected a finite value >= 0");
    }
  }
}
