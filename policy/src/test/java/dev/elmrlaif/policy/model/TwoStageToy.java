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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The toy of the paper's Appendix D: two 2-d embeddings, no text prompt, one must decode to the
 * token "one" and the other to "two". The language model is first pretrained (or not) on a bigram
 * corpus in which token 7 is mostly followed by "one" and token 8 by "two", a stand-in for a
 * pretrained LM whose embedding space already leads to both words. Training is then either
 * two-stage (adapter only until it fits or for a fixed budget, then everything) or single-stage
 * (everything from the start); the figure is the number of AdamW iterations until both examples get
 * probability above {@link #FIT_PROBABILITY}.
 *
 * <p>{@code main} prints the iterations per seed for both procedures (command as in {@link
 * PolicyBenchmark}, class {@code dev.elmrlaif.policy.model.TwoStageToy [seeds] [maxIterations]}).
 */
public final class TwoStageToy {
  static final int PLACEHOLDER = 2;
  static final int ONE = 5;
  static final int TWO = 6;
  static final List<ElmPrompt> PROMPTS =
      List.of(
          new ElmPrompt(new int[] {PLACEHOLDER}, new float[][] {{1f, 0f}}),
          new ElmPrompt(new int[] {PLACEHOLDER}, new float[][] {{0f, 1f}}));
  static final List<int[]> TARGETS = List.of(new int[] {ONE}, new int[] {TWO});

  /** Both targets above this probability (so each is its example's most likely token) is a fit. */
  static final double FIT_PROBABILITY = 0.5;

  /** Iterations of stage 1 at most before stage 2 starts. */
  static final int STAGE_ONE_BUDGET = 300;

  private TwoStageToy() {}

  /** What a training run ended with. */
  record Outcome(
      int iterations, boolean fitted, int stageOneIterations, double[] finalProbabilities) {}

  static ElmConfig config() {
    GptConfig lm =
        GptConfig.builder().vocabSize(16).contextLength(4).layers(2).heads(2).dModel(32).build();
    return new ElmConfig(lm, new AdapterConfig(2, 16, 0.02), List.of(PLACEHOLDER), 1, 0);
  }

  /**
   * Trains a fresh model with the given procedure until both targets have probability above {@link
   * #FIT_PROBABILITY} or {@code maxIterations} updates were made.
   */
  static Outcome train(
      long seed, boolean pretrained, boolean twoStage, int maxIterations, double learningRate) {
    try (Elm elm = Elm.initialize(config(), Device.cpu(), DataType.FLOAT32, seed);
        AdamW adamW =
            new AdamW(
                AdamWConfig.defaults(),
                LearningRateSchedule.constant(learningRate),
                elm.manager())) {
      if (pretrained) {
        pretrain(elm, seed);
      }
      Set<ParameterGroup> all =
          EnumSet.of(ParameterGroup.ADAPTER, ParameterGroup.EMBEDDINGS, ParameterGroup.BODY);
      elm.trainOnly(twoStage ? EnumSet.of(ParameterGroup.ADAPTER) : all);
      boolean stageTwo = !twoStage;
      int stageOneIterations = 0;
      double[] probabilities = new double[2];
      for (int iteration = 0; iteration <= maxIterations; iteration++) {
        try (NDManager step = elm.manager().newSubManager()) {
          NDArray logProbs;
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            logProbs = elm.continuationLogProbs(step, PROMPTS, TARGETS, false).tokenLogProbs();
            collector.backward(logProbs.mean().neg());
          }
          probabilities = logProbs.exp().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        boolean fitted = probabilities[0] > FIT_PROBABILITY && probabilities[1] > FIT_PROBABILITY;
        if (fitted && stageTwo) {
          return new Outcome(iteration, true, stageOneIterations, probabilities);
        }
        if (!stageTwo && (fitted || iteration == STAGE_ONE_BUDGET)) {
          // Stage 2 starts from the fitted adapter; its first update is the next iteration.
          stageTwo = true;
          stageOneIterations = iteration;
          elm.trainOnly(all);
          zeroGradients(elm);
          if (fitted) {
            return new Outcome(iteration, true, stageOneIterations, probabilities);
          }
          continue;
        }
        if (iteration < maxIterations) {
          adamW.step(elm.parameters());
        }
      }
      return new Outcome(maxIterations, false, stageOneIterations, probabilities);
    }
  }

  /** Steps and batch size of the bigram pretraining. */
  static final int PRETRAIN_STEPS = 120;

  static final int PRETRAIN_BATCH = 16;

  /**
   * Next-token training of the LM (not the adapter) on sequences of 4 tokens from ids 3..15 where
   * each token is followed by {@code successor(token)} with probability 0.8, else a random token.
   */
  static void pretrain(Elm elm, long seed) {
    SplittableRandom rng = new SplittableRandom(seed * 31 + 7);
    elm.trainOnly(EnumSet.of(ParameterGroup.EMBEDDINGS, ParameterGroup.BODY));
    try (AdamW adamW =
        new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(3e-3), elm.manager())) {
      for (int step = 0; step < PRETRAIN_STEPS; step++) {
        List<ElmPrompt> prompts = new ArrayList<>();
        List<int[]> continuations = new ArrayList<>();
        for (int row = 0; row < PRETRAIN_BATCH; row++) {
          int[] sequence = new int[4];
          sequence[0] = 3 + rng.nextInt(13);
          for (int t = 1; t < 4; t++) {
            sequence[t] = rng.nextDouble() < 0.8 ? successor(sequence[t - 1]) : 3 + rng.nextInt(13);
          }
          prompts.add(ElmPrompt.text(sequence[0]));
          continuations.add(Arrays.copyOfRange(sequence, 1, 4));
        }
        try (NDManager scope = elm.manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(
              elm.continuationLogProbs(scope, prompts, continuations, false)
                  .tokenLogProbs()
                  .mean()
                  .neg());
        }
        adamW.step(elm.parameters());
      }
    }
  }

  /**
   * The bigram chain: 7 leads to "one", 8 to "two", the others to the next id (wrapping in 3..15).
   */
  static int successor(int token) {
    if (token == 7) {
      return ONE;
    }
    if (token == 8) {
      return TWO;
    }
    return token == 15 ? 3 : token + 1;
  }

  private static void zeroGradients(Elm elm) {
    for (NDArray parameter : elm.trainableParameters().values()) {
      try (NDArray gradient = parameter.getGradient()) {
        gradient.subi(gradient);
      }
    }
  }

  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int maxIterations = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    double learningRate = args.length > 2 ? Double.parseDouble(args[2]) : 1e-3;
    System.out.printf(
        "App. D toy, lr %.0e, fit = both targets above probability %.2f, at most %d iterations%n",
        learningRate, FIT_PROBABILITY, maxIterations);
    for (boolean pretrained : new boolean[] {true, false}) {
      System.out.println(
          pretrained ? "LM pretrained on the bigram corpus:" : "LM at random initialisation:");
      for (long seed = 1; seed <= seeds; seed++) {
        Outcome two = train(seed, pretrained, true, maxIterations, learningRate);
        Outcome one = train(seed, pretrained, false, maxIterations, learningRate);
        System.out.printf(
            "  seed %d: two-stage %s (stage 1: %d), single-stage %s%n",
            seed, describe(two), two.stageOneIterations(), describe(one));
      }
    }
  }

  private static String describe(Outcome outcome) {
    return outcome.fitted()
        ? outcome.iterations() + " iterations"
        : "not fitted after " + outcome.iterations();
  }
}
