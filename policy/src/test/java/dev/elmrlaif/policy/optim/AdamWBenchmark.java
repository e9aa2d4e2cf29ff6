package dev.elmrlaif.policy.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.model.CausalLm;
import dev.elmrlaif.policy.model.GptConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times one AdamW update over the parameter shapes of a GPT-2-style model (default 4 layers,
 * d_model 256, vocab 4096, context 128: 4.2M parameters in 52 tensors), hand-written kernel against
 * the engine's fused one, alternating runs and reporting medians. Also times global-norm clipping.
 * Not a test: run it with
 *
 * <pre>
 * mvn -q -B -o -pl policy test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -cp policy/target/test-classes:policy/target/classes:$(cat /tmp/cp.txt) \
 *     dev.elmrlaif.policy.optim.AdamWBenchmark [layers d_model vocab context runs]
 * </pre>
 *
 * Each timed step follows a backward pass that refills the gradients, as in training. Measured that
 * way a step is several times slower than the same step repeated without a backward in between
 * (both kernels; allocation churn alone and glibc malloc settings do not explain it), so this
 * benchmark reports the figure training will see.
 */
public final class AdamWBenchmark {

  private AdamWBenchmark() {}

  public static void main(String[] args) {
    int layers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
    int context = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 30;
    int warmup = 5;

    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> parameters = gpt2Parameters(manager, layers, d, vocab, context);
      long count = parameters.values().stream().mapToLong(p -> p.getShape().size()).sum();
      System.out.printf(
          "GPT-2 shapes: %d layers, d_model %d, vocab %d, context %d: %,d parameters"
              + " in %d tensors%n",
          layers, d, vocab, context, count, parameters.size());

      LearningRateSchedule schedule = LearningRateSchedule.constant(1e-4);
      AdamWConfig handConfig = AdamWConfig.builder().noDecayOnBiasNormAndEmbeddings().build();
      AdamWConfig nativeConfig =
          AdamWConfig.builder().noDecayOnBiasNormAndEmbeddings().kernel(AdamWKernel.NATIVE).build();
      List<Double> hand = new ArrayList<>();
      List<Double> fused = new ArrayList<>();
      List<Double> clip = new ArrayList<>();
      try (AdamW handWritten = new AdamW(handConfig, schedule, manager);
          AdamW nativeKernel = new AdamW(nativeConfig, schedule, manager)) {
        for (int run = 0; run < warmup + runs; run++) {
          // Alternate which kernel goes first, so neither always runs on a warmer cache.
          boolean handFirst = run % 2 == 0;
          fillGradients(manager, parameters);
          long start = System.nanoTime();
          GradientClipping.clipByGlobalNorm(parameters, 1.0);
          double clipMs = (System.nanoTime() - start) / 1e6;
          double firstMs = timeStep(handFirst ? handWritten : nativeKernel, parameters);
          fillGradients(manager, parameters);
          double secondMs = timeStep(handFirst ? nativeKernel : handWritten, parameters);
          double handMs = handFirst ? firstMs : secondMs;
          double nativeMs = handFirst ? secondMs : firstMs;
          if (run >= warmup) {
            hand.add(handMs);
            fused.add(nativeMs);
            clip.add(clipMs);
          }
        }
      }
      System.out.printf(
          "AdamW step, hand-written: median %.2f ms (min %.2f)%n", median(hand), min(hand));
      System.out.printf(
          "AdamW step, native fused: median %.2f ms (min %.2f)%n", median(fused), min(fused));
      System.out.printf(
          "global-norm clipping:     median %.2f ms (min %.2f)%n", median(clip), min(clip));
    }
  }

  private static double timeStep(AdamW adamW, Map<String, NDArray> parameters) {
    long start = System.nanoTime();
    adamW.step(parameters);
    return (System.nanoTime() - start) / 1e6;
  }

  /**
   * Random parameters under Hugging Face GPT-2 names and shapes, as {@link CausalLm} lays them out.
   */
  static Map<String, NDArray> gpt2Parameters(
      NDManager manager, int layers, int d, int vocab, int context) {
    GptConfig config =
        GptConfig.builder()
            .layers(layers)
            .dModel(d)
            .heads(4)
            .vocabSize(vocab)
            .contextLength(context)
            .build();
    Map<String, Shape> shapes = new CausalLm(config).parameterShapes();
    Map<String, NDArray> parameters = new LinkedHashMap<>();
    shapes.forEach(
        (name, shape) -> {
          NDArray parameter = manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
          parameter.setRequiresGradient(true);
          parameters.put(name, parameter);
        });
    return parameters;
  }

  /** Gives every parameter a random gradient through autograd (the optimizer zeroed the last). */
  private static void fillGradients(NDManager manager, Map<String, NDArray> parameters) {
    try (NDManager scratch = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (NDArray parameter : parameters.values()) {
        NDArray direction = scratch.randomNormal(parameter.getShape());
        NDArray term = parameter.mul(direction).sum();
        loss = loss == null ? term : loss.add(term);
      }
      collector.backward(loss);
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double min(List<Double> values) {
    return Arrays.stream(values.stream().mapToDouble(Double::doubleValue).toArray())
        .min()
        .orElse(Double.NaN);
  }
}
