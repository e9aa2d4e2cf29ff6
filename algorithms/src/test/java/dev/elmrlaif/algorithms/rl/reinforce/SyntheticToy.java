package dev.elmrlaif.algorithms.rl.reinforce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.algorithms.rl.math.BaselineConfig;
import dev.elmrlaif.algorithms.rl.math.KlConfig;
import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlLevel;
import dev.elmrlaif.algorithms.rl.math.KlPlacement;
import dev.elmrlaif.algorithms.synthetic.SequenceReward;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import dev.elmrlaif.algorithms.synthetic.TokenMdp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

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
    return KlConfig.defaults()
        .with(
            b ->
                b.estimator(estimator)
                    .level(level)
                    .placement(placement)
                    .controller(KlControllerConfig.defaults().withBeta(beta)));
  }

  static BaselineConfig baseline(Baseline kind) {
    return BaselineConfig.defaults().withKind(kind);
  }

  /**
   * Adds {@code N(0, scale²)} noise to every trainable parameter of the policy (not the frozen
   * reference), so gradient checks run where {@code π ≠ π_ref} and the KL terms count: at {@code π
   * = π_ref} the KL and its gradient are zero and {@code β} would go untested.
   */
  static void moveAwayFromReference(SyntheticElmPolicy toy, double scale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (NDArray parameter : toy.policy().trainableParameters().values()) {
      double[] values = parameter.toDoubleArray();
      for (int j = 0; j < values.length; j++) {
        values[j] += scale * gaussian(random);
      }
      overwrite(parameter, values);
    }
  }

  /**
   * Writes {@code values} into {@code parameter} in place by adding the difference, an array the
   * engine owns (DJL's {@code set} on a parameter did not leave the gradient checks reproducible
   * from one model to the next in the same JVM).
   */
  private static void overwrite(NDArray parameter, double[] values) {
    try (NDArray javaBacked = parameter.getManager().create(values, parameter.getShape());
        NDArray target = javaBacked.duplicate();
        NDArray difference = target.sub(parameter)) {
      parameter.addi(difference);
    }
  }

  private static double gaussian(SplittableRandom random) { // Box-Muller
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** How many parameter entries a finite-difference check compared, and the largest |∂L/∂θ|. */
  record FiniteDifferences(int checked, double largest) {}

  /**
   * Compares the gradient left on the policy's parameters with central differences {@code (L(θ + h)
   * − L(θ − h)) / 2h} of {@code loss}, evaluated on the policy's exact tabular form, at about
   * {@code perParameter} entries of every trainable parameter; float64 only.
   */
  static FiniteDifferences assertGradientMatches(
      SyntheticElmPolicy toy,
      int perParameter,
      ToDoubleFunction<TabularPolicy> loss,
      double tolerance) {
    double step = 1e-5;
    int checked = 0;
    double largest = 0;
    for (Map.Entry<String, NDArray> entry : toy.policy().trainableParameters().entrySet()) {
      NDArray parameter = entry.getValue();
      double[] gradient;
      try (NDArray g = parameter.getGradient()) {
        gradient = g.toDoubleArray();
      }
      double[] values = parameter.toDoubleArray();
      for (int j = 0; j < values.length; j += Math.max(1, values.length / perParameter)) {
        double original = values[j];
        values[j] = original + step;
        overwrite(parameter, values);
        double plus = loss.applyAsDouble(toy.tabular(toy.policy()));
        values[j] = original - step;
        overwrite(parameter, values);
        double minus = loss.applyAsDouble(toy.tabular(toy.policy()));
        values[j] = original;
        overwrite(parameter, values);
        double expected = (plus - minus) / (2 * step);
        assertEquals(expected, gradient[j], tolerance, entry.getKey() + "[" + j + "]");
        largest = Math.max(largest, Math.abs(expected));
        checked++;
      }
    }
    return new FiniteDifferences(checked, largest);
  }
}
