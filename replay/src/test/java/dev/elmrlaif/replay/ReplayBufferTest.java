package dev.elmrlaif.replay;

import static dev.elmrlaif.replay.TestTrajectories.chiSquare;
import static dev.elmrlaif.replay.TestTrajectories.number;
import static dev.elmrlaif.replay.TestTrajectories.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
  /** Chi-square critical values at p = 0.001 for the degrees of freedom used below. */
  private static final double CHI2_DF4 = 18.47;

  private static final double CHI2_DF9 = 27.88;

  @Test
  void evictsOldestFirstAtTrajectoryCapacity() {
    ReplayBuffer buffer = ReplayBuffer.create(ReplayConfig.uniform(3), ResumableRandom.seeded(1));
    for (int n = 0; n < 5; n++) {
      buffer.add(numbered(n, 2));
    }
    assertEquals(List.of(numbered(2, 2), numbered(3, 2), numbered(4, 2)), buffer.snapshot());
    assertEquals(3, buffer.size());
    assertEquals(6, buffer.transitionCount());
    assertEquals(5, buffer.insertedCount());
    assertEquals(2, buffer.evictedCount());
    assertFalse(buffer.contains("t1"));
    assertTrue(buffer.contains("t2"));
    assertFalse(buffer.updatePriority("t0", 3.0));
  }

  @Test
  void evictsOldestFirstAtTransitionCapacity() {
    ReplayBuffer buffer =
        ReplayBuffer.create(
            ReplayConfig.uniform(10).withMaxTransitions(10), ResumableRandom.seeded(1));
    buffer.add(numbered(0, 4));
    buffer.add(numbered(1, 3));
    buffer.add(numbered(2, 3));
    assertEquals(10, buffer.transitionCount());
    buffer.add(numbered(3, 5)); // needs 5 more: evicts t0 (4) and t1 (3)
    assertEquals(List.of(numbered(2, 3), numbered(3, 5)), buffer.snapshot());
    assertEquals(8, buffer.transitionCount());
    IllegalArgumentException tooLong =
        assertThrows(IllegalArgumentException.class, () -> buffer.add(numbered(4, 11)));
    assertTrue(tooLong.getMessage().contains("maxTransitions=10"), tooLong.getMessage());
  }

  @Test
  void rejectsDuplicateIds() {
    ReplayBuffer buffer = ReplayBuffer.create(ReplayConfig.uniform(4), ResumableRandom.seeded(1));
    buffer.add(numbered(1, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> buffer.add(numbered(1, 2)));
    assertTrue(e.getMessage().contains("t1"), e.getMessage());
  }

  @Test
  void uniformTrajectorySamplingIsUniformOverTrajectories() {
    ReplayBuffer buffer = ReplayBuffer.create(ReplayConfig.uniform(8), ResumableRandom.seeded(42));
    for (int n = 0; n < 7; n++) {
      buffer.add(numbered(n, 1 + n)); // evicts nothing; lengths must not matter here
    }
    buffer.add(numbered(7, 1));
    buffer.add(numbered(8, 1)); // evicts t0; the ring now wraps
    long[] counts = new long[8];
    for (SampledTrajectory s : buffer.sampleTrajectories(40_000)) {
      counts[number(s.trajectory()) - 1]++;
      assertEquals(1.0 / 8, s.probability(), 1e-15);
      assertEquals(1.0, s.importanceWeight());
    }
    double[] expected = new double[8];
    java.util.Arrays.fill(expected, 1.0 / 8);
    assertTrue(chiSquare(counts, expected) < 24.32, "chi2 (df 7, p=0.001 critical 24.32)");
  }

  @Test
  void prioritisedSamplingFrequenciesMatchPriorities() {
    ReplayConfig config = new ReplayConfig(5, 0, true, 0.5, 1.0, 0.0);
    ReplayBuffer buffer = ReplayBuffer.create(config, ResumableRandom.seeded(7));
    double[] priorities = {1, 2, 3, 4, 10};
    for (int n = 0; n < 5; n++) {
      buffer.add(numbered(n, 2), priorities[n]);
    }
    double[] weights = new double[5];
    double total = 0;
    for (int n = 0; n < 5; n++) {
      weights[n] = Math.sqrt(priorities[n]);
      total += weights[n];
    }
    double[] expected = new double[5];
    for (int n = 0; n < 5; n++) {
      expected[n] = weights[n] / total;
    }
    long[] counts = new long[5];
    for (SampledTrajectory s : buffer.sampleTrajectories(50_000)) {
      int n = number(s.trajectory());
      counts[n]++;
      assertEquals(expected[n], s.probability(), 1e-12);
      assertEquals(
          weights[0] / weights[n], s.importanceWeight(), 1e-12); // (w_min/w_i)^beta, beta 1
    }
    assertTrue(chiSquare(counts, expected) < CHI2_DF4, "chi2 " + chiSquare(counts, expected));
    // A wrong exponent (alpha = 1 instead of 0.5) is far outside the threshold.
    double[] alphaOne = new double[5];
    for (int n = 0; n < 5; n++) {
      alphaOne[n] = priorities[n] / 20.0;
    }
    assertTrue(chiSquare(counts, alphaOne) > 100 * CHI2_DF4);
  }

  @Test
  void priorityUpdatesChangeFrequencies() {
    ReplayConfig config = new ReplayConfig(5, 0, true, 1.0, 0.5, 0.0);
    ReplayBuffer buffer = ReplayBuffer.create(config, ResumableRandom.seeded(11));
    for (int n = 0; n < 5; n++) {
      buffer.add(numbered(n, 1), 1.0);
    }
    assertTrue(buffer.updatePriority("t3", 6.0));
    assertEquals(6.0, buffer.priority("t3"));
    double[] expected = {0.1, 0.1, 0.1, 0.6, 0.1};
    long[] counts = new long[5];
    for (SampledTrajectory s : buffer.sampleTrajectories(30_000)) {
      counts[number(s.trajectory())]++;
      double expectedWeight = Math.pow(expected[0] / expected[number(s.trajectory())], 0.5);
      assertEquals(expectedWeight, s.importanceWeight(), 1e-12);
    }
    assertTrue(chiSquare(counts, expected) < CHI2_DF4, "chi2 " + chiSquare(counts, expected));
    // New trajectories enter with the largest priority seen so far (6).
    buffer.add(numbered(5, 1));
    assertEquals(6.0, buffer.priority("t5"));
  }

  @Test
  void transitionSamplingIsUniformOverTransitions() {
    ReplayBuffer buffer = ReplayBuffer.create(ReplayConfig.uniform(4), ResumableRandom.seeded(3));
    for (int n = 0; n < 4; n++) {
      buffer.add(numbered(n, n + 1)); // 1 + 2 + 3 + 4 = 10 transitions
    }
    long[] counts = new long[10];
    for (SampledTransition s : buffer.sampleTransitions(50_000)) {
      int n = number(s.trajectory());
      int cell = n * (n + 1) / 2 + s.t();
      counts[cell]++;
      assertEquals(1000 * n + s.t(), s.action());
      assertEquals(0.1, s.probability(), 1e-15);
    }
    double[] expected = new double[10];
    java.util.Arrays.fill(expected, 0.1);
    assertTrue(chiSquare(counts, expected) < CHI2_DF9, "chi2 " + chiSquare(counts, expected));
  }

  @Test
  void prioritisedTransitionSamplingWeighsEveryStepByItsTrajectory() {
    ReplayConfig config = new ReplayConfig(3, 0, true, 1.0, 1.0, 0.0);
    ReplayBuffer buffer = ReplayBuffer.create(config, ResumableRandom.seeded(5));
    buffer.add(numbered(0, 1), 3.0);
    buffer.add(numbered(1, 2), 1.0);
    buffer.add(numbered(2, 1), 2.0);
    // sum_j w_j len_j = 3 + 2 + 2 = 7: cells (0,0) 3/7, (1,0) 1/7, (1,1) 1/7, (2,0) 2/7.
    double[] expected = {3.0 / 7, 1.0 / 7, 1.0 / 7, 2.0 / 7};
    long[] counts = new long[4];
    for (SampledTransition s : buffer.sampleTransitions(40_000)) {
      int n = number(s.trajectory());
      int cell = n == 0 ? 0 : n == 1 ? 1 + s.t() : 3;
      counts[cell]++;
      assertEquals(expected[cell], s.probability(), 1e-15);
      assertEquals(1.0 / new double[] {3, 1, 2}[n], s.importanceWeight(), 1e-15);
    }
    assertTrue(chiSquare(counts, expected) < 16.27, "chi2 (df 3) " + chiSquare(counts, expected));
  }

  @Test
  void sameSeedGivesSameSamples() {
    ReplayBuffer a = ReplayBuffer.create(ReplayConfig.prioritised(6), ResumableRandom.seeded(9));
    ReplayBuffer b = ReplayBuffer.create(ReplayConfig.prioritised(6), ResumableRandom.seeded(9));
    for (int n = 0; n < 6; n++) {
      a.add(numbered(n, 3), n + 1);
      b.add(numbered(n, 3), n + 1);
    }
    assertEquals(a.sampleTransitions(50), b.sampleTransitions(50));
  }

  @Test
  void aRejectedPriorityLeavesTheBufferUnchanged() {
    ReplayBuffer buffer =
        ReplayBuffer.create(new ReplayConfig(2, 0, true, 1.0, 0.5, 0.0), ResumableRandom.seeded(1));
    buffer.add(numbered(0, 2), 1.0);
    buffer.add(numbered(1, 2), 1.0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> buffer.add(numbered(2, 2), 0.0));
    assertTrue(e.getMessage().contains("raise epsilon"), e.getMessage());
    assertEquals(List.of(numbered(0, 2), numbered(1, 2)), buffer.snapshot());
    assertThrows(IllegalArgumentException.class, () -> buffer.updatePriority("t1", Double.NaN));
    assertEquals(1.0, buffer.priority("t1"));
  }

  @Test
  void emptyBufferRefusesToSample() {
    ReplayBuffer buffer = ReplayBuffer.create(ReplayConfig.uniform(2), ResumableRandom.seeded(1));
    assertThrows(IllegalStateException.class, () -> buffer.sampleTrajectories(1));
    assertEquals(List.of(), buffer.sampleTrajectories(0));
  }

  @Test
  void configValidationNamesTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ReplayConfig(4, 0, true, 0.6, 1.5, 0));
    assertTrue(e.getMessage().contains("beta") && e.getMessage().contains("1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ReplayConfig.uniform(0));
  }
}
