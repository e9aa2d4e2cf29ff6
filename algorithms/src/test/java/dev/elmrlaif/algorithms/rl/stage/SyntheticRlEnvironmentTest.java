package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.algorithms.synthetic.SyntheticConfig;
import dev.elmrlaif.algorithms.synthetic.SyntheticRewardConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The synthetic environment's π_ref: "given" fits the ELM to the configured table (the CoMDP then
 * uses the table read back from the model, close to the configured one); "random" is the ELM's
 * initialisation. Before training the policy is π_ref, so its TV to π* is the optimum's own
 * distance from π_ref and its objective J(π_ref) = E_ref[r].
 */
class SyntheticRlEnvironmentTest {
  private static final Map<String, List<Double>> TABLE =
      Map.of(
          "", List.of(0.1, 0.6, 0.3),
          "1", List.of(0.5, 0.25, 0.25),
          "2", List.of(0.2, 0.2, 0.6));

  private static SyntheticConfig config(Map<String, List<Double>> table) {
    return SyntheticConfig.defaults()
        .with(
            b ->
                b.vocabSize(3)
                    .horizon(2)
                    .seed(4)
                    .referenceTable(table)
                    .reward(
                        SyntheticRewardConfig.defaults()
                            .with(c -> c.kind(SyntheticRewardConfig.Kind.TOKEN_COUNT).token(2)))
                    .dModel(8));
  }

  @Test
  void aGivenReferenceTableIsFittedAndReadBack() {
    SyntheticCoMdp configured = SyntheticCoMdp.from(config(TABLE));
    try (SyntheticRlEnvironment environment = SyntheticRlEnvironment.create(config(TABLE))) {
      SyntheticCoMdp actual = environment.coMdp();
      for (List<Integer> y : actual.mdp().sequences()) {
        assertEquals(
            configured.reference().sequenceProbability(y),
            actual.reference().sequenceProbability(y),
            0.01,
            "pi_ref of " + y);
        assertEquals(configured.reward(y), actual.reward(y), 0.0);
      }
      Map<String, Double> figures = environment.figures();
      assertEquals(0.0, figures.get("kl_to_reference"), 1e-6, "the policy starts at pi_ref");
      assertEquals(
          actual.expectedReward(actual.reference()), figures.get("objective_trained"), 1e-6);
      assertEquals(actual.optimalObjective(), figures.get("objective_optimal"), 0.0);
      assertTrue(figures.get("tv_to_optimum") > 0.1, "pi* moves mass toward token 2: " + figures);
      assertEquals(0.5, figures.get("beta"), 0.0);
    }
  }

  @Test
  void aRandomReferenceIsTheElmsInitialisation() {
    try (SyntheticRlEnvironment environment = SyntheticRlEnvironment.create(config(Map.of()))) {
      SyntheticCoMdp coMdp = environment.coMdp();
      double distanceFromTable =
          SyntheticCoMdp.totalVariation(
              coMdp.reference().sequenceDistribution(),
              SyntheticCoMdp.from(config(TABLE)).reference().sequenceDistribution());
      assertTrue(distanceFromTable > 0.05, "not the table: " + distanceFromTable);
      assertEquals(3, environment.contexts(17, 3).size());
      assertEquals(
          List.of(0),
          java.util.Arrays.stream(environment.contexts(0, 1).get(0).tokenIds()).boxed().toList());
    }
  }
}
