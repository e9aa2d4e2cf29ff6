package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.rl.RlTrainer;
import dev.elmrlaif.algorithms.rl.reinforce.ReinforceTrainer;
import dev.elmrlaif.algorithms.rl.sac.SacTrainer;
import dev.elmrlaif.algorithms.rl.softq.SoftQTrainer;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.replay.ResumableRandom;
import java.nio.charset.StandardCharsets;

/**
 * Builds the trainer of an algorithm from its config section, with a seed derived from the master
 * seed: the one place that knows which class implements which {@link RlAlgorithm}.
 */
final class RlTrainers {
  private RlTrainers() {}

  /**
   * A trainer for {@code algorithm} around {@code policy} and {@code reference}.
   *
   * @param label the training's label ({@code rl/<algorithm>/<kind>}), mixed into the seed
   */
  static RlTrainer create(
      RlAlgorithm algorithm,
      Elm policy,
      Elm reference,
      RlEnvironment environment,
      RlaifConfig config,
      String label) {
    CompletionReward reward = environment.reward();
    return switch (algorithm) {
      case REINFORCE ->
          new ReinforceTrainer(
              policy,
              reference,
              reward,
              config
                  .reinforce()
                  .withSeed(derive(config.seed() + config.reinforce().seed(), label)));
      case SOFT_Q ->
          new SoftQTrainer(
              policy,
              reference,
              reward,
              config.softQ().withSeed(derive(config.seed() + config.softQ().seed(), label)));
      case SAC ->
          new SacTrainer(
              policy,
              reference,
              reward,
              environment::demonstrations,
              config.sac().withSeed(derive(config.seed() + config.sac().seed(), label)));
    };
  }

  /**
   * A seed for one component: SplitMix64 of the master seed mixed with a hash of the component's
   * name, so components get unrelated streams and a change of one name leaves the others alone.
   */
  static long derive(long master, String component) {
    long hash = 1125899906842597L;
    for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
      hash = 31 * hash + b;
    }
    return ResumableRandom.seeded(master ^ hash).nextLong();
  }
}
