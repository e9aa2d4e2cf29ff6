package dev.elmrlaif.algorithms.synthetic;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Map;

/**
 * A synthetic token CoMDP whose KL-regularised optimum is known exactly ({@link SyntheticCoMdp}),
 * used to check that the RL trainers converge to it (YAML section {@code synthetic}).
 */
@RecordBuilder
public record SyntheticConfig(
    @Doc("Vocabulary size, the end token 0 included") @Range(min = 2, max = 8) @Default("5")
        int vocabSize,
    @Doc("Most tokens per sequence (the episode also ends at the end token 0)")
        @Range(min = 1, max = 5)
        @Default("3")
        int horizon,
    @Doc("KL coefficient beta of the objective E[r] - beta KL(pi || pi_ref)")
        @Range(min = 0, minExclusive = true)
        @Default("0.5")
        double beta,
    @Doc("Seed of the random reference policy and the random reward") @Default("7") long seed,
    @Doc("Random reference only: pi_ref(.|s) = softmax(z / temperature), z ~ N(0, 1)")
        @Range(min = 0, minExclusive = true)
        @Default("1.0")
        double referenceTemperature,
    @Doc(
            "Reference next-token probabilities per prefix (\"\" is the start, \"2 1\" a prefix);"
                + " empty means random from the seed")
        @Default("{}")
        Map<String, List<Double>> referenceTable,
    @Doc("The terminal reward r(y)") SyntheticRewardConfig reward,
    @Doc(
            "rl stage: width of the tiny ELM (one layer, one head) acting in the CoMDP; with no"
                + " reference_table, its initialisation from `seed` is pi_ref")
        @Range(min = 2, max = 256)
        @Default("16")
        int dModel)
    implements SyntheticConfigBuilder.With {

  public SyntheticConfig {
    referenceTable = Map.copyOf(referenceTable == null ? Map.of() : referenceTable);
    if (reward == null) {
      throw new ConfigException("reward", "missing, expected a reward section");
    }
  }

  /**
   * Five tokens, horizon 3, beta 0.5, random reference and reward from seed 7, an ELM of width 16.
   */
  public static SyntheticConfig defaults() {
    return ConfigKeys.defaults(SyntheticConfig.class);
  }
}
