package dev.elmrlaif.app.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.sac.SacConfig;
import dev.elmrlaif.algorithms.rl.sac.SacTrainer;
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
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import dev.elmrlaif.rewards.text.MiniLmTextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * The Java side of {@code rlaif bench --compare}: the figures of {@link CompareWorkload} measured
 * through this project's ELM, sampler and AdamW on DJL's libtorch, defined exactly as {@code
 * bench/pytorch_reference.py --json} defines them (same model, same work, same counting).
 */
public final class JavaFigures {
  /** The stand-in reward of the REINFORCE step counts this token in each sample. */
  static final int REWARD_TOKEN = 2;

  private static final int ENTITY_DIM = 32;
  private static final int ADAPTER_HIDDEN = 128;

  /** Untimed generations per batch size before the sampling figures: the JIT's warm-up. */
  static final int SAMPLER_JIT_WARMUPS = 20;

  private JavaFigures() {}

  /**
   * Measures every figure on {@code device}; the engine must already be loaded with its threads.
   */
  public static SideFigures measure(CompareWorkload w, Device device) {
    Map<String, Double> figures = new LinkedHashMap<>();
    Map<String, String> info = new LinkedHashMap<>();
    Engine engine = Engine.getEngine("PyTorch");
    info.put("java", System.getProperty("java.version"));
    info.put("djl", Engine.getDjlVersion());
    info.put("libtorch", engine.getVersion());
    info.put("intra_op_threads", System.getProperty("ai.djl.pytorch.num_threads", "?"));
    info.put("inter_op_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "?"));
    for (int index = 0; index < w.dModels().size(); index++) {
      int d = w.dModels().get(index);
      try (Elm elm = Elm.initialize(config(w, d), device, DataType.FLOAT32, 1);
          AdamW adamW =
              new AdamW(
                  AdamWConfig.defaults(), LearningRateSchedule.constant(1e-4), elm.manager())) {
        long params = 0;
        for (NDArray p : elm.parameters().values()) {
          params += p.size();
        }
        info.put(CompareWorkload.paramsKey(d), Long.toString(params));
        Inputs inputs = Inputs.make(w);
        long trainTokens = (long) w.batch() * w.contextLength();
        figures.put(
            CompareWorkload.trainKey(d),
            median(
                w,
                () -> {
                  loss(elm, inputs.prompts, inputs.continuations, null);
                  adamW.step(elm.parameters());
                  return seconds -> trainTokens / seconds;
                }));
        if (index > 0) {
          continue;
        }
        long[] seed = {0};
        // The JIT compiles the decode loop over thousands of steps: warm it at every batch size
        // before timing any of them, or the first figure (batch 1) times half-compiled code
        // (recipe size, batch 1: 969 tokens/s after 5 warm-up generations, 2,056 after 20;
        // docs/benchmarks.md). Python has no JIT to warm; its side keeps --warmups.
        for (int rows : w.sampleBatches()) {
          List<ElmPrompt> prompts = cycle(inputs.prompts, rows, 1);
          for (int i = 0; i < Math.max(w.warmups(), SAMPLER_JIT_WARMUPS); i++) {
            Sampler.sample(elm, prompts, SamplingConfig.ancestral(w.newTokens()), seed[0]++);
          }
        }
        for (int rows : w.sampleBatches()) {
          List<ElmPrompt> prompts = cycle(inputs.prompts, rows, 1);
          figures.put(
              "sample_tok_s_b" + rows,
              median(
                  w,
                  () -> {
                    SampleResult result =
                        Sampler.sample(
                            elm, prompts, SamplingConfig.ancestral(w.newTokens()), seed[0]++);
                    long produced = 0;
                    for (int length : result.lengths()) {
                      produced += length;
                    }
                    long count = produced;
                    return seconds -> count / seconds;
                  }));
        }
        reinforce(
            w, elm, adamW, cycle(inputs.prompts, w.contexts(), w.samplesPerContext()), figures);
        sac(w, device, cycle(inputs.prompts, w.contexts(), 1), figures);
      }
    }
    if (w.rewardTexts() > 0) {
      figures.put("reward_minilm_texts_s", rewardThroughput(w));
    }
    try (NDManager manager = NDManager.newBaseManager(device)) {
      int n = w.gemmSize();
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      figures.put(
          "gemm_gflop_s",
          median(
              w,
              () -> {
                a.matMul(b).close();
                return seconds -> 2.0 * n * n * (double) n / seconds / 1e9;
              }));
    }
    info.put("blas", blasReport(engine));
    return new SideFigures("java", info, figures);
  }

  /** One REINFORCE step, timed as a whole and split into generation and the rest. */
  private static void reinforce(
      CompareWorkload w, Elm elm, AdamW adamW, List<ElmPrompt> prompts, Map<String, Double> out) {
    int k = w.samplesPerContext();
    List<double[]> parts = new ArrayList<>();
    for (int rep = 0; rep < w.warmups() + w.runs(); rep++) {
      long start = System.nanoTime();
      SampleResult samples =
          Sampler.sample(elm, prompts, SamplingConfig.ancestral(w.newTokens()), 1000L + rep);
      long generated = System.nanoTime();
      List<int[]> continuations = new ArrayList<>();
      for (int row = 0; row < samples.rows(); row++) {
        continuations.add(samples.continuation(row));
      }
      float[] advantages = leaveOneOutAdvantages(rewards(continuations), k);
      loss(elm, prompts, continuations, advantages);
      adamW.step(elm.parameters());
      long end = System.nanoTime();
      if (rep >= w.warmups()) {
        parts.add(
            new double[] {(end - start) / 1e9, (generated - start) / 1e9, (end - generated) / 1e9});
      }
    }
    String[] keys = {"reinforce_step_s", "reinforce_generate_s", "reinforce_update_s"};
    for (int i = 0; i < keys.length; i++) {
      double[] values = new double[parts.size()];
      for (int r = 0; r < values.length; r++) {
        values[r] = parts.get(r)[i];
      }
      out.put(keys[i], ComparisonTable.median(values));
    }
  }

  /**
   * One step of the project's {@link SacTrainer} (sampling K completions of each context, the
   * stand-in reward, the replay buffer, then one update of the critics and the policy and the
   * Polyak step), timed as a whole and split as the trainer's own metrics split it. A fresh policy
   * at the base width, so the REINFORCE figures' training does not carry over.
   */
  private static void sac(
      CompareWorkload w, Device device, List<ElmPrompt> contexts, Map<String, Double> out) {
    SacConfig config =
        SacConfig.defaults()
            .with()
            .samplesPerContext(w.samplesPerContext())
            .maxNewTokens(w.newTokens())
            .build();
    CompletionReward reward = (context, continuation) -> rewards(List.of(continuation))[0];
    List<double[]> parts = new ArrayList<>();
    try (Elm policy = Elm.initialize(config(w, w.baseDModel()), device, DataType.FLOAT32, 2);
        Elm reference = policy.referencePolicy();
        SacTrainer trainer = new SacTrainer(policy, reference, reward, config)) {
      for (int rep = 0; rep < w.warmups() + w.runs(); rep++) {
        long start = System.nanoTime();
        Map<String, Double> metrics = trainer.step(contexts).metrics();
        double whole = (System.nanoTime() - start) / 1e9;
        if (rep >= w.warmups()) {
          parts.add(
              new double[] {
                whole,
                metrics.get("time_generate_s"),
                metrics.get("time_reward_s"),
                metrics.get("time_update_s")
              });
        }
      }
    }
    String[] keys = {"sac_step_s", "sac_generate_s", "sac_reward_s", "sac_update_s"};
    for (int i = 0; i < keys.length; i++) {
      double[] values = new double[parts.size()];
      for (int r = 0; r < values.length; r++) {
        values[r] = parts.get(r)[i];
      }
      out.put(keys[i], ComparisonTable.median(values));
    }
  }

  /** Common English words: the vocabulary of the reward figure's generated-like texts. */
  private static final String[] WORDS =
      ("the a of and to in is his her their film story young man woman family life world love"
              + " war city town house night day years friends father mother son daughter must"
              + " finds when after who with for from into out secret journey past new old small"
              + " dark strange group team police detective killer doctor teacher school music"
              + " dream home death truth power money king queen island ship space planet earth")
          .split(" ");

  /**
   * Texts per second through the semantic-consistency reward on all-MiniLM-L6-v2 (the #9 encoder
   * path, in-process ONNX Runtime, its own batching, no cache of encodings): each timed run scores
   * {@code rewardTexts} new 60-word texts against one 384-d target. The model loads before timing.
   */
  private static double rewardThroughput(CompareWorkload w) {
    SemanticConsistencyReward sc =
        new SemanticConsistencyReward(MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.FULL));
    SplittableRandom rng = new SplittableRandom(11);
    float[] target = new float[MiniLmTextEncoder.DIMENSION];
    for (int i = 0; i < target.length; i++) {
      target[i] = (float) rng.nextGaussian();
    }
    List<RewardContext> contexts =
        java.util.Collections.nCopies(w.rewardTexts(), RewardContext.single("bench", target));
    sc.score(List.of("load the model"), List.of(contexts.get(0)));
    return median(
        w,
        () -> {
          List<String> texts = new ArrayList<>();
          for (int t = 0; t < w.rewardTexts(); t++) {
            StringBuilder text = new StringBuilder();
            for (int word = 0; word < 60; word++) {
              text.append(word == 0 ? "" : " ").append(WORDS[rng.nextInt(WORDS.length)]);
            }
            texts.add(text.toString());
          }
          sc.score(texts, contexts);
          return seconds -> texts.size() / seconds;
        });
  }

  /** The stand-in reward: how often {@link #REWARD_TOKEN} occurs in each sample. */
  static float[] rewards(List<int[]> continuations) {
    float[] rewards = new float[continuations.size()];
    for (int row = 0; row < rewards.length; row++) {
      for (int token : continuations.get(row)) {
        if (token == REWARD_TOKEN) {
          rewards[row]++;
        }
      }
    }
    return rewards;
  }

  /**
   * Leave-one-out advantages over consecutive groups of {@code k}: {@code A_i = r_i - (sum_group r
   * - r_i) / (k - 1)} (the RLOO baseline, Kool et al. 2019).
   */
  static float[] leaveOneOutAdvantages(float[] rewards, int k) {
    float[] advantages = new float[rewards.length];
    for (int group = 0; group < rewards.length; group += k) {
      float sum = 0;
      for (int i = group; i < group + k; i++) {
        sum += rewards[i];
      }
      for (int i = group; i < group + k; i++) {
        advantages[i] = rewards[i] - (sum - rewards[i]) / (k - 1);
      }
    }
    return advantages;
  }

  /**
   * Forward and backward of a loss: with {@code advantages} null the mean token NLL of the
   * continuations (training), else REINFORCE's {@code -mean_i(A_i * log pi(y_i | c_i))}.
   */
  private static void loss(
      Elm elm, List<ElmPrompt> prompts, List<int[]> continuations, float[] advantages) {
    try (NDScope arrays = new NDScope();
        NDManager step = elm.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      arrays.suppressNotUsedWarning();
      ContinuationLogProbs out = elm.continuationLogProbs(step, prompts, continuations, false);
      NDArray loss;
      if (advantages == null) {
        loss = out.tokenLogProbs().sum().div(out.mask().sum()).neg();
      } else {
        loss = out.sequenceLogProbs().mul(step.create(advantages)).mean().neg();
      }
      collector.backward(loss);
    }
  }

  private static ElmConfig config(CompareWorkload w, int d) {
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(w.vocabSize())
            .contextLength(w.contextLength())
            .layers(w.layers())
            .heads(w.heads())
            .dModel(d)
            .build();
    return new ElmConfig(
        lm, new AdapterConfig(ENTITY_DIM, ADAPTER_HIDDEN, 0.02), List.of(w.vocabSize() - 1), 1, 0);
  }

  /** Prompts {@code 0, 0, ..., 1, 1, ...} ({@code repeat} times each) cycling over the batch. */
  private static List<ElmPrompt> cycle(List<ElmPrompt> prompts, int distinct, int repeat) {
    List<ElmPrompt> out = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      for (int r = 0; r < repeat; r++) {
        out.add(prompts.get(i % prompts.size()));
      }
    }
    return out;
  }

  /**
   * Random prompts (placeholder, the last token id, at index 2) with their entities, and random
   * continuations: the inputs of every Java figure, here and in {@link PolicyThroughput}.
   */
  record Inputs(List<ElmPrompt> prompts, List<int[]> continuations) {
    static Inputs make(CompareWorkload w) {
      return make(w.batch(), w.promptTokens(), w.contextLength(), w.vocabSize(), ENTITY_DIM);
    }

    static Inputs make(
        int batch, int promptTokens, int contextLength, int vocabSize, int entityDim) {
      SplittableRandom rng = new SplittableRandom(7);
      int placeholder = vocabSize - 1;
      List<ElmPrompt> prompts = new ArrayList<>();
      List<int[]> continuations = new ArrayList<>();
      for (int row = 0; row < batch; row++) {
        int[] ids = new int[promptTokens];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = 2 + rng.nextInt(vocabSize - 3);
        }
        ids[2] = placeholder;
        float[] entity = new float[entityDim];
        for (int i = 0; i < entity.length; i++) {
          entity[i] = (float) rng.nextGaussian();
        }
        prompts.add(new ElmPrompt(ids, new float[][] {entity}));
        int[] continuation = new int[contextLength - promptTokens];
        for (int i = 0; i < continuation.length; i++) {
          continuation[i] = 2 + rng.nextInt(vocabSize - 3);
        }
        continuations.add(continuation);
      }
      return new Inputs(prompts, continuations);
    }
  }

  /** Median over the timed repetitions of the figure each returns as a function of its seconds. */
  private static double median(CompareWorkload w, Supplier<DoubleUnaryOperator> work) {
    for (int i = 0; i < w.warmups(); i++) {
      work.get();
    }
    double[] values = new double[w.runs()];
    for (int i = 0; i < values.length; i++) {
      long start = System.nanoTime();
      DoubleUnaryOperator figure = work.get();
      values[i] = figure.applyAsDouble((System.nanoTime() - start) / 1e9);
    }
    return ComparisonTable.median(values);
  }

  /**
   * What DJL's libtorch says of its BLAS: the engine's MKL, MKL-DNN and OpenMP capabilities (read
   * from the library's build configuration), and the BLAS or MKL libraries mapped into the process.
   */
  static String blasReport(Engine engine) {
    List<String> parts = new ArrayList<>();
    parts.add(engine.hasCapability(StandardCapabilities.MKL) ? "MKL" : "no MKL");
    if (engine.hasCapability(StandardCapabilities.MKLDNN)) {
      parts.add("oneDNN");
    }
    if (engine.hasCapability(StandardCapabilities.OPENMP)) {
      parts.add("OpenMP");
    }
    TreeSet<String> libs = new TreeSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        String[] fields = line.trim().split("\\s+");
        String file = fields[fields.length - 1];
        String name = file.substring(file.lastIndexOf('/') + 1);
        if (name.matches("(?i).*(blas|mkl|lapack|libtorch_cpu|gomp).*")) {
          libs.add(name);
        }
      }
      parts.add("loaded: " + String.join(", ", libs));
    } catch (IOException | RuntimeException e) {
      parts.add("loaded libraries unknown (" + e.getMessage() + ")");
    }
    return String.join("; ", parts);
  }
}
