package dev.elmrlaif.policy.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of the ELM at the quickstart size (vocab 4096, context 128, 4 layers, 4 heads,
 * d_model 128 and 256): training tokens/s (forward + backward of the continuation log-probs, with
 * and without an AdamW update) and sampling tokens/s with the KV cache. Each figure is the median
 * of several timed runs after warm-up runs. Run from the repository root:
 *
 * <pre>
 * mvn -q -B -o -pl policy test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/policy.cp
 * OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *   -cp policy/target/test-classes:policy/target/classes:$(cat /tmp/policy.cp) \
 *   dev.elmrlaif.policy.model.PolicyBenchmark [warmups] [runs]
 * </pre>
 */
public final class PolicyBenchmark {
  private static final int BATCH = 16;
  private static final int PROMPT = 8;
  private static final int NEW_TOKENS = 64;

  private PolicyBenchmark() {}

  public static void main(String[] args) {
    int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    System.out.printf("batch %d, prompt %d tokens, training sequences %d tokens, sampling %d new tokens; "
        + "%d warm-ups, median of %d runs; OMP_NUM_THREADS=%s%n", BATCH, PROMPT, 128, NEW_TOKENS, warmups, runs,
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    for (int dModel : new int[] {128, 256}) {
      GptConfig lm = GptConfig.builder().vocabSize(4096).contextLength(128).layers(4).heads(4).dModel(dModel).build();
      ElmConfig config = new ElmConfig(lm, new AdapterConfig(32, 128, 0.02), List.of(4000, 4001), 1, 0);
      try (Elm elm = Elm.initialize(config, Device.cpu(), DataType.FLOAT32, 1)) {
        SplittableRandom rng = new SplittableRandom(7);
        List<ElmPrompt> prompts = new ArrayList<>();
        List<int[]> continuations = new ArrayList<>();
        for (int row = 0; row < BATCH; row++) {
          int[] ids = new int[PROMPT];
          for (int i = 0; i < PROMPT; i++) {
            ids[i] = 10 + rng.nextInt(3900);
          }
          ids[2] = 4000;
          float[] entity = new float[32];
          for (int i = 0; i < entity.length; i++) {
            entity[i] = (float) rng.nextGaussian();
          }
          prompts.add(new ElmPrompt(ids, new float[][] {entity}));
          int[] continuation = new int[128 - PROMPT];
          for (int i = 0; i < continuation.length; i++) {
            continuation[i] = 10 + rng.nextInt(3900);
          }
          continuations.add(continuation);
        }
        long trainTokens = (long) BATCH * 128;
        double backward = median(warmups, runs, () -> {
          forwardBackward(elm, prompts, continuations);
          return trainTokens;
        });
        double withAdamW;
        try (AdamW adamW = new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-4), elm.manager())) {
          withAdamW = median(warmups, runs, () -> {
            forwardBackward(elm, prompts, continuations);
            adamW.step(elm.parameters());
            return trainTokens;
          });
        }
        long[] seed = {0};
        double sampling = median(warmups, runs, () -> {
          SampleResult result = Sampler.sample(elm, prompts, SamplingConfig.ancestral(NEW_TOKENS), seed[0]++);
          return Arrays.stream(result.lengths()).sum();
        });
        System.out.printf("d_model %d: train fwd+bwd %.0f tokens/s, train fwd+bwd+AdamW %.0f tokens/s, "
            + "sampling (KV cache) %.0f tokens/s%n", dModel, backward, withAdamW, sampling);
      }
    }
  }

  private static void forwardBackward(Elm elm, List<ElmPrompt> prompts, List<int[]> continuations) {
    try (NDManager step = elm.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      ContinuationLogProbs out = elm.continuationLogProbs(step, prompts, continuations, false);
      NDArray loss = out.tokenLogProbs().sum().div(out.mask().sum()).neg();
      collector.backward(loss);
    }
  }

  /** Median tokens per second of {@code runs} timed calls after {@code warmups} untimed ones. */
  private static double median(int warmups, int runs, Workload workload) {
    for (int i = 0; i < warmups; i++) {
      workload.run();
    }
    double[] rates = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      long tokens = workload.run();
      rates[i] = tokens / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    return rates[runs / 2];
  }

  @FunctionalInterface
  private interface Workload {
    long run();
  }
}
