package dev.elmrlaif.algorithms.rl.sac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.rl.math.LogProbs;
import dev.elmrlaif.algorithms.rl.math.SoftBellman;
import dev.elmrlaif.algorithms.synthetic.SoftValues;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import dev.elmrlaif.algorithms.synthetic.TokenMdp;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SAC losses of {@link SacLosses} (H2–H4) against {@link SoftBellman}'s per-state formulas and
 * hand-derived gradients, in float64: on a tiny padded batch away from any optimum (with the
 * one-step Q target and with Retrace's), and at the soft-optimal fixed point of a synthetic CoMDP,
 * where both critic losses and the policy gradient vanish with either target.
 */
class SacLossesTest {
  private static final int V = 3;

  /** A batch of tensors built from Java arrays: B rows, C states, V tokens. */
  private static final class Batch {
    final int rows;
    final int width;
    final int vocab;
    final double[] logits;
    final double[] logReference;
    final double[] q;
    final double[] v;
    final double[] targetV;
    final long[] actions;
    final double[] rewards;
    final double[] nextNonTerminal;
    final double[] weights;
    final double[] logBehaviour;

    Batch(int rows, int width, int vocab) {
      this.rows = rows;
      this.width = width;
      this.vocab = vocab;
      logits = new double[rows * width * vocab];
      logReference = new double[rows * width * vocab];
      q = new double[rows * width * vocab];
      v = new double[rows * width];
      targetV = new double[rows * width];
      actions = new long[rows * width];
      rewards = new double[rows * width];
      nextNonTerminal = new double[rows * width];
      weights = new double[rows * width];
      logBehaviour = new double[rows * width];
    }

    double[] row(double[] grid, int cell) {
      return java.util.Arrays.copyOfRange(grid, cell * vocab, (cell + 1) * vocab);
    }

    void setRow(double[] grid, int cell, double[] values) {
      System.arraycopy(values, 0, grid, cell * vocab, vocab);
    }
  }

  /** What {@link SacLosses#compute} returned, with the gradients of the three losses' sum. */
  private record Computed(
      double qLoss,
      double vLoss,
      double policyLoss,
      double[] vTarget,
      double[] qTarget,
      double[] logitGradient,
      double[] qGradient,
      double[] vGradient,
      double[] q) {}

  private static Computed compute(Batch b, double alpha, double gamma) {
    return compute(b, alpha, gamma, 0);
  }

  private static Computed compute(Batch b, double alpha, double gamma, double lambda) {
    return compute(b, alpha, gamma, lambda, false);
  }

  /**
   * {@link SacLosses#compute} on {@code b} and the gradients of the three losses' sum; with {@code
   * qFromPolicy}, Q is {@link SacLosses#policyQ} of V and the logits instead of {@code b.q} (then
   * it has no gradient of its own).
   */
  private static Computed compute(
      Batch b, double alpha, double gamma, double lambda, boolean qFromPolicy) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape grid = new Shape(b.rows, b.width);
      Shape full = new Shape(b.rows, b.width, b.vocab);
      NDArray logits = leaf(manager, b.logits, full);
      NDArray v = leaf(manager, b.v, grid);
      NDArray logReference = constant(manager, b.logReference, full);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logPolicy = logits.logSoftmax(-1);
        NDArray q =
            qFromPolicy
                ? SacLosses.policyQ(v, logPolicy, logReference, alpha)
                : leaf(manager, b.q, full);
        SacLosses.Result result =
            SacLosses.compute(
                new SacLosses.Inputs(
                    logPolicy,
                    logReference,
                    q,
                    v,
                    constant(manager, b.targetV, grid),
                    constant(manager, b.actions, new Shape(b.rows, b.width, 1)),
                    constant(manager, b.rewards, grid),
                    constant(manager, b.nextNonTerminal, grid),
                    constant(manager, b.weights, grid),
                    constant(manager, b.logBehaviour, grid)),
                alpha,
                gamma,
                lambda);
        collector.backward(result.qLoss().add(result.vLoss()).add(result.policyLoss()));
        return new Computed(
            result.qLoss().getDouble(),
            result.vLoss().getDouble(),
            result.policyLoss().getDouble(),
            result.vTarget().toDoubleArray(),
            result.qTarget().toDoubleArray(),
            logits.getGradient().toDoubleArray(),
            qFromPolicy ? null : q.getGradient().toDoubleArray(),
            v.getGradient().toDoubleArray(),
            q.stopGradient().toDoubleArray());
      }
    }
  }

  /**
   * A batch of {@code rows × width} cells whose logits, Q values, reference distributions, V and
   * target V are drawn from a seeded Gaussian; actions, rewards, weights and μ are left to the
   * test.
   */
  private static Batch randomBatch(int rows, int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Batch b = new Batch(rows, width, V);
    for (int i = 0; i < b.logits.length; i++) {
      b.logits[i] = random.nextGaussian();
      b.q[i] = random.nextGaussian();
    }
    for (int cell = 0; cell < rows * width; cell++) {
      double[] z = new double[V];
      for (int a = 0; a < V; a++) {
        z[a] = random.nextGaussian();
      }
      b.setRow(b.logReference, cell, LogProbs.logSoftmax(z));
      b.v[cell] = random.nextGaussian();
      b.targetV[cell] = random.nextGaussian();
    }
    return b;
  }

  @Test
  void targetsLossesAndGradientsAreTheFormulasOfH2ToH4() {
    Batch b = randomBatch(2, 2, 4); // row 0: two states; row 1: one state and one padded cell
    int[] lengths = {2, 1};
    double[] importance = {1.0, 0.5};
    b.actions[0] = 2;
    b.actions[1] = 0;
    b.actions[2] = 1;
    b.rewards[1] = 1.3; // terminal reward of row 0
    b.rewards[2] = 0.7; // terminal reward of row 1
    b.nextNonTerminal[0] = 1;
    double alpha = 0.7;
    double gamma = 0.9;
    for (int row = 0; row < 2; row++) {
      for (int t = 0; t < lengths[row]; t++) {
        b.weights[row * 2 + t] = importance[row] / 3;
      }
    }

    Computed c = compute(b, alpha, gamma);

    double qLoss = 0;
    double vLoss = 0;
    double policyLoss = 0;
    double[] logitGradient = new double[b.logits.length];
    double[] qGradient = new double[b.q.length];
    double[] vGradient = new double[b.v.length];
    for (int row = 0; row < 2; row++) {
      for (int t = 0; t < lengths[row]; t++) {
        int cell = row * 2 + t;
        double w = b.weights[cell];
        double[] logPi = LogProbs.logSoftmax(b.row(b.logits, cell));
        double[] logRef = b.row(b.logReference, cell);
        double[] qs = b.row(b.q, cell);
        boolean last = t == lengths[row] - 1;
        double vHat = SoftBellman.valueTarget(logPi, logRef, qs, alpha);
        double qHat =
            SoftBellman.qTarget(
                b.rewards[cell], gamma, last ? Double.NaN : b.targetV[cell + 1], last);
        assertEquals(vHat, c.vTarget()[cell], 1e-12, "V target at " + cell);
        assertEquals(qHat, c.qTarget()[cell], 1e-12, "Q target at " + cell);
        int action = (int) b.actions[cell];
        vLoss += w * Math.pow(b.v[cell] - vHat, 2);
        qLoss += w * Math.pow(qs[action] - qHat, 2);
        double stateLoss = SoftBellman.policyLoss(logPi, logRef, qs, alpha);
        policyLoss += w * stateLoss;
        vGradient[cell] = 2 * w * (b.v[cell] - vHat);
        qGradient[cell * V + action] = 2 * w * (qs[action] - qHat);
        for (int a = 0; a < V; a++) { // ∂L_π/∂z_a = π_a (f_a − Σ_b π_b f_b), f = α log(π/π_ref) − Q
          double f = alpha * (logPi[a] - logRef[a]) - qs[a];
          logitGradient[cell * V + a] = w * Math.exp(logPi[a]) * (f - stateLoss);
        }
      }
    }
    assertEquals(qLoss, c.qLoss(), 1e-12);
    assertEquals(vLoss, c.vLoss(), 1e-12);
    assertEquals(policyLoss, c.policyLoss(), 1e-12);
    assertArrayEquals(vGradient, c.vGradient(), 1e-12);
    assertArrayEquals(qGradient, c.qGradient(), 1e-12);
    assertArrayEquals(logitGradient, c.logitGradient(), 1e-12);
  }

  /**
   * Retrace(λ)'s Q targets by hand, from the last step back: a row of three steps whose two later
   * actions have importance ratios π/μ of about 2.7 (cut to 1) and 0.37, a row of one step and two
   * padded cells; the V target and the policy loss are those of the one-step update.
   */
  @Test
  void retraceTargetsFollowTheRecursionWithTheRatioCutAtOne() {
    Batch b = randomBatch(2, 3, 9); // row 0: three states; row 1: one state and two padded cells
    long[] actions = {1, 0, 2, 2, 0, 0};
    System.arraycopy(actions, 0, b.actions, 0, 6);
    double[] logPiTaken = new double[6];
    for (int cell = 0; cell < 6; cell++) {
      logPiTaken[cell] = LogProbs.logSoftmax(b.row(b.logits, cell))[(int) actions[cell]];
      b.logBehaviour[cell] = logPiTaken[cell];
    }
    b.logBehaviour[1] = logPiTaken[1] - 1.0; // π/μ = e: the trace is cut to λ
    b.logBehaviour[2] = logPiTaken[2] + 1.0; // π/μ = 1/e
    b.rewards[1] = 0.25; // a per-token reward on a middle step
    b.rewards[2] = 1.3; // terminal reward of row 0
    b.rewards[3] = 0.7; // terminal reward of row 1
    b.nextNonTerminal[0] = 1;
    b.nextNonTerminal[1] = 1;
    for (int cell : new int[] {0, 1, 2, 3}) {
      b.weights[cell] = 1.0 / 4;
    }
    double alpha = 0.7;
    double gamma = 0.9;
    double lambda = 0.6;

    Computed retrace = compute(b, alpha, gamma, lambda);
    Computed oneStep = compute(b, alpha, gamma, 0);

    double q1 = b.q[1 * V + (int) actions[1]];
    double q2 = b.q[2 * V + (int) actions[2]];
    double target2 = 1.3;
    double target1 = 0.25 + gamma * (b.targetV[2] + lambda * Math.exp(-1.0) * (target2 - q2));
    double target0 = gamma * (b.targetV[1] + lambda * 1.0 * (target1 - q1));
    double[] expected = {target0, target1, target2, 0.7, 0, 0};
    assertArrayEquals(expected, retrace.qTarget(), 1e-12);
    double[] qGradient = new double[b.q.length];
    double qLoss = 0;
    for (int cell : new int[] {0, 1, 2, 3}) {
      double taken = b.q[cell * V + (int) actions[cell]];
      qLoss += b.weights[cell] * Math.pow(taken - expected[cell], 2);
      qGradient[cell * V + (int) actions[cell]] = 2 * b.weights[cell] * (taken - expected[cell]);
    }
    assertEquals(qLoss, retrace.qLoss(), 1e-12);
    assertArrayEquals(qGradient, retrace.qGradient(), 1e-12);
    assertArrayEquals(oneStep.vTarget(), retrace.vTarget(), 0.0);
    assertEquals(oneStep.policyLoss(), retrace.policyLoss(), 0.0);
    assertArrayEquals(oneStep.logitGradient(), retrace.logitGradient(), 0.0);
    // λ = 0 is the one-step target r_t + γ·V̄(s_{t+1}), whatever μ is.
    assertEquals(gamma * b.targetV[1], oneStep.qTarget()[0], 1e-12);
    assertEquals(0.25 + gamma * b.targetV[2], oneStep.qTarget()[1], 1e-12);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 1.0})
  void atTheSoftOptimumTheCriticLossesAndThePolicyGradientVanish(double lambda) {
    double alpha = 0.8;
    Batch b = softOptimumBatch(alpha);

    Computed c = compute(b, alpha, 1.0, lambda);

    assertEquals(0.0, c.qLoss(), 1e-20);
    assertEquals(0.0, c.vLoss(), 1e-20);
    assertArrayEquals(new double[b.logits.length], c.logitGradient(), 1e-12);
    assertArrayEquals(new double[b.v.length], c.vGradient(), 1e-10);
    // L_π at π* is −E_s[V*(s)]: α·KL(π* ‖ π_ref) − E_π*[Q*] = −V*(s) at every state.
    double expected = 0;
    for (int cell = 0; cell < b.v.length; cell++) {
      expected -= b.weights[cell] * b.v[cell];
    }
    assertEquals(expected, c.policyLoss(), 1e-12);
  }

  /**
   * Q read from the policy (SacQFunction.POLICY): Q is V plus α times the log-ratio; the V loss is
   * 0, the policy loss is −Σ w·V and has no gradient, and the Q loss gives V the gradient {@code
   * 2w·δ} and each logit {@code 2w·δ·α·(1[a = a_t] − π_a)}, by hand, with the one-step target and
   * with Retrace's.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.6})
  void withQFromThePolicyTheQLossAloneTrainsThePolicyAndV(double lambda) {
    Batch b = randomBatch(2, 3, 5); // row 0: three states; row 1: two states and a padded cell
    int[] lengths = {3, 2};
    long[] actions = {1, 0, 2, 2, 1, 0};
    System.arraycopy(actions, 0, b.actions, 0, 6);
    for (int cell = 0; cell < 6; cell++) {
      b.logBehaviour[cell] =
          LogProbs.logSoftmax(b.row(b.logits, cell))[(int) actions[cell]] - 0.3 * cell;
    }
    b.rewards[2] = 1.3;
    b.rewards[4] = 0.7;
    b.nextNonTerminal[0] = 1;
    b.nextNonTerminal[1] = 1;
    b.nextNonTerminal[3] = 1;
    for (int cell : new int[] {0, 1, 2, 3, 4}) {
      b.weights[cell] = 1.0 / 5;
    }
    double alpha = 0.7;
    double gamma = 0.9;

    Computed c = compute(b, alpha, gamma, lambda, true);

    double[] logitGradient = new double[b.logits.length];
    double[] vGradient = new double[b.v.length];
    double qLoss = 0;
    double policyLoss = 0;
    for (int row = 0; row < 2; row++) {
      for (int t = 0; t < lengths[row]; t++) {
        int cell = row * 3 + t;
        double w = b.weights[cell];
        double[] logPi = LogProbs.logSoftmax(b.row(b.logits, cell));
        double[] logRef = b.row(b.logReference, cell);
        for (int a = 0; a < V; a++) {
          assertEquals(b.v[cell] + alpha * (logPi[a] - logRef[a]), c.q()[cell * V + a], 1e-12);
        }
        assertEquals(b.v[cell], c.vTarget()[cell], 1e-12, "V target = V at " + cell);
        int action = (int) actions[cell];
        double delta = b.v[cell] + alpha * (logPi[action] - logRef[action]) - c.qTarget()[cell];
        qLoss += w * delta * delta;
        policyLoss -= w * b.v[cell];
        vGradient[cell] = 2 * w * delta;
        for (int a = 0; a < V; a++) {
          logitGradient[cell * V + a] =
              2 * w * delta * alpha * ((a == action ? 1 : 0) - Math.exp(logPi[a]));
        }
      }
    }
    assertEquals(qLoss, c.qLoss(), 1e-12);
    assertEquals(0.0, c.vLoss(), 1e-24);
    assertEquals(policyLoss, c.policyLoss(), 1e-12);
    assertArrayEquals(vGradient, c.vGradient(), 1e-12);
    assertArrayEquals(logitGradient, c.logitGradient(), 1e-12);
  }

  /**
   * At the soft optimum, {@code V* + α·log(π* / π_ref)} is {@code Q*} at every state and action, so
   * Q read from the policy is the optimal critic and every loss's gradient vanishes.
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.0, 1.0})
  void atTheSoftOptimumQReadFromThePolicyIsQStar(double lambda) {
    double alpha = 0.8;
    Batch b = softOptimumBatch(alpha);

    Computed c = compute(b, alpha, 1.0, lambda, true);

    for (int cell = 0; cell < b.v.length; cell++) {
      if (b.weights[cell] > 0) { // a real state, not padding
        for (int a = 0; a < b.vocab; a++) {
          int i = cell * b.vocab + a;
          assertEquals(b.q[i], c.q()[i], 1e-12, "Q* at " + cell);
        }
      }
    }
    assertEquals(0.0, c.qLoss(), 1e-20);
    assertArrayEquals(new double[b.logits.length], c.logitGradient(), 1e-12);
    assertArrayEquals(new double[b.v.length], c.vGradient(), 1e-10);
  }

  /**
   * Every sequence of a synthetic CoMDP (vocabulary 4, horizon 2) as a row at its soft optimum for
   * {@code alpha}: logits {@code log π*}, Q* and V* (also as the target V), terminal rewards;
   * generated by π_ref, not π* (Retrace's corrections are 0 at the optimum whatever μ is).
   */
  private static Batch softOptimumBatch(double alpha) {
    TokenMdp mdp = new TokenMdp(4, 2);
    SyntheticCoMdp coMdp =
        new SyntheticCoMdp(
            mdp, TabularPolicy.random(mdp, new SplittableRandom(1), 1.0), SacToy.reward(), alpha);
    SoftValues soft = coMdp.softValues();
    TabularPolicy optimal = coMdp.optimalPolicy();
    List<List<Integer>> sequences = mdp.sequences();
    Batch b = new Batch(sequences.size(), mdp.horizon(), mdp.vocabSize());
    int states = sequences.stream().mapToInt(List::size).sum();
    for (int row = 0; row < sequences.size(); row++) {
      List<Integer> y = sequences.get(row);
      for (int t = 0; t < y.size(); t++) {
        int cell = row * b.width + t;
        List<Integer> s = y.subList(0, t);
        b.setRow(b.logits, cell, optimal.logProbabilities(s));
        b.setRow(b.logReference, cell, coMdp.reference().logProbabilities(s));
        b.setRow(b.q, cell, soft.q(s));
        b.v[cell] = soft.v(s);
        b.targetV[cell] = soft.v(s);
        b.actions[cell] = y.get(t);
        boolean last = t == y.size() - 1;
        b.rewards[cell] = last ? coMdp.reward(y) : 0;
        b.nextNonTerminal[cell] = last ? 0 : 1;
        b.weights[cell] = 1.0 / states;
        b.logBehaviour[cell] = coMdp.reference().logProbabilities(s)[y.get(t)];
      }
    }

    return b;
  }

  private static NDArray leaf(NDManager manager, double[] values, Shape shape) {
    NDArray array = constant(manager, values, shape);
    array.setRequiresGradient(true);
    return array;
  }

  private static NDArray constant(NDManager manager, double[] values, Shape shape) {
    try (NDArray javaBacked = manager.create(values, shape)) {
      return javaBacked.toType(DataType.FLOAT64, true);
    }
  }

  private static NDArray constant(NDManager manager, long[] values, Shape shape) {
    try (NDArray javaBacked = manager.create(values, shape)) {
      return javaBacked.duplicate();
    }
  }
}
