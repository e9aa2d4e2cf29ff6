package dev.elmrlaif.rlaif.rl.reinforce;

import dev.elmrlaif.rlaif.rl.math.Baseline;
import dev.elmrlaif.rlaif.rl.math.BaselineConfig;
import dev.elmrlaif.rlaif.rl.math.KlConfig;
import dev.elmrlaif.rlaif.rl.math.KlControllerConfig;
import dev.elmrlaif.rlaif.rl.math.KlEstimator;
import dev.elmrlaif.rlaif.rl.math.KlLevel;
import dev.elmrlaif.rlaif.rl.math.KlPlacement;
import dev.elmrlaif.rlaif.synthetic.SequenceReward;
import dev.elmrlaif.rlaif.synthetic.TokenMdp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Shared fixtures of the REINFORCE tests on the synthetic CoMDP. */
final class SyntheticToy {
  private SyntheticToy() {}

  /** {@code r(y) = scale·U(0,1)} drawn once per complete sequence from {@code seed}. */
  static SequenceReward randomReward(TokenMdp mdp, double scale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<List<Integer>, Double> table = new HashMap<>();
    for (List<Integer> y : mdp.sequences()) {
      table.put(y, scale * random.nextDouble());
    }
    return table::get;
  }

  /** The KL regulariser with a fixed {@code β}. */
  static KlConfig kl(KlEstimator estimator, KlLevel level, KlPlacement placement, double beta) {
    return new KlConfig(estimator, 0, level, placement,
        new KlControllerConfig(KlControllerConfig.Kind.FIXED, beta, 6, 10_000, 0.1));
  }

  static BaselineConfig baseline(Baseline kind) {
    return new BaselineConfig(kind, 0.9, 1e-6);
  }
}
