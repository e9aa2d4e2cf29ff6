package dev.elmrlaif.rlaif.rl.reinforce;

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
}
