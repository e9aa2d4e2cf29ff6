package dev.elmrlaif.algorithms.rl.sac;

import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Settings of {@link SacTrainer} (YAML section {@code sac}): how many completions each step
 * generates, the replay buffer, how many updates each step makes on how many trajectories (the
 * update-to-data ratio), the soft Bellman discount {@code γ}, the target network's Polyak rate
 * {@code τ}, Retrace's {@code λ} for the Q target, the KL coefficient {@code α} (fixed, or steered
 * toward a KL target by the same controller REINFORCE uses for {@code β}), both optimisers, the
 * critics' architecture, where Q comes from ({@link SacQFunction}), whether the contexts' training
 * texts join the buffer, and the critic-only warm-up.
 */
@RecordBuilder
public record SacConfig(
    @Doc("K: completions sampled per context each step") @Range(min = 1) @Default("8")
        int samplesPerContext,
    @Doc("Most tokens generated per completion (the CoMDP horizon H)")
        @Range(min = 1)
        @Default("32")
        int maxNewTokens,
    @Doc("The replay buffer of trajectories") SacReplayConfig replay,
    @Doc("Trajectories sampled from the buffer per update; every transition of each is used")
        @Range(min = 1)
        @Default("16")
        int batchTrajectories,
    @Doc("Updates (critics, then policy) per step: the update-to-data ratio")
        @Range(min = 1)
        @Default("1")
        int updatesPerStep,
    @Doc(
            "Discount gamma of the Q target r + gamma * V_target(s') (1 = the undiscounted objective H1)")
        @Range(min = 0, max = 1)
        @Default("1.0")
        double gamma,
    @Doc("Polyak rate of the target V: target = (1 - tau) * target + tau * V after each update")
        @Range(min = 0, max = 1, minExclusive = true)
        @Default("0.05")
        double tau,
    @Doc(
            "Retrace's lambda for the Q target (Munos et al. 2016): 0 = the one-step r + gamma *"
                + " V_target(s'); above 0 adds the sampled later steps' corrections, each cut by"
                + " lambda * min(1, pi/mu), so a terminal reward reaches the first tokens sooner")
        @Range(min = 0, max = 1)
        @Default("0.0")
        double retraceLambda,
    @Doc(
            "The KL coefficient alpha (beta of H1): kind fixed|adaptive, value = its (initial) value,"
                + " target/horizon/gain for the adaptive controller")
        SacAlphaConfig alpha,
    @Doc("AdamW learning rate of the policy (constant)")
        @Range(min = 0, minExclusive = true)
        @Default("1e-5")
        double policyLearningRate,
    @Doc("AdamW learning rate of the Q and V critics (constant)")
        @Range(min = 0, minExclusive = true)
        @Default("1e-4")
        double criticLearningRate,
    @Doc("AdamW decoupled weight decay of both optimisers") @Range(min = 0) @Default("0.0")
        double weightDecay,
    @Doc(
            "Global gradient-norm clip, applied to the critics and to the policy separately; 0 disables")
        @Range(min = 0)
        @Default("1.0")
        double gradClip,
    @Doc("The critics' architecture") CriticArchitectureConfig critic,
    @Doc(
            "head: Q(s,.) from the Q critic of sac.critic (H2-H4); policy: Q(s,a) = V(s) + alpha *"
                + " log(pi(a|s)/pi_ref(a|s)), the policy's own log-ratio (soft Q-learning's"
                + " parametrisation): the policy step is exact by construction and the Q loss trains"
                + " the policy and V; with retrace_lambda 1 it is path consistency learning")
        @Default("head")
        SacQFunction qFunction,
    @Doc(
            "Store each completion's reward minus the mean reward of its context's other K-1"
                + " completions (RLOO's leave-one-out baseline): the same soft-optimal policy, with"
                + " Q targets near 0, where the zero-initialised critic head starts")
        @Default("false")
        boolean centerRewards,
    @Doc(
            "With center_rewards: store (r - mean) / (std + 1e-6) over the context's K completions"
                + " instead (REINFORCE's group_normalised baseline, GRPO's scale_rewards), so every"
                + " context's completions differ on one unit scale; this changes the objective: each"
                + " context's soft optimum is pi_ref * exp(r / (alpha * std))")
        @Default("false")
        boolean scaleRewards,
    @Doc(
            "Also store, each step, the ground-truth text of every real context (the training"
                + " example's target) as a trajectory, scored by the reward like a completion and,"
                + " with center_rewards, centred on that context's K completions: the paper's offline"
                + " data in SAC's buffer (App. H). The soft-optimal policy is unchanged; the critics"
                + " see far better texts than the policy's own")
        @Default("false")
        boolean demonstrations,
    @Doc("Steps whose updates train only the critics before the policy starts to move")
        @Range(min = 0)
        @Default("0")
        int warmupSteps,
    @Doc("Seed of the sampler, the replay buffer and the critics' initialisation") @Default("0")
        long seed)
    implements SacConfigBuilder.With {

  public SacConfig {
    if (replay == null || critic == null || alpha == null || qFunction == null) {
      throw new ConfigException(
          "",
          "replay, critic, q_function and alpha must be set; found replay="
              + replay
              + " critic="
              + critic
              + " q_function="
              + qFunction
              + " alpha="
              + alpha);
    }
    if (scaleRewards && !centerRewards) {
      throw new ConfigException(
          "scale_rewards", "found true without center_rewards, expected center_rewards: true too");
    }
    if (centerRewards && samplesPerContext < 2) {
      throw new ConfigException(
          "samples_per_context",
          "found "
              + samplesPerContext
              + ", expected >= 2 with center_rewards (it compares the K samples of a context)");
    }
  }

  /**
   * Whether every update learns only from completions sampled at its own step: the buffer keeps no
   * more than one step's {@code K · contextsPerStep} completions and no demonstrations. SAC then
   * samples as REINFORCE does, and a reward scored against the step's other completions (the
   * cross-context repetition penalty) is never replayed after that step.
   */
  public boolean replaysOnlyItsStep(int contextsPerStep) {
    return !demonstrations && replay.capacity() <= (long) samplesPerContext * contextsPerStep;
  }

  /**
   * K = 8 completions of at most 32 tokens, {@link SacReplayConfig#defaults()}, 16 trajectories per
   * update, 1 update per step, γ = 1, τ = 0.05, the one-step Q target (λ = 0), fixed α = 0.05,
   * learning rates 1e-5 (policy) and 1e-4 (critics), no weight decay, clip 1.0, {@link
   * CriticArchitectureConfig#defaults()}, Q from its head, raw rewards (not centred, not scaled),
   * no demonstrations, no warm-up, seed 0.
   */
  public static SacConfig defaults() {
    return ConfigKeys.defaults(SacConfig.class);
  }
}
