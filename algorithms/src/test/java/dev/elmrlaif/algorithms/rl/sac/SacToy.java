package dev.elmrlaif.algorithms.rl.sac;

import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SequenceReward;

/** Shared fixtures of the SAC tests on the synthetic CoMDP (vocabulary 4, horizon 2). */
final class SacToy {
  private SacToy() {}

  /**
   * {@code r(y) = Σ_t w[y_t]} with token weights {@code w = (0.36, 0, 1.8, 0.96)}: ending at once
   * is worth a little, token 2 most.
   */
  static SequenceReward reward() {
    double[] weights = {0.36, 0.0, 1.8, 0.96};
    return y -> y.stream().mapToDouble(token -> weights[token]).sum();
  }

  /** The trainer settings the convergence and resume tests share, with a fixed {@code α = β}. */
  static SacConfig config(SyntheticElmPolicy toy, double beta) {
    return SacConfig.defaults()
        .with()
        .samplesPerContext(16)
        .maxNewTokens(toy.mdp().horizon())
        .replay(SacReplayConfig.defaults().withCapacity(512))
        .batchTrajectories(32)
        .updatesPerStep(2)
        .tau(0.1)
        .alpha(SacAlphaConfig.defaults().with(a -> a.value(beta).target(1).horizon(1000).gain(0.1)))
        .policyLearningRate(0.005)
        .criticLearningRate(0.02)
        .gradClip(0)
        .seed(11)
        .build();
  }
}
