package dev.elmrlaif.algorithms.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.ModelConfig;
import dev.elmrlaif.algorithms.config.PretrainConfig;
import dev.elmrlaif.algorithms.config.PretrainCorpusSource;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.config.TrainerConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PretrainCorpus;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.policy.tokenizer.SpecialTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code pretrain} stage (DESIGN.md §2): without a configured pretrained model, a small GPT is
 * trained from scratch on the training corpus ({@code pretrain.corpus}, {@link PretrainCorpus}:
 * every teacher text of the training split, or every text of the training split plus texts about no
 * entity) with the causal language-model loss; with one ({@code model.pretrained}, a local Hugging
 * Face GPT-2 folder) that model and its tokenizer, given the ELM's special tokens, are imported
 * instead. Either way the result is {@code pretrain/model/}, the language model the {@code sft}
 * stage builds the ELM on.
 *
 * <p>The corpus is packed: texts in a seeded random order, each followed by the end token, are
 * concatenated into one token stream cut into sequences of {@code model.context_length}. For a
 * batch of sequences {@code x}, the loss is the mean next-token cross-entropy over every predicted
 * token:
 *
 * <pre>
 *   L = -(1/N) sum_{b, t >= 1} log p_theta(x[b, t] | x[b, &lt; t]),   N = B * (T - 1)
 * </pre>
 *
 * The held-out loss is the same quantity over the held-out split's texts.
 */
public final class PretrainStage implements Stage {
  private static final Logger LOG = LogManager.getLogger(PretrainStage.class);

  private final TrainingSetup setup;

  public PretrainStage(TrainingSetup setup) {
    this.setup = setup;
  }

  @Override
  public StageName name() {
    return StageName.PRETRAIN;
  }

  @Override
  public Map<String, Object> run(RunContext context) throws IOException {
    ModelConfig model = setup.model().apply(context.config());
    Path output = RunArtifacts.pretrainedModel(context.run());
    if (model.hasPretrained()) {
      return importPretrained(Path.of(model.pretrained()), output, context);
    }
    PretrainConfig pretrain = setup.pretrain().apply(context.config());
    TrainerConfig trainer = context.config().trainer();
    Path tokenizerFile =
        RunArtifacts.requireFile(RunArtifacts.tokenizerFile(context.run()), StageName.TOKENIZER);
    PreparedData data = setup.data().apply(context);
    long seed = context.config().seed();
    try (ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerFile)) {
      int endToken =
          Math.toIntExact(
              tokenizer
                  .endId()
                  .orElseThrow(
                      () ->
                          new UserInputException(
                              tokenizerFile
                                  + ": has no end token; expected the tokenizer stage's tokenizer with special tokens")));
      int padToken = Math.toIntExact(tokenizer.padId().orElse(endToken));
      int length = model.contextLength();
      PretrainCorpus corpus =
          pretrain.corpus() == PretrainCorpusSource.TRAINING_TEXTS
              ? PretrainCorpus.trainingTexts(data)
              : PretrainCorpus.examples(data);
      List<long[]> encoded = new ArrayList<>();
      Map<String, Object> corpusRecord = new LinkedHashMap<>();
      for (PretrainCorpus.Part part : corpus.parts()) {
        long tokens = 0;
        for (long[] ids : tokenizer.encodeAll(part.texts())) {
          encoded.add(ids);
          tokens += ids.length + 1; // and the end token
        }
        LOG.info(
            "pretrain corpus ({}): {} texts, {} tokens with end tokens (~{} sequences of {})",
            part.source(),
            part.texts().size(),
            tokens,
            tokens / length,
            length);
        corpusRecord.put(
            part.source(),
            Map.of("texts", part.texts().size(), "tokens", tokens, "sequences", tokens / length));
      }
      List<int[]> train = packEncoded(encoded, endToken, length, seed);
      List<int[]> heldOut =
          pack(targetsOf(data.heldOutExamples().values()), tokenizer, endToken, length, seed + 1);
      if (train.isEmpty()) {
        throw new UserInputException(
            "pretrain: the training corpus has fewer than model.context_length="
                + length
                + " tokens; expected more training texts or a shorter context");
      }
      LOG.info(
          "pretrain: {} training ({} corpus) and {} held-out sequences of {} tokens",
          train.size(),
          pretrain.corpus().name().toLowerCase(java.util.Locale.ROOT),
          heldOut.size(),
          length);

      GptConfig gpt =
          GptConfig.builder()
              .vocabSize(tokenizer.vocabSize())
              .contextLength(length)
              .layers(model.layers())
              .heads(model.heads())
              .dModel(model.dModel())
              .build();
      ElmConfig elmConfig = ElmConfig.languageModel(gpt, endToken, padToken);
      int steps = pretrain.resolvedSteps(trainer);
      OptimizationLoop.Plan plan =
          new OptimizationLoop.Plan(
              StageName.PRETRAIN.key(),
              steps,
              EnumSet.of(ParameterGroup.EMBEDDINGS, ParameterGroup.BODY),
              LearningRateSchedule.warmupCosine(
                  trainer.learningRate(),
                  Math.min(trainer.warmupSteps(), steps - 1),
                  steps,
                  pretrain.minLearningRateRatio()),
              adamW(trainer),
              trainer.gradClip(),
              trainer.checkpointEvery(),
              trainer.logEvery(),
              pretrain.evalEvery(),
              new BatchOrder(train.size(), trainer.batchSize(), seed + 11),
              seed + 12,
              length,
              RunArtifacts.checkpoints(context.run(), StageName.PRETRAIN.key()),
              tokenizerFile,
              trainer.keepBest(),
              trainer.patience());
      PackedLmObjective objective =
          new PackedLmObjective(train, heldOut, plan.order(), pretrain.evalBatches());
      OptimizationLoop.Outcome outcome =
          OptimizationLoop.run(
              plan,
              () ->
                  Elm.initialize(
                      elmConfig, context.compute().device(), DataType.FLOAT32, plan.initSeed()),
              objective,
              context);
      try (Elm trained = outcome.model()) {
        ElmCheckpoint.save(trained, output, tokenizerFile);
      }
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("model", output.toString());
      record.put("steps", steps);
      record.put("corpus", pretrain.corpus().name().toLowerCase(java.util.Locale.ROOT));
      record.put("corpus_parts", corpusRecord);
      record.put("train_sequences", train.size());
      record.put("held_out_sequences", heldOut.size());
      record.put("final_loss", finiteOrNull(outcome.lastLoss()));
      record.put("held_out_loss", finiteOrNull(outcome.heldOutLoss()));
      putBest(record, outcome, trainer);
      record.put("tokens_per_s", finiteOrNull(outcome.tokensPerSecond()));
      record.put(
          "peak_rss_mib",
          outcome.peakResidentBytes() > 0 ? MemoryEstimate.mib(outcome.peakResidentBytes()) : null);
      return record;
    }
  }

  /** The shared optimizer settings: AdamW with no decay on biases, LayerNorms and embeddings. */
  static AdamWConfig adamW(TrainerConfig trainer) {
    return AdamWConfig.builder()
        .weightDecay(trainer.weightDecay())
        .noDecayOnBiasNormAndEmbeddings()
        .build();
  }

  /**
   * With {@code trainer.keep_best}: the step whose weights were kept and their held-out loss (null
   * when no held-out loss was computed); with {@code trainer.patience}, the step at which the stage
   * stopped early (null when it ran all its steps).
   */
  static void putBest(
      Map<String, Object> record, OptimizationLoop.Outcome outcome, TrainerConfig trainer) {
    if (trainer.keepBest()) {
      record.put("best_step", outcome.bestStep() >= 0 ? outcome.bestStep() : null);
      record.put("best_held_out_loss", finiteOrNull(outcome.bestHeldOutLoss()));
    }
    if (trainer.patience() > 0) {
      record.put(
          "stopped_early_at_step",
          outcome.stoppedEarlyAtStep() >= 0 ? outcome.stoppedEarlyAtStep() : null);
    }
  }

  static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** The causal-LM loss over packed sequences (the class comment's formula). */
  static final class PackedLmObjective implements OptimizationLoop.Objective {
    private final List<int[]> train;
    private final List<int[]> heldOut;
    private final BatchOrder order;
    private final int evalBatches;

    PackedLmObjective(List<int[]> train, List<int[]> heldOut, BatchOrder order, int evalBatches) {
      this.train = train;
      this.heldOut = heldOut;
      this.order = order;
      this.evalBatches = evalBatches;
    }

    @Override
    public OptimizationLoop.BatchLoss loss(Elm elm, NDManager scope, long step) {
      List<int[]> batch = new ArrayList<>();
      for (int index : order.batch(step)) {
        batch.add(train.get(index));
      }
      return meanNextTokenLoss(elm, scope, batch);
    }

    @Override
    public double heldOutLoss(Elm elm) {
      if (heldOut.isEmpty()) {
        return Double.NaN;
      }
      double sum = 0;
      long tokens = 0;
      int batchSize = order.batchSize();
      for (int start = 0;
          start < heldOut.size() && start / batchSize < evalBatches;
          start += batchSize) {
        List<int[]> batch = heldOut.subList(start, Math.min(heldOut.size(), start + batchSize));
        try (NDScope arrays = new NDScope();
            NDManager scope = elm.manager().newSubManager()) {
          arrays.suppressNotUsedWarning();
          OptimizationLoop.BatchLoss loss = meanNextTokenLoss(elm, scope, batch);
          sum += loss.loss().getFloat() * loss.tokens();
          tokens += loss.tokens();
        }
      }
      return sum / tokens;
    }

    /**
     * L = -(1/N) sum log p(x_t | x_&lt;t): the first token is the prompt, the rest are predicted.
     */
    private static OptimizationLoop.BatchLoss meanNextTokenLoss(
        Elm elm, NDManager scope, List<int[]> sequences) {
      List<ElmPrompt> prompts = new ArrayList<>(sequences.size());
      List<int[]> continuations = new ArrayList<>(sequences.size());
      for (int[] sequence : sequences) {
        prompts.add(ElmPrompt.text(sequence[0]));
        continuations.add(Arrays.copyOfRange(sequence, 1, sequence.length));
      }
      return ContinuationLoss.mean(elm, scope, prompts, continuations);
    }
  }

  /** Every target text of the examples, in task order. */
  static List<String> targetsOf(Collection<List<TaskExample>> examplesByTask) {
    List<String> texts = new ArrayList<>();
    for (List<TaskExample> examples : examplesByTask) {
      for (TaskExample example : examples) {
        texts.add(example.target());
      }
    }
    return texts;
  }

  /**
   * Packs texts into sequences of exactly {@code length} tokens: a seeded shuffle of the texts,
   * each text's ids followed by {@code endToken}, concatenated and cut; the incomplete tail is
   * dropped.
   */
  static List<int[]> pack(
      List<String> texts, ElmTokenizer tokenizer, int endToken, int length, long seed) {
    List<long[]> encoded = new ArrayList<>(texts.size());
    for (String text : texts) {
      encoded.add(tokenizer.encode(text));
    }
    return packEncoded(encoded, endToken, length, seed);
  }

  /**
   * {@link #pack} of texts already encoded: the shuffle permutes positions only, so packing the
   * encodings gives the very sequences packing the texts does.
   */
  static List<int[]> packEncoded(List<long[]> texts, int endToken, int length, long seed) {
    List<long[]> shuffled = new ArrayList<>(texts);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long[] swap = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, swap);
    }
    List<int[]> sequences = new ArrayList<>();
    int[] current = new int[length];
    int filled = 0;
    for (long[] ids : shuffled) {
      for (int i = 0; i <= ids.length; i++) {
        current[filled++] = i < ids.length ? Math.toIntExact(ids[i]) : endToken;
        if (filled == length) {
          sequences.add(current);
          current = new int[length];
          filled = 0;
        }
      }
    }
    return sequences;
  }

  /**
   * Imports a Hugging Face GPT-2 folder as the pretrained language model, saved as {@code
   * pretrain/model/} with the run's tokenizer: the tokenizer stage's (which should have been made
   * from the same folder, {@code tokenizer.pretrained}), or else the folder's own tokenizer with
   * the ELM's special tokens (begin, end, pad, placeholders) appended where it lacks them.
   */
  private static Map<String, Object> importPretrained(Path folder, Path output, RunContext context)
      throws IOException {
    Path tokenizerFile = RunArtifacts.tokenizerFile(context.run());
    if (!Files.isRegularFile(tokenizerFile)) {
      Path own = folder.resolve(ElmCheckpoint.TOKENIZER_FILE);
      if (!Files.isRegularFile(own)) {
        throw new UserInputException(
            "model.pretrained: "
                + own
                + " does not exist; expected a Hugging Face GPT-2"
                + " folder with config.json, model.safetensors and tokenizer.json");
      }
      tokenizerFile = output.resolveSibling(ElmCheckpoint.TOKENIZER_FILE);
      Files.createDirectories(output);
      try (ElmTokenizer original = ElmTokenizer.load(own);
          ElmTokenizer withPlaceholders = original.withSpecialTokens(SpecialTokens.defaults())) {
        withPlaceholders.save(tokenizerFile);
      }
    }
    try (Elm lm = ElmCheckpoint.load(folder, context.compute().device(), DataType.FLOAT32);
        ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerFile)) {
      if (tokenizer.vocabSize() < lm.config().lm().vocabSize()
          || tokenizer.placeholderCount() == 0) {
        throw new UserInputException(
            tokenizerFile
                + ": "
                + tokenizer.vocabSize()
                + " tokens and "
                + tokenizer.placeholderCount()
                + " placeholders for a model of "
                + lm.config().lm().vocabSize()
                + " tokens; expected the model's own tokenizer plus placeholders (set tokenizer.pretrained to "
                + folder
                + ")");
      }
      ElmCheckpoint.save(lm, output, tokenizerFile);
      LOG.info(
          "pretrain: imported {} ({} layers, d_model {}); tokenizer of {} tokens from {}",
          folder,
          lm.config().lm().layers(),
          lm.config().lm().dModel(),
          tokenizer.vocabSize(),
          tokenizerFile);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("model", output.toString());
      record.put("imported_from", folder.toString());
      record.put(
          "parameters",
          lm.parameters().values().stream().mapToLong(p -> p.getShape().size()).sum());
      return record;
    }
  }
}
