package dev.elmrlaif.algorithms.rl.reinforce;

import dev.elmrlaif.algorithms.rl.math.BaselineConfig;
import dev.elmrlaif.algorithms.rl.math.KlConfig;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Settings of {@link ReinforceTrainer} (YAML section {@code reinforce}): how many completions are
 * drawn per context, the optimiser, the KL regulariser of H1 (estimator, level, placement and the
 * {@code β} controller, all in {@link KlConfig}), the baseline, the entropy bonus, and the
 * PPO-style reuse of each batch: {@code epochs} optimisation passes over one batch of samples with
 * the importance ratio {@code π_θ/π_old} clipped to {@code [1 − clip_ratio, 1 + clip_ratio]}
 * (Schulman et al. 2017, "Proximal Policy Optimization Algorithms", Eq. 7; TRL calls these {@code
 * num_ppo_epochs}/{@code cliprange} in its RLOO trainer and {@code num_iterations}/{@code epsilon}
 * in its GRPO trainer).
 */
@RecordBuilder
public record ReinforceConfig(
    @Doc("K: completions sampled per context (leave_one_out and group_normalised need K >= 2)")
        @Range(min = 1)
        @Default("8")
        int samplesPerContext,
    @Doc("Most tokens generated per completion (the CoMDP horizon H)")
        @Range(min = 1)
        @Default("32")
        int maxNewTokens,
    @Doc("AdamW learning rate (constant)") @Range(min = 0, minExclusive = true) @Default("1e-5")
        double learningRate,
    @Doc("AdamW decoupled weight decay") @Range(min = 0) @Default("0.0") double weightDecay,
    @Doc("Global gradient-norm clip; 0 disables") @Range(min = 0) @Default("1.0") double gradClip,
    @Doc("KL regulariser: estimator, clip, level, placement and the beta controller") KlConfig kl,
    @Doc("Baseline subtracted from returns") BaselineConfig baseline,
    @Doc("Coefficient of the entropy bonus (summed per-token entropy of the policy)")
        @Range(min = 0)
        @Default("0.0")
        double entropyBonus,
    @Doc(
            "Seed of the sampler; in a run the rl stage mixes it with the master seed and the entity kind")
        @Default("0")
        long seed,
    @Doc(
            "Optimisation passes (optimizer steps) over each batch of samples; 1 is plain REINFORCE, > 1 the"
                + " PPO/GRPO-style reuse with the clipped importance ratio (TRL num_ppo_epochs / num_iterations)")
        @Range(min = 1)
        @Default("1")
        int epochs,
    @Doc(
            "epsilon of the PPO clip: passes after the first clip pi_theta/pi_old (per token or per sequence,"
                + " as kl.level) to [1 - epsilon, 1 + epsilon]; only used when epochs > 1 (TRL cliprange / epsilon)")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true, reason = "e.g. 0.2")
        @Default("0.2")
        double clipRatio)
    implements ReinforceConfigBuilder.With {

  public ReinforceConfig {
    if (kl == null || baseline == null) {
      throw new ConfigException(
          "", "kl and baseline must be set; found kl=" + kl + " baseline=" + baseline);
    }
    boolean perContextBaseline =
        switch (baseline.kind()) {
          case LEAVE_ONE_OUT, GROUP_NORMALISED -> true;
          case NONE, MOVING_AVERAGE -> false;
        };
    if (perContextBaseline && samplesPerContext < 2) {
      throw new ConfigException(
          "samples_per_context",
          "found "
              + samplesPerContext
              + ", expected >= 2 for the "
              + baseline.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " baseline (it compares the K samples of a context)");
    }
  }

  /**
   * K = 8 completions of at most 32 tokens per context, learning rate 1e-5, no weight decay, clip
   * 1.0, {@link KlConfig#defaults()}, leave-one-out baseline, no entropy bonus, seed 0, one epoch
   * per batch (plain REINFORCE) and clip ratio 0.2 (the PPO paper's and TRL's default).
   */
  public static ReinforceConfig defaults() {
    return ConfigKeys.defaults(ReinforceConfig.class);
  }
}
