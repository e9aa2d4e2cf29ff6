package dev.elmrlaif.replay;

/** Builds small trajectories whose contents are a function of their number, for checking. */
final class TestTrajectories {
  private TestTrajectories() {}

  /** Trajectory "t{n}" with {@code length} actions; action k is {@code 1000·n + k}. */
  static Trajectory numbered(int n, int length) {
    int[] actions = new int[length];
    double[] behaviour = new double[length];
    double[] reference = new double[length];
    for (int k = 0; k < length; k++) {
      actions[k] = 1000 * n + k;
      behaviour[k] = -0.5 - 0.01 * k;
      reference[k] = -0.7 - 0.02 * k;
    }
    return Trajectory.builder("t" + n)
        .taskId("describe_movie")
        .contexts(new float[] {n, 0.5f, -1f}, new float[] {2f * n})
        .promptIds(7, 8, 9)
        .actionIds(actions)
        .behaviourLogProbs(behaviour)
        .referenceLogProbs(reference)
        .reward(0.25 * n)
        .rewardComponent("sc", 0.1 * n)
        .rewardComponent("bc", -0.3)
        .policyVersion(n / 10)
        .build();
  }

  /** The number n of a trajectory built by {@link #numbered}. */
  static int number(Trajectory t) {
    return Integer.parseInt(t.id().substring(1));
  }

  /** Pearson's chi-square statistic of observed counts against expected probabilities. */
  static double chiSquare(long[] observed, double[] expectedProbabilities) {
    long total = 0;
    for (long o : observed) {
      total += o;
    }
    double chi2 = 0;
    for (int i = 0; i < observed.length; i++) {
      double expected = total * expectedProbabilities[i];
      chi2 += (observed[i] - expected) * (observed[i] - expected) / expected;
    }
    return chi2;
  }
}
