package dev.elmrlaif.algorithms.rl.softq;

import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Settings of {@link SoftQTrainer} (YAML section {@code soft_q}): which ELM generates the data and
 * how much, the replay buffer, how many critic and distillation updates each step makes, the soft
 * Bellman equation's {@code γ} and {@code α} (the fixed KL coefficient, β of H1), the Polyak rate
 * of the target critic, both optimisers and the critic's architecture. The seed feeds the sampler,
 * the replay buffer's sampling and the critic's initialisation through independent streams.
 */
@RecordBuilder
public record SoftQConfig(
    @Doc("K: completions generated per context each step") @Range(min = 1) @Default("8")
        int samplesPerContext,
    @Doc("Most tokens generated per completion (the CoMDP horizon H)")
        @Range(min = 1)
        @Default("32")
        int maxNewTokens,
    @Doc(
            "Who generates the trajectories: policy (the current ELM), reference (the frozen pi_ref) or"
                + " offline (nobody: train from the saved buffer offline_buffer alone)")
        @Default("policy")
        SoftQBehaviour behaviour,
    @Doc(
            "behaviour offline only: the saved replay buffer to train from (e.g. a checkpoint's"
                + " trainer/replay.bin); empty otherwise")
        @Default("")
        String offlineBuffer,
    @Doc("The replay buffer of trajectories") SoftQReplayConfig replay,
    @Doc("Trajectories sampled from the buffer per update; every transition of each is used")
        @Range(min = 1)
        @Default("16")
        int batchTrajectories,
    @Doc("Critic updates (Bellman-residual steps, H5) per step") @Range(min = 1) @Default("4")
        int qUpdatesPerStep,
    @Doc("Policy distillation updates (KL(pi* || pi_theta), H8) per step, after the critic's")
        @Range(min = 0)
        @Default("1")
        int distillUpdatesPerStep,
    @Doc("Discount gamma of the soft Bellman target (1 = the undiscounted objective H1)")
        @Range(min = 0, max = 1)
        @Default("1.0")
        double gamma,
    @Doc(
            "Polyak rate of the target critic: target = (1 - tau) * target + tau * critic after each critic update")
        @Range(min = 0, max = 1, minExclusive = true)
        @Default("0.05")
        double tau,
    @Doc("alpha: the fixed KL coefficient (beta of H1), the temperature of V* and pi*")
        @Range(min = 0, minExclusive = true)
        @Default("0.05")
        double alpha,
    @Doc("AdamW learning rate of the Q critic (constant)")
        @Range(min = 0, minExclusive = true)
        @Default("1e-4")
        double qLearningRate,
    @Doc("AdamW learning rate of the policy's distillation (constant)")
        @Range(min = 0, minExclusive = true)
        @Default("1e-5")
        double policyLearningRate,
    @Doc("AdamW decoupled weight decay of both optimisers") @Range(min = 0) @Default("0.0")
        double weightDecay,
    @Doc("Global gradient-norm clip, applied to the critic and the policy separately; 0 disables")
        @Range(min = 0)
        @Default("1.0")
        double gradClip,
    @Doc("The Q critic's architecture") CriticArchitectureConfig critic,
    @Doc("Seed of the sampler, the replay buffer and the critic's initialisation") @Default("0")
        long seed)
    implements SoftQConfigBuilder.With {

  public SoftQConfig {
    if (behaviour == null) {
      throw new ConfigException("behaviour", "missing, expected policy, reference or offline");
    }
    offlineBuffer = offlineBuffer == null ? "" : offlineBuffer;
    if ((behaviour == SoftQBehaviour.OFFLINE) == offlineBuffer.isBlank()) {
      throw new ConfigException(
          "offline_buffer",
          behaviour == SoftQBehaviour.OFFLINE
              ? "empty, expected the replay buffer file to train from (behaviour is offline)"
              : "found '" + offlineBuffer + "', expected it empty unless behaviour is offline");
    }
    if (critic == null) {
      throw new ConfigException("critic", "missing, expected the critic section");
    }
    if (replay == null) {
      throw new ConfigException("replay", "missing, expected the replay buffer section");
    }
  }

  /**
   * K = 8 completions of at most 32 tokens from the current policy, {@link
   * SoftQReplayConfig#defaults()}, 16 trajectories per update, 4 critic and 1 distillation updates
   * per step, γ = 1, τ = 0.05, α = 0.05, learning rates 1e-4 (critic) and 1e-5 (policy), no weight
   * decay, clip 1.0, {@link CriticArchitectureConfig#defaults()} (a zero head on the frozen trunk),
   * seed 0.
   */
  public static SoftQConfig defaults() {
    return ConfigKeys.defaults(SoftQConfig.class);
  }
}
