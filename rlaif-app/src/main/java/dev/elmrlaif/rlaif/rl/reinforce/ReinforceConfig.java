package dev.elmrlaif.rlaif.rl.reinforce;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;
import dev.elmrlaif.rlaif.rl.math.BaselineConfig;
import dev.elmrlaif.rlaif.rl.math.KlConfig;

/**
 * Settings of {@link ReinforceTrainer} (YAML section {@code reinforce}): how many completions are
 * drawn per context, the optimiser, the KL regulariser of H1
 * (estimator, level, placement and the {@code β} controller, all in {@link KlConfig}), the
 * baseline, the entropy bonus, and the PPO-style reuse of each batch: {@code epochs} optimisation
 * passes over one batch of samples with the importance ratio {@code π_θ/π_old} clipped to
 * {@code [1 − clip_ratio, 1 + clip_ratio]} (Schulman et al. 2017, "Proximal Policy Optimization
 * Algorithms", Eq. 7; TRL calls these {@code num_ppo_epochs}/{@code cliprange} in its RLOO trainer
 * and {@code num_iterations}/{@code epsilon} in its GRPO trainer).
 */
public record ReinforceConfig(
    @Doc("K: completions sampled per context (leave_one_out and group_normalised need K >= 2)")
        @Range(min = 1) int samplesPerContext,
    @Doc("Most tokens generated per completion (the CoMDP horizon H)") @Range(min = 1) int maxNewTokens,
    @Doc("AdamW learning rate (constant)") @Range(min = 0, minExclusive = true) double learningRate,
    @Doc("AdamW decoupled weight decay") @Range(min = 0) double weightDecay,
    @Doc("Global gradient-norm clip; 0 disables") @Range(min = 0) double gradClip,
    @Doc("KL regulariser: estimator, clip, level, placement and the beta controller") KlConfig kl,
    @Doc("Baseline subtracted from returns") BaselineConfig baseline,
    @Doc("Coefficient of the entropy bonus (summed per-token entropy of the policy)") @Range(min = 0)
        double entropyBonus,
    @Doc("Seed of the sampler; in a run the rl stage mixes it with the master seed and the entity kind")
        long seed,
    @Doc("Optimisation passes (optimizer steps) over each batch of samples; 1 is plain REINFORCE, > 1 the"
        + " PPO/GRPO-style reuse with the clipped importance ratio (TRL num_ppo_epochs / num_iterations)")
        @Range(min = 1) int epochs,
    @Doc("epsilon of the PPO clip: passes after the first clip pi_theta/pi_old (per token or per sequence,"
        + " as kl.level) to [1 - epsilon, 1 + epsilon]; only used when epochs > 1 (TRL cliprange / epsilon)")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true) double clipRatio) {

  public ReinforceConfig {
    requireAtLeastOne("reinforce.samples_per_context", samplesPerContext);
    requireAtLeastOne("reinforce.max_new_tokens", maxNewTokens);
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new UserInputException(
          "reinforce.learning_rate: found " + learningRate + ", expected a finite value > 0");
    }
    requireNonNegative("reinforce.weight_decay", weightDecay);
    requireNonNegative("reinforce.grad_clip", gradClip);
    requireNonNegative("reinforce.entropy_bonus", entropyBonus);
    requireAtLeastOne("reinforce.epochs", epochs);
    if (!(clipRatio > 0 && clipRatio < 1)) {
      throw new UserInputException(
          "reinforce.clip_ratio: found " + clipRatio + ", expected a value in (0, 1), e.g. 0.2");
    }
    if (kl == null || baseline == null) {
      throw new UserInputException("reinforce: kl and baseline must be set; found kl=" + kl
          + " baseline=" + baseline);
    }
    boolean perContextBaseline = switch (baseline.kind()) {
      case LEAVE_ONE_OUT, GROUP_NORMALISED -> true;
      case NONE, MOVING_AVERAGE -> false;
    };
    if (perContextBaseline && samplesPerContext < 2) {
      throw new UserInputException("reinforce.samples_per_context: found " + samplesPerContext
          + ", expected >= 2 for the " + baseline.kind().name().toLowerCase(java.util.Locale.ROOT)
          + " baseline (it compares the K samples of a context)");
    }
  }

  /**
   * K = 8 completions of at most 32 tokens per context, learning rate 1e-5, no weight decay, clip
   * 1.0, {@link KlConfig#defaults()}, leave-one-out baseline, no entropy bonus, seed 0, one epoch
   * per batch (plain REINFORCE) and clip ratio 0.2 (the PPO paper's and TRL's default).
   */
  public static ReinforceConfig defaults() {
    return new ReinforceConfig(8, 32, 1e-5, 0.0, 1.0, KlConfig.defaults(),
        BaselineConfig.defaults(), 0.0, 0L, 1, 0.2);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link ReinforceConfig} field by field; {@link #build()} validates. */
  public static final class Builder {
    private int samplesPerContext;
    private int maxNewTokens;
    private double learningRate;
    private double weightDecay;
    private double gradClip;
    private KlConfig kl;
    private BaselineConfig baseline;
    private double entropyBonus;
    private long seed;
    private int epochs;
    private double clipRatio;

    private Builder(ReinforceConfig from) {
      samplesPerContext = from.samplesPerContext;
      maxNewTokens = from.maxNewTokens;
      learningRate = from.learningRate;
      weightDecay = from.weightDecay;
      gradClip = from.gradClip;
      kl = from.kl;
      baseline = from.baseline;
      entropyBonus = from.entropyBonus;
      seed = from.seed;
      epochs = from.epochs;
      clipRatio = from.clipRatio;
    }

    public Builder samplesPerContext(int value) {
      samplesPerContext = value;
      return this;
    }

    public Builder maxNewTokens(int value) {
      maxNewTokens = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
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

    public Builder kl(KlConfig value) {
      kl = value;
      return this;
    }

    public Builder baseline(BaselineConfig value) {
      baseline = value;
      return this;
    }

    public Builder entropyBonus(double value) {
      entropyBonus = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    public Builder clipRatio(double value) {
      clipRatio = value;
      return this;
    }

    public ReinforceConfig build() {
      return new ReinforceConfig(samplesPerContext, maxNewTokens, learningRate, weightDecay, gradClip, kl,
          baseline, entropyBonus, seed, epochs, clipRatio);
    }
  }

  private static void requireAtLeastOne(String key, int value) {
    if (value < 1) {
      throw new UserInputException(key + ": found " + value + ", expected an integer >= 1");
    }
  }

  private static void requireNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new UserInputException(key + ": found " + value + ", expected a finite value >= 0");
    }
  }
}
