package dev.elmrlaif.algorithms.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.domain.base.UserInputException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticCoMdpTest {

  private static SyntheticConfig config(
      int vocab, int horizon, double beta, long seed, double scale) {
    return SyntheticConfig.defaults()
        .with(
            b ->
                b.vocabSize(vocab)
                    .horizon(horizon)
                    .beta(beta)
                    .seed(seed)
                    .reward(SyntheticRewardConfig.defaults().withScale(scale)));
  }

  private static final List<SyntheticConfig> CONFIGS =
      List.of(
          SyntheticConfig.defaults(),
          config(3, 2, 1.0, 1, 1.0),
          config(4, 4, 0.1, 2, 1.0),
          config(6, 4, 0.05, 3, 3.0), // large r/beta: 60 nats of spread
          config(2, 5, 2.0, 4, 1.0),
          SyntheticConfig.defaults()
              .with(
                  b ->
                      b.vocabSize(6)
                          .beta(0.3)
                          .seed(5)
                          .referenceTemperature(0.5)
                          .reward(
                              SyntheticRewardConfig.defaults()
                                  .with(
                                      c ->
                                          c.kind(SyntheticRewardConfig.Kind.TOKEN_COUNT)
                                              .token(2)))));

  @Test
  void enumeratesEverySequenceOnce() {
    TokenMdp mdp = new TokenMdp(4, 3);
    // Ending with END at step 1, 2 or 3: 1 + 3 + 9; no END within 3 tokens: 27.
    assertEquals(40, mdp.sequences().size());
    assertEquals(1 + 3 + 9, mdp.states().size());
    assertEquals(mdp.sequences().size(), mdp.sequences().stream().distinct().count());
    assertEquals(
        1.0,
        TabularPolicy.uniform(mdp).sequenceDistribution().values().stream()
            .mapToDouble(Double::doubleValue)
            .sum(),
        1e-14);
  }

  @Test
  void softBellmanPolicyReproducesTheClosedFormOptimum() {
    for (SyntheticConfig c : CONFIGS) {
      SyntheticCoMdp comdp = SyntheticCoMdp.from(c);
      Map<List<Integer>, Double> closedForm = comdp.optimalSequenceDistribution();
      Map<List<Integer>, Double> perPrefix = comdp.optimalPolicy().sequenceDistribution();
      assertEquals(1.0, closedForm.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
      for (List<Integer> y : comdp.mdp().sequences()) {
        assertEquals(closedForm.get(y), perPrefix.get(y), 1e-12, c + " sequence " + y);
      }
      assertEquals(0.0, comdp.totalVariationToOptimal(comdp.optimalPolicy()), 1e-12);
    }
  }

  @Test
  void optimalObjectiveIsBetaLogZAndBeatsEveryOtherPolicy() {
    for (SyntheticConfig c : CONFIGS) {
      SyntheticCoMdp comdp = SyntheticCoMdp.from(c);
      TabularPolicy optimal = comdp.optimalPolicy();
      double best = comdp.optimalObjective();
      assertEquals(best, comdp.objective(optimal), 1e-12 * Math.max(1, Math.abs(best)));
      assertEquals(best, comdp.softValues().v(List.of()), 1e-12 * Math.max(1, Math.abs(best)));
      Map<List<Integer>, Double> optimalDistribution = comdp.optimalSequenceDistribution();
      SplittableRandom random = new SplittableRandom(c.seed() + 100);
      for (int trial = 0; trial < 40; trial++) {
        TabularPolicy other = TabularPolicy.random(comdp.mdp(), random, 0.3 + trial * 0.1);
        double j = comdp.objective(other);
        assertTrue(j < best, "J(random)=" + j + " >= J(pi*)=" + best);
        // Gibbs: J(pi) = beta log Z − beta KL(pi || pi*) exactly.
        assertEquals(
            best,
            j + comdp.beta() * klBetweenSequences(other, optimalDistribution),
            1e-10 * Math.max(1, Math.abs(best)));
      }
      assertEquals(
          comdp.expectedReward(comdp.reference()), comdp.objective(comdp.reference()), 1e-14);
      assertTrue(comdp.objective(comdp.reference()) <= best);
    }
  }

  private static double klBetweenSequences(
      TabularPolicy policy, Map<List<Integer>, Double> optimal) {
    double kl = 0;
    for (List<Integer> y : optimal.keySet()) {
      double p = policy.sequenceProbability(y);
      kl += p * Math.log(p / optimal.get(y));
    }
    return kl;
  }

  @Test
  void handComputedTwoTokenExample() {
    // Tokens {END, 1}, horizon 2, uniform reference, r = number of 1s, beta = 1.
    // Sequences [0], [1 0], [1 1] with pi_ref 1/2, 1/4, 1/4 and rewards 0, 1, 2.
    SyntheticConfig c =
        SyntheticConfig.defaults()
            .with(
                b ->
                    b.vocabSize(2)
                        .horizon(2)
                        .beta(1.0)
                        .seed(0)
                        .referenceTable(Map.of("", List.of(0.5, 0.5), "1", List.of(0.5, 0.5)))
                        .reward(
                            SyntheticRewardConfig.defaults()
                                .withKind(SyntheticRewardConfig.Kind.TOKEN_COUNT)));
    SyntheticCoMdp comdp = SyntheticCoMdp.from(c);
    double e = Math.E;
    double z = 0.5 + 0.25 * e + 0.25 * e * e;
    assertEquals(Math.log(z), comdp.logPartition(), 1e-15);
    assertEquals(0.25 * e * e / z, comdp.optimalSequenceDistribution().get(List.of(1, 1)), 1e-15);
    // V*("1") = log(½e + ½e²); Q*(root, 1) = V*("1"); pi*(1|root) = ½ exp(Q − V*(root)).
    SoftValues values = comdp.softValues();
    assertEquals(Math.log(0.5 * e + 0.5 * e * e), values.v(List.of(1)), 1e-14);
    assertEquals(0.0, values.q(List.of())[0], 0.0);
    assertEquals(
        (0.25 * e + 0.25 * e * e) / z, comdp.optimalPolicy().probabilities(List.of())[1], 1e-15);
    assertEquals(e / (1 + e), comdp.optimalPolicy().probabilities(List.of(1))[1], 1e-15);
    // TV(pi_ref, pi*) = ½ Σ |pi_ref − pi*|.
    double[] ref = {0.5, 0.25, 0.25};
    double[] opt = {0.5 / z, 0.25 * e / z, 0.25 * e * e / z};
    double tv = 0;
    for (int i = 0; i < 3; i++) {
      tv += 0.5 * Math.abs(ref[i] - opt[i]);
    }
    assertEquals(tv, comdp.totalVariationToOptimal(comdp.reference()), 1e-15);
  }

  @Test
  void rewardTableAndReferenceTableAreValidated() {
    SyntheticRewardConfig table =
        SyntheticRewardConfig.defaults()
            .with(
                b ->
                    b.kind(SyntheticRewardConfig.Kind.TABLE)
                        .token(0)
                        .table(Map.of("1 2 0", 1.5, "0", -1.0)));
    SyntheticCoMdp comdp =
        SyntheticCoMdp.from(
            SyntheticConfig.defaults().with(b -> b.vocabSize(3).seed(9).reward(table)));
    assertEquals(1.5, comdp.reward(List.of(1, 2, 0)), 0.0);
    assertEquals(-1.0, comdp.reward(List.of(0)), 0.0);
    assertEquals(0.0, comdp.reward(List.of(2, 2, 2)), 0.0);

    UserInputException notComplete =
        assertThrows(
            UserInputException.class,
            () ->
                SyntheticCoMdp.from(
                    SyntheticConfig.defaults()
                        .with(
                            b ->
                                b.vocabSize(3)
                                    .seed(9)
                                    .reward(
                                        SyntheticRewardConfig.defaults()
                                            .with(
                                                c ->
                                                    c.kind(SyntheticRewardConfig.Kind.TABLE)
                                                        .token(0)
                                                        .table(Map.of("1 2", 1.0)))))));
    assertTrue(
        notComplete.getMessage().contains("synthetic.reward.table.\"1 2\""),
        notComplete.getMessage());
    UserInputException badToken =
        assertThrows(
            UserInputException.class,
            () ->
                SyntheticCoMdp.from(
                    SyntheticConfig.defaults()
                        .with(
                            b ->
                                b.vocabSize(3)
                                    .seed(9)
                                    .reward(
                                        SyntheticRewardConfig.defaults()
                                            .with(
                                                c ->
                                                    c.kind(SyntheticRewardConfig.Kind.TABLE)
                                                        .token(0)
                                                        .table(Map.of("1 7 0", 1.0)))))));
    assertTrue(badToken.getMessage().contains("token 7 at position 1"), badToken.getMessage());
    UserInputException endInside =
        assertThrows(
            UserInputException.class,
            () ->
                SyntheticCoMdp.from(
                    SyntheticConfig.defaults()
                        .with(
                            b ->
                                b.vocabSize(3)
                                    .seed(9)
                                    .reward(
                                        SyntheticRewardConfig.defaults()
                                            .with(
                                                c ->
                                                    c.kind(SyntheticRewardConfig.Kind.TABLE)
                                                        .token(0)
                                                        .table(Map.of("0 1", 1.0)))))));
    assertTrue(
        endInside.getMessage().contains("end token 0 at position 0"), endInside.getMessage());

    UserInputException missingRow =
        assertThrows(
            UserInputException.class,
            () ->
                SyntheticCoMdp.from(
                    SyntheticConfig.defaults()
                        .with(
                            b ->
                                b.vocabSize(2)
                                    .horizon(2)
                                    .beta(1.0)
                                    .seed(0)
                                    .referenceTable(Map.of("", List.of(0.5, 0.5)))
                                    .reward(table))));
    assertTrue(
        missingRow.getMessage().contains("no row for prefix \"1\""), missingRow.getMessage());
    UserInputException badRow =
        assertThrows(
            UserInputException.class,
            () ->
                SyntheticCoMdp.from(
                    SyntheticConfig.defaults()
                        .with(
                            b ->
                                b.vocabSize(2)
                                    .horizon(2)
                                    .beta(1.0)
                                    .seed(0)
                                    .referenceTable(
                                        Map.of("", List.of(0.5, 0.6), "1", List.of(0.5, 0.5)))
                                    .reward(table))));
    assertTrue(
        badRow.getMessage().contains("synthetic.reference_table.\"\"")
            && badRow.getMessage().contains("sum to 1.1"),
        badRow.getMessage());
    UserInputException badBeta =
        YamlConfigs.rejects("synthetic:\n  vocab_size: 3\n  beta: 0.0\n  seed: 9\n");
    assertTrue(
        badBeta.getMessage().contains("line 3: synthetic.beta: found 0.0"), badBeta.getMessage());
  }

  @Test
  void sameSeedSameProblemAndStreamsAreIndependent() {
    SyntheticCoMdp a = SyntheticCoMdp.from(SyntheticConfig.defaults());
    SyntheticCoMdp b = SyntheticCoMdp.from(SyntheticConfig.defaults());
    assertEquals(a.optimalSequenceDistribution(), b.optimalSequenceDistribution());
    // A reference table does not change the random rewards drawn from the same seed.
    SyntheticConfig d = SyntheticConfig.defaults();
    TokenMdp mdp = new TokenMdp(d.vocabSize(), d.horizon());
    Map<String, List<Double>> uniformRows = new java.util.HashMap<>();
    for (List<Integer> s : mdp.states()) {
      uniformRows.put(TokenMdp.format(s), List.of(0.2, 0.2, 0.2, 0.2, 0.2));
    }
    SyntheticCoMdp withTable = SyntheticCoMdp.from(d.withReferenceTable(uniformRows));
    for (List<Integer> y : mdp.sequences()) {
      assertEquals(a.reward(y), withTable.reward(y), 0.0);
    }
  }
}
