package dev.elmrlaif.rlaif.rl.sac;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;
import dev.elmrlaif.rlaif.rl.math.KlControllerConfig;

/**
 * Settings of {@link SacTrainer} (YAML section {@code sac}): how many completions each step
 * generates, the replay buffer, how many updates each step makes on how many trajectories (the
 * update-to-data ratio), the soft Bellman discount {@code γ}, the target network's Polyak rate
 * {@code τ}, the KL coefficient {@code α} (fixed, or steered toward a KL target by the same
 * controller REINFORCE uses for {@code β}), both optimisers, the critics' architecture and the
 * critic-only warm-up.
 */
public record SacConfig(
    @Doc("K: completions sampled per context each step") @Range(min = 1) int samplesPerContext,
    @Doc("Most tokens generated per completion (the CoMDP horizon H)") @Range(min = 1) int maxNewTokens,
    @Doc("The replay buffer of trajectories") SacReplayConfig replay,
    @Doc("Trajectories sampled from the buffer per update; every transition of each is used")
        @Range(min = 1) int batchTrajectories,
    @Doc("Updates (critics, then policy) per step: the update-to-data ratio") @Range(min = 1)
        int updatesPerStep,
    @Doc("Discount gamma of the Q target r + gamma * V_target(s') (1 = the undiscounted objective H1)")
        @Range(min = 0, max = 1) double gamma,
    @Doc("Polyak rate of the target V: target = (1 - tau) * target + tau * V after each update")
        @Range(min = 0, max = 1, minExclusive = true) double tau,
    @Doc("The KL coefficient alpha (beta of H1): kind fixed|adaptive, beta = its (initial) value,"
        + " target/horizon/gain for the adaptive controller") KlControllerConfig alpha,
    @Doc("AdamW learning rate of the policy (constant)") @Range(min = 0, minExclusive = true)
        double policyLearningRate,
    @Doc("AdamW learning rate of the Q and V critics (constant)") @Range(min = 0, minExclusive = true)
        double criticLearningRate,
    @Doc("AdamW decoupled weight decay of both optimisers") @Range(min = 0) double weightDecay,
    @Doc("Global gradient-norm clip, applied to the critics and to the policy separately; 0 disables")
        @Range(min = 0) double gradClip,
    @Doc("The critics' architecture") SacCriticConfig critic,
    @Doc("Steps whose updates train only the critics before the policy starts to move") @Range(min = 0)
        int warmupSteps,
    @Doc("Seed of the sampler, the replay buffer and the critics' initialisation") long seed) {

  public SacConfig {
    require(samplesPerContext >= 1, "samples_per_context", samplesPerContext, "an integer >= 1");
    require(maxNewTokens >= 1, "max_new_tokens", maxNewTokens, "an integer >= 1");
    require(batchTrajectories >= 1, "batch_trajectories", batchTrajectories, "an integer >= 1");
    require(updatesPerStep >= 1, "updates_per_step", updatesPerStep, "an integer >= 1");
    require(warmupSteps >= 0, "warmup_steps", warmupSteps, "an integer >= 0");
    require(replay != null, "replay", replay, "the replay buffer section");
    require(critic != null, "critic", critic, "the critics section");
    require(alpha != null, "alpha", alpha, "the alpha controller section");
    require(alpha.beta() > 0, "alpha.beta", alpha.beta(), "a value > 0 (alpha is the temperature of the soft values)");
    require(gamma >= 0 && gamma <= 1, "gamma", gamma, "a value in [0, 1]");
    require(tau > 0 && tau <= 1, "tau", tau, "a value in (0, 1]");
    require(policyLearningRate > 0 && Double.isFinite(policyLearningRate), "policy_learning_rate",
        policyLearningRate, "a finite value > 0");
    require(criticLearningRate > 0 && Double.isFinite(criticLearningRate), "critic_learning_rate",
        criticLearningRate, "a finite value > 0");
    require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight_decay", weightDecay, "a finite value >= 0");
    require(gradClip >= 0 && Double.isFinite(gradClip), "grad_clip", gradClip, "a finite value >= 0");
  }

  /**
   * K = 8 completions of at most 32 tokens, {@link SacReplayConfig#defaults()}, 16 trajectories
   * per update, 1 update per step, γ = 1, τ = 0.05, fixed α = 0.05, learning rates 1e-5 (policy)
   * and 1e-4 (critics), no weight decay, clip 1.0, {@link SacCriticConfig#defaults()}, no warm-up,
   * seed 0.
   */
  public static SacConfig defaults() {
    KlControllerConfig controller = KlControllerConfig.defaults();
    return new SacConfig(8, 32, SacReplayConfig.defaults(), 16, 1, 1.0, 0.05,
        new KlControllerConfig(KlControllerConfig.Kind.FIXED, 0.05, controller.target(),
            controller.horizon(), controller.gain()),
        1e-5, 1e-4, 0.0, 1.0, SacCriticConfig.defaults(), 0, 0L);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link SacConfig} field by field; {@link #build()} validates. */
  public static final class Builder {
    private int samplesPerContext;
    private int maxNewTokens;
    private SacReplayConfig replay;
    private int batchTrajectories;
    private int updatesPerStep;
    private double gamma;
    private double tau;
    private KlControllerConfig alpha;
    private double policyLearningRate;
    private double criticLearningRate;
    private double weightDecay;
    private double gradClip;
    private SacCriticConfig critic;
    private int warmupSteps;
    private long seed;

    private Builder(SacConfig from) {
      samplesPerContext = from.samplesPerContext;
      maxNewTokens = from.maxNewTokens;
      replay = from.replay;
      batchTrajectories = from.batchTrajectories;
      updatesPerStep = from.updatesPerStep;
      gamma = from.gamma;
      tau = from.tau;
      alpha = from.alpha;
      policyLearningRate = from.policyLearningRate;
      criticLearningRate = from.criticLearningRate;
      weightDecay = from.weightDecay;
      gradClip = from.gradClip;
      critic = from.critic;
      warmupSteps = from.warmupSteps;
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

    public Builder replay(SacReplayConfig value) {
      replay = value;
      return this;
    }

    public Builder batchTrajectories(int value) {
      batchTrajectories = value;
      return this;
    }

    public Builder updatesPerStep(int value) {
      updatesPerStep = value;
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

    public Builder alpha(KlControllerConfig value) {
      alpha = value;
      return this;
    }

    /** A fixed {@code α}, with the controller's other settings unchanged. */
    public Builder fixedAlpha(double value) {
      alpha = new KlControllerConfig(KlControllerConfig.Kind.FIXED, value, alpha.target(), alpha.horizon(),
          alpha.gain());
      return this;
    }

    public Builder policyLearningRate(double value) {
      policyLearningRate = value;
      return this;
    }

    public Builder criticLearningRate(double value) {
      criticLearningRate = value;
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

    public Builder critic(SacCriticConfig value) {
      critic = value;
      return this;
    }

    public Builder warmupSteps(int value) {
      warmupSteps = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public SacConfig build() {
      return new SacConfig(samplesPerContext, maxNewTokens, replay, batchTrajectories, updatesPerStep,
          gamma, tau, alpha, policyLearningRate, criticLearningRate, weightDecay, gradClip, critic,
          warmupSteps, seed);
    }
  }

  /** Throws a {@link UserInputException} naming {@code sac.<key>} unless {@code valid}. */
  private static void require(boolean valid, String key, Object found, String expected) {
    if (!valid) {
      throw new UserInputException("sac." + key + ": found " + found + ", expected " + expected);
    }
  }
}
