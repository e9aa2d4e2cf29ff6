package dev.elmrlaif.rlaif.synthetic;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;
import java.util.List;
import java.util.Map;

/**
 * A synthetic token CoMDP whose KL-regularised optimum is known exactly ({@link SyntheticCoMdp}),
 * used to check that the RL trainers converge to it (YAML section {@code synthetic}).
 */
public record SyntheticConfig(
    @Doc("Vocabulary size, the end token 0 included") @Range(min = 2, max = 8) int vocabSize,
    @Doc("Most tokens per sequence (the episode also ends at the end token 0)") @Range(min = 1, max = 5)
        int horizon,
    @Doc("KL coefficient beta of the objective E[r] - beta KL(pi || pi_ref)")
        @Range(min = 0, minExclusive = true) double beta,
    @Doc("Seed of the random reference policy and the random reward") long seed,
    @Doc("Random reference only: pi_ref(.|s) = softmax(z / temperature), z ~ N(0, 1)")
        @Range(min = 0, minExclusive = true) double referenceTemperature,
    @Doc("Reference next-token probabilities per prefix (\"\" is the start, \"2 1\" a prefix);"
        + " empty means random from the seed")
        Map<String, List<Double>> referenceTable,
    @Doc("The terminal reward r(y)") SyntheticRewardConfig reward,
    @Doc("rl stage: width of the tiny ELM (one layer, one head) acting in the CoMDP; with no"
        + " reference_table, its initialisation from `seed` is pi_ref") @Range(min = 2, max = 256) int dModel) {

  public SyntheticConfig {
    if (vocabSize < 2) {
      throw new UserInputException("synthetic.vocab_size: found " + vocabSize + ", expected >= 2");
    }
    if (horizon < 1) {
      throw new UserInputException("synthetic.horizon: found " + horizon + ", expected >= 1");
    }
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new UserInputException("synthetic.beta: found " + beta + ", expected a finite value > 0");
    }
    if (!(referenceTemperature > 0) || Double.isInfinite(referenceTemperature)) {
      throw new UserInputException("synthetic.reference_temperature: found " + referenceTemperature
          + ", expected a finite value > 0");
    }
    referenceTable = Map.copyOf(referenceTable == null ? Map.of() : referenceTable);
    if (reward == null) {
      throw new UserInputException("synthetic.reward: missing, expected a reward section");
    }
    if (dModel < 2 || dModel > 256) {
      throw new UserInputException("synthetic.d_model: found " + dModel + ", expected an integer in [2, 256]");
    }
  }

  /** Five tokens, horizon 3, beta 0.5, random reference and reward from seed 7, an ELM of width 16. */
  public static SyntheticConfig defaults() {
    return new SyntheticConfig(5, 3, 0.5, 7, 1.0, Map.of(), SyntheticRewardConfig.defaults(), 16);
  }
}
