package dev.elmrlaif.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The decode loop before and after the fusion of issue 16 (the previous loop is {@link
 * FusedDecodingTest#previousSample}), alternated in one process pair by pair so that a loaded,
 * drifting machine slows both alike: per batch size, the median thread CPU time and wall time of
 * each side and the median of the per-pair ratios new/old. Quickstart size (vocab 1024, context
 * 128, 2 layers, 4 heads, d_model 64, an entity adapter), 8-token prompts, 64 new tokens, ancestral
 * sampling, one intra-op thread (so the calling thread's CPU time is all of the work). Both sides
 * draw the same tokens (the test checks it), so they do the same work. Not a test; run after {@code
 * mvn -q -B -o -pl policy -am test-compile} with
 *
 * <pre>
 * java -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
 *   -cp policy/target/classes:policy/target/test-classes:$(cat /tmp/policy.cp) \
 *   dev.elmrlaif.policy.model.DecodeBenchmark [pairs]
 * </pre>
 *
 * ({@code /tmp/policy.cp} from {@code mvn -q -B -o -pl policy dependency:build-classpath
 * -Dmdep.outputFile=/tmp/policy.cp}).
 */
public final class DecodeBenchmark {
  private DecodeBenchmark() {}

  public static void main(String[] args) {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(1024)
            .contextLength(128)
            .layers(2)
            .heads(4)
            .dModel(64)
            .build();
    ElmConfig config = new ElmConfig(lm, new AdapterConfig(32, 128, 0.02), List.of(1023), 1, 0);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.println(
        "| batch | old CPU ms | new CPU ms | new/old CPU (median of pairs) | old wall ms | new wall"
            + " ms | new/old wall |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    try (Elm elm = Elm.initialize(config, Device.cpu(), DataType.FLOAT32, 1)) {
      for (int rows : new int[] {1, 16, 32, 64}) {
        List<ElmPrompt> prompts = prompts(rows);
        SamplingConfig sampling = SamplingConfig.ancestral(64);
        for (int w = 0; w < 3; w++) {
          FusedDecodingTest.previousSample(elm, prompts, sampling, w);
          Sampler.sample(elm, prompts, sampling, w);
        }
        double[][] cpu = new double[2][pairs];
        double[][] wall = new double[2][pairs];
        for (int pair = 0; pair < pairs; pair++) {
          for (int side = 0; side < 2; side++) {
            long seed = 100 + pair;
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            SampleResult result =
                side == 0
                    ? FusedDecodingTest.previousSample(elm, prompts, sampling, seed)
                    : Sampler.sample(elm, prompts, sampling, seed);
            wall[side][pair] = (System.nanoTime() - wall0) / 1e6;
            cpu[side][pair] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
            if (result.rows() != rows) {
              throw new IllegalStateException("rows");
            }
          }
        }
        System.out.printf(
            Locale.ROOT,
            "| %d | %.1f | %.1f | %.3f | %.1f | %.1f | %.3f |%n",
            rows,
            median(cpu[0]),
            median(cpu[1]),
            medianRatio(cpu[1], cpu[0]),
            median(wall[0]),
            median(wall[1]),
            medianRatio(wall[1], wall[0]));
      }
    }
  }

  private static List<ElmPrompt> prompts(int rows) {
    SplittableRandom rng = new SplittableRandom(7);
    List<ElmPrompt> prompts = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      int[] ids = new int[8];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 2 + rng.nextInt(1020);
      }
      ids[2] = 1023;
      float[] entity = new float[32];
      for (int i = 0; i < entity.length; i++) {
        entity[i] = (float) rng.nextGaussian();
      }
      prompts.add(new ElmPrompt(ids, new float[][] {entity}));
    }
    return prompts;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double medianRatio(double[] numerator, double[] denominator) {
    double[] ratios = new double[numerator.length];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = numerator[i] / denominator[i];
    }
    return median(ratios);
  }
}
