package dev.elmrlaif.algorithms.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.config.TwoStageToyConfig;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The two-stage toy of the paper's App. D: decode a 2-d embedding to one of two tokens, with and
 * without a first stage that trains only the adapter.
 *
 * <pre>
 * vocabulary   0 = begin/end, 1 = placeholder, 2 = "one", 3 = "two", 4..V-1 words
 * pretraining  the LM alone on [0, w, succ(w)] for every word w ≥ 2, succ(w) = 2 + (w − 1) mod (V − 2)
 *              (a language in which each word is followed by its successor; V−1 is followed by "one")
 * task         prompt [0, &lt;placeholder&gt;] with E_A(e) at the placeholder; target: "one" for
 *              e1 = (1, 0), "two" for e2 = (0, 1); batches replicate the two samples (as App. D)
 * one-stage    adapter, embeddings and body trained together from the start
 * two-stage    stage 1: the adapter alone until it fits (or stage1_max_iterations), then stage 2:
 *              everything, until it fits
 * fitted       max_k −log p(target_k | e_k) &lt; fit_loss, which implies the right argmax token
 * </pre>
 *
 * Each training counts the iterations (optimizer steps) until it fits, at most {@code
 * max_iterations}; each seed pretrains its own LM once, and both trainings start from identical
 * copies of it and of the adapter's initialisation.
 */
public final class TwoStageToy {
  /** The token the first embedding maps to ("one"). */
  public static final int ONE = 2;

  /** The token the second embedding maps to ("two"). */
  public static final int TWO = 3;

  static final int BEGIN = 0;
  static final int PLACEHOLDER = 1;

  /** How often the loss curve records a point. */
  public static final int CURVE_EVERY = 10;

  private TwoStageToy() {}

  /**
   * One training's outcome.
   *
   * @param fitted whether it fitted within its iteration budget
   * @param iterations iterations run until it fitted (or the budget when it did not)
   * @param stage1Iterations of those, the adapter-only ones (0 for one-stage)
   * @param finalLoss {@code max_k −log p(target_k | e_k)} at the end
   * @param curve that loss before the first iteration and every {@link #CURVE_EVERY} iterations (x
   *     = iteration)
   */
  public record Training(
      boolean fitted,
      int iterations,
      int stage1Iterations,
      double finalLoss,
      List<double[]> curve) {}

  /** Both trainings of one seed. */
  public record SeedResult(long seed, Training oneStage, Training twoStage) {}

  /** Runs both trainings for one seed. */
  public static SeedResult run(TwoStageToyConfig config, long seed) {
    Training one;
    try (Elm elm = pretrained(config, seed)) {
      one = train(elm, config, 0);
    }
    Training two;
    try (Elm elm = pretrained(config, seed)) {
      two = train(elm, config, config.stage1MaxIterations());
    }
    return new SeedResult(seed, one, two);
  }

  /** A fresh ELM of the toy's shape whose LM is pretrained on the successor language. */
  static Elm pretrained(TwoStageToyConfig config, long seed) {
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(config.vocabSize())
            .contextLength(4)
            .layers(config.layers())
            .heads(config.heads())
            .dModel(config.dModel())
            .mlpRatio(2)
            .build();
    ElmConfig elmConfig =
        new ElmConfig(
            lm,
            new AdapterConfig(2, config.adapterHidden(), 0.02),
            List.of(PLACEHOLDER),
            BEGIN,
            BEGIN);
    Elm elm = Elm.initialize(elmConfig, Device.cpu(), DataType.FLOAT32, seed);
    try {
      // the corpus: [0] then (w, succ(w)) for every word w, each step a random batch of them
      int words = config.vocabSize() - 2;
      SplittableRandom random = new SplittableRandom(seed);
      elm.trainOnly(EnumSet.of(ParameterGroup.EMBEDDINGS, ParameterGroup.BODY));
      try (AdamW optimizer =
          new AdamW(
              AdamWConfig.defaults(),
              LearningRateSchedule.constant(config.pretrainLearningRate()),
              elm.manager())) {
        for (int step = 0; step < config.pretrainSteps(); step++) {
          List<ElmPrompt> prompts = new ArrayList<>();
          List<int[]> continuations = new ArrayList<>();
          for (int b = 0; b < config.batchSize(); b++) {
            int w = 2 + random.nextInt(words);
            prompts.add(ElmPrompt.text(BEGIN));
            continuations.add(new int[] {w, successor(w, config.vocabSize())});
          }
          step(elm, optimizer, prompts, continuations);
        }
      }
      return elm;
    } catch (RuntimeException e) {
      elm.close();
      throw e;
    }
  }

  /** The word that follows {@code w} in the pretraining language. */
  static int successor(int w, int vocabSize) {
    return 2 + (w - 1) % (vocabSize - 2);
  }

  /** The two training embeddings: e1 = (1, 0) for "one", e2 = (0, 1) for "two". */
  static float[][] embeddings() {
    return new float[][] {{1f, 0f}, {0f, 1f}};
  }

  /**
   * Trains {@code elm} on the toy task: the adapter alone for up to {@code stage1Max} iterations
   * (none for one-stage), then everything, until it fits or the budget is spent.
   */
  static Training train(Elm elm, TwoStageToyConfig config, int stage1Max) {
    float[][] e = embeddings();
    int[] targets = {ONE, TWO};
    List<ElmPrompt> prompts = new ArrayList<>();
    List<int[]> continuations = new ArrayList<>();
    for (int b = 0; b < config.batchSize(); b++) {
      prompts.add(new ElmPrompt(new int[] {BEGIN, PLACEHOLDER}, new float[][] {e[b % 2]}));
      continuations.add(new int[] {targets[b % 2]});
    }
    List<double[]> curve = new ArrayList<>();
    double loss = fitLoss(elm, e, targets);
    curve.add(new double[] {0, loss});
    int iteration = 0;
    int stage1 = 0;
    Set<ParameterGroup> all =
        EnumSet.of(ParameterGroup.ADAPTER, ParameterGroup.EMBEDDINGS, ParameterGroup.BODY);
    // stage 1 (two-stage only): the adapter alone, on the frozen pretrained LM
    if (stage1Max > 0) {
      elm.trainOnly(EnumSet.of(ParameterGroup.ADAPTER));
      try (AdamW optimizer =
          new AdamW(
              AdamWConfig.defaults(),
              LearningRateSchedule.constant(config.learningRate()),
              elm.manager())) {
        while (loss >= config.fitLoss()
            && stage1 < stage1Max
            && iteration < config.maxIterations()) {
          step(elm, optimizer, prompts, continuations);
          iteration++;
          stage1++;
          loss = fitLoss(elm, e, targets);
          if (iteration % CURVE_EVERY == 0) {
            curve.add(new double[] {iteration, loss});
          }
        }
      }
    }
    // stage 2 (and one-stage): everything
    elm.trainOnly(all);
    try (AdamW optimizer =
        new AdamW(
            AdamWConfig.defaults(),
            LearningRateSchedule.constant(config.learningRate()),
            elm.manager())) {
      while (loss >= config.fitLoss() && iteration < config.maxIterations()) {
        step(elm, optimizer, prompts, continuations);
        iteration++;
        loss = fitLoss(elm, e, targets);
        if (iteration % CURVE_EVERY == 0) {
          curve.add(new double[] {iteration, loss});
        }
      }
    }
    if (iteration % CURVE_EVERY != 0) {
      curve.add(new double[] {iteration, loss});
    }
    return new Training(loss < config.fitLoss(), iteration, stage1, loss, curve);
  }

  /** One AdamW step on the mean continuation loss of the batch, inside one closed scope. */
  private static void step(
      Elm elm, AdamW optimizer, List<ElmPrompt> prompts, List<int[]> continuations) {
    try (NDScope arrays = new NDScope();
        NDManager scope = elm.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      try (GradientCollector collector = elm.manager().getEngine().newGradientCollector()) {
        OptimizationLoop.BatchLoss batch =
            ContinuationLoss.mean(elm, scope, prompts, continuations);
        collector.backward(batch.loss());
      }
    }
    optimizer.step(elm.trainableParameters());
  }

  /** {@code max_k −log p(target_k | e_k)}: below the threshold, every embedding decodes right. */
  static double fitLoss(Elm elm, float[][] e, int[] targets) {
    List<ElmPrompt> prompts = new ArrayList<>();
    List<int[]> continuations = new ArrayList<>();
    for (int k = 0; k < e.length; k++) {
      prompts.add(new ElmPrompt(new int[] {BEGIN, PLACEHOLDER}, new float[][] {e[k]}));
      continuations.add(new int[] {targets[k]});
    }
    try (NDScope arrays = new NDScope();
        NDManager scope = elm.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      ContinuationLogProbs scored = elm.continuationLogProbs(scope, prompts, continuations, false);
      NDArray tokens = scored.tokenLogProbs(); // [K, 1]
      float[] logProbs = tokens.toType(DataType.FLOAT32, false).toFloatArray();
      double worst = 0;
      for (float lp : logProbs) {
        worst = Math.max(worst, -lp);
      }
      return worst;
    }
  }
}
