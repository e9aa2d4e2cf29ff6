package dev.elmrlaif.app.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput of an ELM of a given size, the figures {@code bench/pytorch_reference.py} measures for
 * the same architecture in Python PyTorch: training tokens/s (forward and backward of the
 * continuation log-probs, then with an AdamW update) and sampling tokens/s with the KV cache. Each
 * figure is the median of {@code runs} timed repetitions after {@code warmups} untimed ones; every
 * repetition works inside its own native-memory scope.
 */
public final class PolicyThroughput {

  /**
   * The workload.
   *
   * @param vocabSize vocabulary of the model
   * @param contextLength training sequence length (prompt plus continuation)
   * @param layers transformer blocks
   * @param heads attention heads
   * @param dModel residual width
   * @param batch rows per step
   * @param promptTokens prompt length (one of them the entity placeholder)
   * @param newTokens tokens generated per row when sampling
   * @param warmups untimed repetitions before timing
   * @param runs timed repetitions; the median is reported
   */
  public record Workload(
      int vocabSize,
      int contextLength,
      int layers,
      int heads,
      int dModel,
      int batch,
      int promptTokens,
      int newTokens,
      int warmups,
      int runs) {
    public Workload {
      if (promptTokens < 3 || promptTokens >= contextLength) {
        throw new IllegalArgumentException(
            "prompt tokens: found "
                + promptTokens
                + ", expected 3 <= p < context length "
                + contextLength);
      }
      if (promptTokens + newTokens > contextLength) {
        throw new IllegalArgumentException(
            "new tokens: "
                + promptTokens
                + " prompt + "
                + newTokens
                + " new tokens exceed the context length "
                + contextLength);
      }
      if (vocabSize < 16 || batch < 1 || warmups < 0 || runs < 1) {
        throw new IllegalArgumentException(
            "workload: expected vocab >= 16, batch >= 1, warm-ups >= 0, runs >= 1; found " + this);
      }
    }
  }

  /** Median tokens per second of each figure. */
  public record Result(
      Workload workload,
      double trainTokensPerSecond,
      double trainWithAdamWTokensPerSecond,
      double samplingTokensPerSecond) {}

  private static final int ENTITY_DIM = 32;

  private PolicyThroughput() {}

  /** Measures the three figures for one workload on {@code device}. */
  public static Result measure(Workload w, Device device) {
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(w.vocabSize())
            .contextLength(w.contextLength())
            .layers(w.layers())
            .heads(w.heads())
            .dModel(w.dModel())
            .build();
    int placeholder = w.vocabSize() - 1;
    ElmConfig config =
        new ElmConfig(lm, new AdapterConfig(ENTITY_DIM, 128, 0.02), List.of(placeholder), 1, 0);
    try (Elm elm = Elm.initialize(config, device, DataType.FLOAT32, 1)) {
      JavaFigures.Inputs inputs =
          JavaFigures.Inputs.make(
              w.batch(), w.promptTokens(), w.contextLength(), w.vocabSize(), ENTITY_DIM);
      List<ElmPrompt> prompts = inputs.prompts();
      List<int[]> continuations = inputs.continuations();
      long trainTokens = (long) w.batch() * w.contextLength();
      double train =
          median(
              w,
              () -> {
                forwardBackward(elm, prompts, continuations);
                return trainTokens;
              });
      double withAdamW;
      try (AdamW adamW =
          new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-4), elm.manager())) {
        withAdamW =
            median(
                w,
                () -> {
                  forwardBackward(elm, prompts, continuations);
                  adamW.step(elm.parameters());
                  return trainTokens;
                });
      }
      long[] seed = {0};
      double sampling =
          median(
              w,
              () -> {
                SampleResult result =
                    Sampler.sample(
                        elm, prompts, SamplingConfig.ancestral(w.newTokens()), seed[0]++);
                return Arrays.stream(result.lengths()).sum();
              });
      return new Result(w, train, withAdamW, sampling);
    }
  }

  /** Mean negative log-likelihood of the continuations and its gradient on every parameter. */
  private static void forwardBackward(Elm elm, List<ElmPrompt> prompts, List<int[]> continuations) {
    try (NDScope arrays = new NDScope();
        NDManager step = elm.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      arrays.suppressNotUsedWarning();
      ContinuationLogProbs out = elm.continuationLogProbs(step, prompts, continuations, false);
      NDArray loss = out.tokenLogProbs().sum().div(out.mask().sum()).neg();
      collector.backward(loss);
    }
  }

  /** Median tokens per second of the timed repetitions. */
  private static double median(Workload w, TokenCount workload) {
    for (int i = 0; i < w.warmups(); i++) {
      workload.run();
    }
    double[] rates = new double[w.runs()];
    for (int i = 0; i < rates.length; i++) {
      long start = System.nanoTime();
      long tokens = workload.run();
      rates[i] = tokens / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }

  @FunctionalInterface
  private interface TokenCount {
    long run();
  }
}
