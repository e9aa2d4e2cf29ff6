package dev.elmrlaif.algorithms.rl.reinforce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlLevel;
import dev.elmrlaif.algorithms.rl.math.KlPlacement;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PPO-style reuse of a batch ({@code reinforce.epochs}, {@code reinforce.clip_ratio}; Schulman
 * et al. 2017, Eq. 7): one epoch is today's REINFORCE update bit for bit; on later passes the clip
 * zeroes the gradient of a token whose ratio left the band on the side its advantage favours, and
 * inside the band the gradient is the unclipped {@code A·ρ·∇log π}; with several epochs sampled
 * training still reaches the closed-form optimum of the synthetic CoMDP.
 */
class ReinforceClippedEpochsTest {
  private static final Logger LOG = LogManager.getLogger(ReinforceClippedEpochsTest.class);
  private static final double EPSILON = 0.2;

  @Test
  void oneEpochIsTodaysUpdateBitForBit() {
    ReinforceConfig today = sampledConfig(1.0, KlLevel.TOKEN).build();
    float[] plain = trainedWeights(today);
    float[] oneEpoch =
        trainedWeights(sampledConfig(1.0, KlLevel.TOKEN).epochs(1).clipRatio(0.35).build());
    assertArrayEquals(plain, oneEpoch, "epochs: 1 must give the same weights as the keys left out");
    float[] twoEpochs = trainedWeights(sampledConfig(1.0, KlLevel.TOKEN).epochs(2).build());
    assertFalse(java.util.Arrays.equals(plain, twoEpochs), "a second epoch must change the update");
  }

  /**
   * π_old's log-probs come from the first pass's forward (detached, as plain numbers) and every
   * later pass of the batch reuses them: {@code update} with 3 epochs equals, bit for bit, the
   * first pass plus two passes against that pass's {@link ReinforceTrainer.Batch}; recomputing them
   * before each pass (ratio 1 again, no clip) would give other weights.
   */
  @Test
  void theOldLogProbsAreTakenOnceAndReusedByEveryLaterEpoch() {
    ReinforceConfig config =
        exactConfig(KlLevel.TOKEN)
            .with()
            .samplesPerContext(4)
            .baseline(SyntheticToy.baseline(Baseline.LEAVE_ONE_OUT))
            .learningRate(0.05)
            .epochs(3)
            .build();
    double[] byUpdate;
    double[][] oldLogProbs;
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 11);
        ReinforceTrainer trainer =
            new ReinforceTrainer(toy.policy(), toy.reference(), (c, y) -> 0, config)) {
      Rollouts batch = fourSamples(toy);
      oldLogProbs = trainer.gradients(batch, null).batch().oldLogProbs(); // π_old, before any step
      Map<String, Double> metrics = trainer.update(batch);
      assertTrue(metrics.get("clip_fraction") > 0, "the premise: the later passes clip something");
      byUpdate = weights(toy);
    }
    double[] byHand;
    double[] recomputed;
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 11);
        ReinforceTrainer trainer =
            new ReinforceTrainer(toy.policy(), toy.reference(), (c, y) -> 0, config)) {
      Rollouts batch = fourSamples(toy);
      ReinforceTrainer.Pass first = trainer.gradients(batch, null);
      for (int i = 0; i < oldLogProbs.length; i++) {
        assertArrayEquals(oldLogProbs[i], first.batch().oldLogProbs()[i], 0.0);
      }
      trainer.clipAndStep(first.metrics().get("loss"));
      for (int epoch = 1; epoch < 3; epoch++) {
        trainer.clipAndStep(trainer.gradients(batch, first.batch()).metrics().get("loss"));
      }
      byHand = weights(toy);
    }
    assertArrayEquals(byHand, byUpdate, 0.0, "update = first pass + 2 passes against its batch");
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 11);
        ReinforceTrainer trainer =
            new ReinforceTrainer(toy.policy(), toy.reference(), (c, y) -> 0, config)) {
      Rollouts batch = fourSamples(toy);
      ReinforceTrainer.Pass first = trainer.gradients(batch, null);
      trainer.clipAndStep(first.metrics().get("loss"));
      for (int epoch = 1; epoch < 3; epoch++) {
        double[][] now = trainer.gradients(batch, null).batch().oldLogProbs();
        trainer.clipAndStep(
            trainer
                .gradients(batch, new ReinforceTrainer.Batch(now, first.batch().advantages()))
                .metrics()
                .get("loss"));
      }
      recomputed = weights(toy);
    }
    assertFalse(
        java.util.Arrays.equals(byUpdate, recomputed),
        "recomputing pi_old before each pass must give other weights (the test can fail)");
  }

  /** One context, K = 4 fixed completions with distinct rewards. */
  private static Rollouts fourSamples(SyntheticElmPolicy toy) {
    return Rollouts.sampled(
        List.of(toy.prompt(), toy.prompt(), toy.prompt(), toy.prompt()),
        List.of(new int[] {1, 2}, new int[] {0, 3}, new int[] {2, 2}, new int[] {3, 1}),
        new double[] {1.0, 0.2, -0.5, 0.7},
        4);
  }

  private static double[] weights(SyntheticElmPolicy toy) {
    List<Double> values = new ArrayList<>();
    for (NDArray parameter : toy.policy().trainableParameters().values()) {
      for (double v : parameter.toDoubleArray()) {
        values.add(v);
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void clipZeroesTheGradientOutsideTheBandOnTheFavouredSideOnly() {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 11);
        ReinforceTrainer trainer =
            new ReinforceTrainer(
                toy.policy(), toy.reference(), (c, y) -> 1, exactConfig(KlLevel.TOKEN))) {
      SyntheticToy.moveAwayFromReference(toy, 0.3, 2);
      Rollouts one =
          Rollouts.sampled(List.of(toy.prompt()), List.of(new int[] {1, 2}), new double[] {1}, 1);
      double[] logp = trainer.gradients(one, null).batch().oldLogProbs()[0];
      assertEquals(2, logp.length);
      // −∇log π(a_t|s_t) for each token: a later pass at ratio 1 with a unit advantage on that
      // token.
      double[] g0 = gradient(trainer, toy, one, logp, 1, 0);
      double[] g1 = gradient(trainer, toy, one, logp, 0, 1);
      assertTrue(norm(g0) > 1e-3 && norm(g1) > 1e-3, "the token gradients are not trivially zero");

      // A > 0: token 0 at ratio 1.5 > 1 + ε is clipped (zero gradient), token 1 at 1.1 is not.
      double[] old = {logp[0] - Math.log(1.5), logp[1] - Math.log(1.1)};
      ReinforceTrainer.Pass pass = trainer.gradients(one, batch(old, 1, 1));
      assertClose(combine(0, g0, 1.1, g1), parameterGradient(toy), "A > 0");
      assertEquals(0.5, pass.metrics().get("clip_fraction"), 0);
      assertEquals(-(1 + EPSILON) - 1.1, pass.metrics().get("loss"), 1e-12); // −Σ min(ρA, clip(ρ)A)

      // A < 0: the ratio above 1 + ε is not clipped (the min keeps ρ·A), so both tokens count.
      pass = trainer.gradients(one, batch(old, -1, -1));
      assertClose(
          combine(-1.5, g0, -1.1, g1), parameterGradient(toy), "A < 0, ratio above the band");
      assertEquals(0, pass.metrics().get("clip_fraction"), 0);

      // A < 0 and ratio 0.5 < 1 − ε: clipped; a single token, so no gradient at all.
      trainer.gradients(one, batch(new double[] {logp[0] - Math.log(0.5), logp[1]}, -1, 0));
      assertEquals(0, norm(parameterGradient(toy)), 0, "A < 0, ratio below the band");
    }
  }

  @Test
  void sequenceLevelClipsTheProductOfTheTokenRatios() {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 11);
        ReinforceTrainer trainer =
            new ReinforceTrainer(
                toy.policy(), toy.reference(), (c, y) -> 1, exactConfig(KlLevel.SEQUENCE))) {
      SyntheticToy.moveAwayFromReference(toy, 0.3, 2);
      Rollouts one =
          Rollouts.sampled(List.of(toy.prompt()), List.of(new int[] {1, 2}), new double[] {1}, 1);
      double[] logp = trainer.gradients(one, null).batch().oldLogProbs()[0];
      double[] g =
          gradient(trainer, toy, one, logp, 1, 1); // −∇(log π(a_0) + log π(a_1)) at ratio 1
      assertTrue(norm(g) > 1e-3);
      // 1.05 · 1.1 = 1.155 is inside the band: gradient ρ·A·∇log π(y).
      trainer.gradients(
          one, batch(new double[] {logp[0] - Math.log(1.05), logp[1] - Math.log(1.1)}, 1, 1));
      assertClose(combine(1.05 * 1.1, g, 0, g), parameterGradient(toy), "inside the band");
      // 1.3 · 1 = 1.3 > 1 + ε with A > 0: the whole sequence is clipped, though no token ratio
      // alone is.
      ReinforceTrainer.Pass pass =
          trainer.gradients(one, batch(new double[] {logp[0] - Math.log(1.3), logp[1]}, 1, 1));
      assertEquals(0, norm(parameterGradient(toy)), 0, "outside the band");
      assertEquals(1, pass.metrics().get("clip_fraction"), 0);
    }
  }

  @ParameterizedTest
  @CsvSource({"1.0, TOKEN, 300", "0.5, SEQUENCE, 150"})
  void severalEpochsStillReachTheKlRegularisedOptimum(double beta, KlLevel level, int steps) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      SyntheticCoMdp coMdp = toy.coMdp(SyntheticToy.randomReward(toy.mdp(), 4.0, 5), beta);
      double initial = toy.totalVariationToOptimal(coMdp);
      assertTrue(initial > 0.08, "the start must be far from the optimum: TV " + initial);
      ReinforceConfig config = sampledConfig(beta, level).samplesPerContext(128).epochs(4).build();
      double clipFraction = 0;
      try (ReinforceTrainer trainer =
          new ReinforceTrainer(
              toy.policy(), toy.reference(), SyntheticElmPolicy.completionReward(coMdp), config)) {
        for (int step = 0; step < steps; step++) {
          clipFraction =
              Math.max(
                  clipFraction, trainer.step(List.of(toy.prompt())).metrics().get("clip_fraction"));
        }
        assertEquals(steps, trainer.completedSteps());
      }
      double trained = toy.totalVariationToOptimal(coMdp);
      LOG.info(
          String.format(
              java.util.Locale.ROOT,
              "beta %.1f %s, 4 epochs: TV to pi* %.4f -> %.4f after %d steps, largest clip fraction %.3f",
              beta,
              level,
              initial,
              trained,
              steps,
              clipFraction));
      assertTrue(trained <= 0.05, "TV to pi* after " + steps + " steps of 4 epochs is " + trained);
    }
  }

  private static ReinforceConfigBuilder sampledConfig(double beta, KlLevel level) {
    return ReinforceConfig.defaults()
        .with()
        .samplesPerContext(16)
        .maxNewTokens(2)
        .learningRate(0.004)
        .gradClip(0)
        .kl(SyntheticToy.kl(KlEstimator.K1, level, KlPlacement.REWARD, beta))
        .baseline(SyntheticToy.baseline(Baseline.LEAVE_ONE_OUT))
        .seed(1);
  }

  private static ReinforceConfig exactConfig(KlLevel level) {
    return ReinforceConfig.defaults()
        .with()
        .samplesPerContext(1)
        .kl(SyntheticToy.kl(KlEstimator.K1, level, KlPlacement.REWARD, 0.7))
        .baseline(SyntheticToy.baseline(Baseline.NONE))
        .epochs(2)
        .clipRatio(EPSILON)
        .build();
  }

  /** The policy's weights after 5 sampled steps on the CoMDP with {@code config}. */
  private static float[] trainedWeights(ReinforceConfig config) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3);
        ReinforceTrainer trainer =
            new ReinforceTrainer(
                toy.policy(),
                toy.reference(),
                SyntheticElmPolicy.completionReward(
                    toy.coMdp(SyntheticToy.randomReward(toy.mdp(), 4.0, 5), 1.0)),
                config)) {
      for (int step = 0; step < 5; step++) {
        trainer.step(List.of(toy.prompt()));
      }
      List<Float> values = new ArrayList<>();
      for (NDArray parameter : toy.policy().trainableParameters().values()) {
        for (float v : parameter.toFloatArray()) {
          values.add(v);
        }
      }
      float[] flat = new float[values.size()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = values.get(i);
      }
      return flat;
    }
  }

  private static ReinforceTrainer.Batch batch(double[] oldLogProbs, double a0, double a1) {
    return new ReinforceTrainer.Batch(new double[][] {oldLogProbs}, new double[][] {{a0, a1}});
  }

  /**
   * The parameter gradient a later pass leaves with π_old = the current policy and advantages (a0,
   * a1).
   */
  private static double[] gradient(
      ReinforceTrainer trainer,
      SyntheticElmPolicy toy,
      Rollouts one,
      double[] logp,
      double a0,
      double a1) {
    trainer.gradients(one, batch(logp, a0, a1));
    return parameterGradient(toy);
  }

  private static double[] parameterGradient(SyntheticElmPolicy toy) {
    List<Double> values = new ArrayList<>();
    for (Map.Entry<String, NDArray> entry : toy.policy().trainableParameters().entrySet()) {
      try (NDArray g = entry.getValue().getGradient()) {
        for (double v : g.toDoubleArray()) {
          values.add(v);
        }
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] combine(double c0, double[] g0, double c1, double[] g1) {
    double[] out = new double[g0.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = c0 * g0[i] + c1 * g1[i];
    }
    return out;
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length);
    double scale = Math.max(norm(expected), 1e-12);
    double[] difference = combine(1, expected, -1, actual);
    assertTrue(
        norm(difference) <= 1e-10 * scale,
        what + ": gradient off by " + norm(difference) + " (norm " + scale + ")");
  }

  private static double norm(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v * v;
    }
    return Math.sqrt(sum);
  }
}
