package dev.elmrlaif.algorithms.rl.math;

/**
 * Per-token rewards and returns of one sampled sequence, with the KL penalty of H1 placed as
 * configured ({@link KlLevel}, {@link KlPlacement}). The whole recipe:
 *
 * <pre>
 * environment rewards  e_t = tokenReward_t + [t = T−1]·r(y)                       (terminalRewards)
 * KL in the reward, token level:     r_t = e_t − β·kl_t
 * KL in the reward, sequence level:  r_t = e_t − [t = T−1]·β·Σ_k kl_k
 * KL in the loss:                    r_t = e_t                                     (shapedRewards)
 * return (reward-to-go)              G_t = Σ_{k≥t} γ^{k−t} r_k                        (rewardToGo)
 * </pre>
 *
 * With {@code γ = 1} both levels give the same {@code G_0 = r(y) − β·Σ_k kl_k}; they differ in the
 * later steps, which at token level carry only the KL still ahead of them.
 */
public final class Returns {
  private Returns() {}

  /** Environment rewards of a sequence of {@code length} tokens with only a terminal reward. */
  public static double[] terminalRewards(double reward, int length) {
    if (length < 1) {
      throw new IllegalArgumentException("sequence length: found " + length + ", expected >= 1");
    }
    double[] rewards = new double[length];
    rewards[length - 1] = reward;
    return rewards;
  }

  /**
   * The per-token rewards {@code r_t} after placing the KL penalty (see the class comment).
   *
   * @param environmentRewards {@code e_t}, the terminal reward included at the last index
   * @param klPerToken per-token KL estimates {@code kl_t} (from {@link KlDivergence#perToken})
   * @param beta the KL coefficient {@code β >= 0}
   */
  public static double[] shapedRewards(
      double[] environmentRewards,
      double[] klPerToken,
      double beta,
      KlLevel level,
      KlPlacement placement) {
    if (environmentRewards.length != klPerToken.length) {
      throw new IllegalArgumentException(
          "environment rewards have "
              + environmentRewards.length
              + " entries and KL estimates "
              + klPerToken.length
              + ", expected one per token each");
    }
    if (!(beta >= 0)) {
      throw new IllegalArgumentException("kl beta: found " + beta + ", expected >= 0");
    }
    double[] rewards = environmentRewards.clone();
    if (placement == KlPlacement.LOSS || rewards.length == 0) {
      return rewards;
    }
    switch (level) {
      case TOKEN -> {
        for (int t = 0; t < rewards.length; t++) {
          rewards[t] -= beta * klPerToken[t];
        }
      }
      case SEQUENCE -> rewards[rewards.length - 1] -= beta * KlDivergence.sum(klPerToken);
      default -> throw new IllegalArgumentException("unknown KL level " + level);
    }
    return rewards;
  }

  /** Discounted reward-to-go {@code G_t = Σ_{k≥t} γ^{k−t} r_k}, computed backwards. */
  public static double[] rewardToGo(double[] rewards, double gamma) {
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException(
          "discount gamma: found " + gamma + ", expected a value in [0, 1]");
    }
    double[] g = new double[rewards.length];
    double running = 0;
    for (int t = rewards.length - 1; t >= 0; t--) {
      running = rewards[t] + gamma * running;
      g[t] = running;
    }
    return g;
  }

  /** {@link #shapedRewards} followed by {@link #rewardToGo}: the per-token returns {@code G_t}. */
  public static double[] returns(
      double[] environmentRewards,
      double[] klPerToken,
      double beta,
      KlLevel level,
      KlPlacement placement,
      double gamma) {
    return rewardToGo(shapedRewards(environmentRewards, klPerToken, beta, level, placement), gamma);
  }
}
