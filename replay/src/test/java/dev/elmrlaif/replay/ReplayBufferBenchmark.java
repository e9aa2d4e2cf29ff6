package dev.elmrlaif.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of the replay buffer on realistic trajectories (64 generated tokens, a 16-token
 * prompt, two 64-dimensional contexts): adds, uniform and prioritised sampling of transition
 * batches, priority updates, save and load. Not a test; run with
 *
 * <pre>
 * mvn -q -B -o -pl replay test-compile &&
 *   java -cp replay/target/classes:replay/target/test-classes:$(cat /tmp/replay.cp) \
 *   dev.elmrlaif.replay.ReplayBufferBenchmark
 * </pre>
 *
 * where {@code /tmp/replay.cp} comes from {@code mvn -q -B -o -pl replay dependency:build-classpath
 * -Dmdep.outputFile=/tmp/replay.cp}. Prints the median of 5 timed repetitions after 3 warm-ups.
 */
public final class ReplayBufferBenchmark {
  private static final int TRAJECTORIES = 20_000;
  private static final int LENGTH = 64;
  private static final int BATCH = 256;
  private static final int BATCHES = 2_000;

  private ReplayBufferBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Trajectory> data = makeTrajectories();
    Path dir = Files.createTempDirectory("replay-bench");
    Path file = dir.resolve("buffer.bin");
    for (boolean prioritised : new boolean[] {false, true}) {
      ReplayConfig config =
          prioritised
              ? ReplayConfig.prioritised(TRAJECTORIES / 2)
              : ReplayConfig.uniform(TRAJECTORIES / 2);
      String name = prioritised ? "prioritised" : "uniform";
      double[] add = new double[5];
      double[] sample = new double[5];
      double[] update = new double[5];
      double[] save = new double[5];
      double[] load = new double[5];
      for (int rep = -3; rep < 5; rep++) {
        ReplayBuffer buffer = ReplayBuffer.create(config, ResumableRandom.seeded(rep));
        long t0 = System.nanoTime();
        for (Trajectory t : data) {
          buffer.add(t); // the second half evicts the first
        }
        long t1 = System.nanoTime();
        long checksum = 0;
        for (int b = 0; b < BATCHES; b++) {
          for (SampledTransition s : buffer.sampleTransitions(BATCH)) {
            checksum += s.t();
          }
        }
        long t2 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(rep);
        for (int b = 0; b < BATCHES * BATCH; b++) {
          buffer.updatePriority(
              data.get(TRAJECTORIES / 2 + random.nextInt(TRAJECTORIES / 2)).id(),
              random.nextDouble());
        }
        long t3 = System.nanoTime();
        buffer.save(file);
        long t4 = System.nanoTime();
        ReplayBuffer loaded = ReplayBuffer.load(file);
        long t5 = System.nanoTime();
        if (loaded.size() != buffer.size() || checksum < 0) {
          throw new IllegalStateException("reload lost trajectories");
        }
        if (rep >= 0) {
          add[rep] = TRAJECTORIES / seconds(t0, t1);
          sample[rep] = (double) BATCHES * BATCH / seconds(t1, t2);
          update[rep] = (double) BATCHES * BATCH / seconds(t2, t3);
          save[rep] = seconds(t3, t4) * 1000;
          load[rep] = seconds(t4, t5) * 1000;
        }
      }
      System.out.printf(
          "%-11s add %,.0f traj/s | sample %,.0f transitions/s (batches of %d) | "
              + "priority updates %,.0f/s | save %.0f ms, load %.0f ms for %,d trajectories (%.1f MB)%n",
          name,
          median(add),
          median(sample),
          BATCH,
          median(update),
          median(save),
          median(load),
          TRAJECTORIES / 2,
          Files.size(file) / 1e6);
    }
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  private static List<Trajectory> makeTrajectories() {
    SplittableRandom random = new SplittableRandom(1);
    List<Trajectory> out = new java.util.ArrayList<>(TRAJECTORIES);
    for (int n = 0; n < TRAJECTORIES; n++) {
      int[] prompt = random.ints(16, 0, 4096).toArray();
      int[] actions = random.ints(LENGTH, 0, 4096).toArray();
      double[] behaviour = random.doubles(LENGTH, -8, 0).toArray();
      double[] reference = random.doubles(LENGTH, -8, 0).toArray();
      float[] movie = new float[64];
      float[] user = new float[64];
      for (int i = 0; i < 64; i++) {
        movie[i] = (float) random.nextGaussian();
        user[i] = (float) random.nextGaussian();
      }
      out.add(
          Trajectory.builder("run/step" + n / 16 + "/" + n % 16)
              .taskId("describe_movie")
              .contexts(movie, user)
              .promptIds(prompt)
              .actionIds(actions)
              .behaviourLogProbs(behaviour)
              .referenceLogProbs(reference)
              .reward(random.nextDouble())
              .rewardComponent("sc", 0.5)
              .rewardComponent("bc", 0.25)
              .policyVersion(n / 256)
              .build());
    }
    return out;
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
