package dev.elmrlaif.algorithms.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.ModelConfig;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.config.Stage2Parameters;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.config.TrainerConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.lora.LoraConfig;
import dev.elmrlaif.policy.lora.LoraTarget;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code sft} stage: two-stage supervised ELM training (paper Sec. 2 and App. D; DESIGN.md §2).
 * One ELM is trained per entity kind of the tasks' first slot ({@link #modelKinds}; MovieLens:
 * {@code movie} for every movie task, {@code user} for the user-profile task), each on the
 * pretrained language model plus a fresh adapter.
 *
 * <pre>
 *   stage 1:  trains {adapter}                                 the LM is frozen
 *   stage 2:  trains {adapter, embeddings, body}    (full)     or {adapter, LoRA}   (lora)
 *   loss:     L = -(1/N) sum_b sum_{t in target_b} log p(y[b,t] | prompt_b with E_A(e_b), y[b,&lt;t])
 * </pre>
 *
 * N is the number of target tokens in the batch: the prompt (with the adapter's rows at the
 * placeholders) only conditions, it is never predicted, and padding is masked out. Stage 2 starts
 * from stage 1's weights, with a fresh optimizer and its own warm-up and cosine schedule. The final
 * model is written with any LoRA merged, to {@code sft/<kind>/model/}.
 */
public final class SftStage implements Stage {
  private static final Logger LOG = LogManager.getLogger(SftStage.class);

  private final TrainingSetup setup;

  public SftStage(TrainingSetup setup) {
    this.setup = setup;
  }

  @Override
  public StageName name() {
    return StageName.SFT;
  }

  @Override
  public Map<String, Object> run(RunContext context) throws IOException {
    SftConfig sft = setup.sft().apply(context.config());
    ModelConfig model = setup.model().apply(context.config());
    Path lmFolder =
        RunArtifacts.requireModel(RunArtifacts.pretrainedModel(context.run()), StageName.PRETRAIN);
    Path tokenizerFile =
        RunArtifacts.requireFile(
            lmFolder.resolve(ElmCheckpoint.TOKENIZER_FILE), StageName.PRETRAIN);
    PreparedData data = setup.data().apply(context);
    Map<String, Object> record = new LinkedHashMap<>();
    try (ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerFile)) {
      for (String kind : modelKinds(sft, data)) {
        List<TaskSpec> tasks =
            data.tasks().stream()
                .filter(
                    t ->
                        t.slots().get(0).kind().equals(kind)
                            && !data.trainExamples().getOrDefault(t.name(), List.of()).isEmpty())
                .toList();
        if (tasks.isEmpty()) {
          LOG.warn(
              "sft: no prepared task with training examples describes a {}; the {} model is skipped",
              kind,
              kind);
          record.put(kind, Map.of("skipped", "no task of this kind in data.tasks.enabled"));
          continue;
        }
        record.put(
            kind,
            trainModel(kind, tasks, data, tokenizer, tokenizerFile, lmFolder, model, sft, context));
      }
    }
    return record;
  }

  private Map<String, Object> trainModel(
      String kind,
      List<TaskSpec> tasks,
      PreparedData data,
      ElmTokenizer tokenizer,
      Path tokenizerFile,
      Path lmFolder,
      ModelConfig model,
      SftConfig sft,
      RunContext context)
      throws IOException {
    TrainerConfig trainer = context.config().trainer();
    long seed =
        context.config().seed()
            + 1000L
                * (data.domain().entityTables().keySet().stream().sorted().toList().indexOf(kind)
                    + 1);
    int domainDim = domainDimension(kind, tasks, data);
    int contextLength;
    int endToken;
    try (Elm lm = ElmCheckpoint.load(lmFolder, context.compute().device(), DataType.FLOAT32)) {
      contextLength = lm.config().lm().contextLength();
      endToken = lm.config().endTokenId();
    }
    ElmExamples encoder = new ElmExamples(tasks, data.domain(), tokenizer, contextLength, endToken);
    List<ElmExamples.Encoded> train = new ArrayList<>();
    for (TaskSpec task : tasks) {
      // in parallel (the tokenizer and the domain are read-only here), in the examples' order
      train.addAll(
          data.trainExamples().get(task.name()).parallelStream().map(encoder::encode).toList());
    }
    List<ElmExamples.Encoded> heldOut = new ArrayList<>();
    for (TaskExample example : interleave(tasks, data.heldOutExamples(), sft.evalExamples())) {
      heldOut.add(encoder.encode(example));
    }
    int[] lengths =
        train.stream().mapToInt(e -> e.prompt().tokenIds().length + e.target().length).toArray();
    int longest = Arrays.stream(lengths).max().orElse(1);
    LOG.info(
        "sft/{}: {} tasks, {} training and {} held-out examples, domain dimension {}, longest sequence {}",
        kind,
        tasks.size(),
        train.size(),
        heldOut.size(),
        domainDim,
        longest);
    TargetLossObjective objective = new TargetLossObjective(train, heldOut, trainer.batchSize());
    AdapterConfig adapter =
        new AdapterConfig(domainDim, model.adapterHidden(), model.adapterInitStd());
    List<Integer> placeholders = new ArrayList<>();
    for (long id : tokenizer.placeholderIds()) {
      placeholders.add(Math.toIntExact(id));
    }
    Supplier<Elm> freshElm =
        () -> {
          try (Elm lm =
              ElmCheckpoint.load(lmFolder, context.compute().device(), DataType.FLOAT32)) {
            return lm.withNewAdapter(adapter, placeholders, tokenizer.vocabSize(), seed);
          }
        };

    Map<String, Object> record = new LinkedHashMap<>();
    Elm current = null;
    try {
      if (sft.runsStage1()) {
        OptimizationLoop.Plan stage1 =
            plan(
                kind + "/stage1",
                sft.stage1Steps(),
                EnumSet.of(ParameterGroup.ADAPTER),
                rate(sft.stage1LearningRate(), trainer),
                sft,
                trainer,
                lengths,
                seed,
                longest,
                tokenizerFile,
                context);
        OptimizationLoop.Outcome outcome =
            OptimizationLoop.run(stage1, freshElm, objective.forOrder(stage1.order()), context);
        current = outcome.model();
        record.put("stage1", summary(outcome, stage1));
      }
      if (sft.runsStage2()) {
        boolean lora = sft.stage2Trains() == Stage2Parameters.LORA;
        Set<ParameterGroup> trains =
            lora
                ? EnumSet.of(ParameterGroup.ADAPTER, ParameterGroup.LORA)
                : EnumSet.of(
                    ParameterGroup.ADAPTER, ParameterGroup.EMBEDDINGS, ParameterGroup.BODY);
        OptimizationLoop.Plan stage2 =
            plan(
                kind + "/stage2",
                sft.stage2Steps(),
                trains,
                rate(sft.stage2LearningRate(), trainer),
                sft,
                trainer,
                lengths,
                seed + 500,
                longest,
                tokenizerFile,
                context);
        Elm startingPoint = current;
        Supplier<Elm> stage2Start =
            () -> {
              Elm base = startingPoint != null ? startingPoint : freshElm.get();
              if (lora) {
                base.attachLora(
                    new LoraConfig(
                        sft.loraRank(), sft.loraAlpha(), EnumSet.allOf(LoraTarget.class)),
                    stage2.initSeed());
              }
              return base;
            };
        OptimizationLoop.Outcome outcome =
            OptimizationLoop.run(stage2, stage2Start, objective.forOrder(stage2.order()), context);
        if (current != null && current != outcome.model()) {
          current.close(); // stage 2 resumed from its own checkpoint
        }
        current = outcome.model();
        record.put("stage2", summary(outcome, stage2));
      }
      if (current == null) {
        throw new UserInputException(
            "sft: schedule "
                + sft.schedule()
                + " with stage1_steps="
                + sft.stage1Steps()
                + " and stage2_steps="
                + sft.stage2Steps()
                + " trains nothing; expected steps > 0 for a scheduled stage");
      }
      Path output = RunArtifacts.sftModel(context.run(), kind);
      if (current.lora() != null) {
        try (Elm merged = current.withLoraMerged()) {
          ElmCheckpoint.save(merged, output, tokenizerFile);
        }
      } else {
        ElmCheckpoint.save(current, output, tokenizerFile);
      }
      record.put("model", output.toString());
      record.put("tasks", tasks.stream().map(TaskSpec::name).toList());
      record.put("train_examples", train.size());
      return record;
    } finally {
      if (current != null) {
        current.close();
      }
    }
  }

  /**
   * The entity kinds the sft stage trains a model for: {@code sft.models}, or, when that is empty,
   * the first-slot kind of every prepared task, in task order (MovieLens: movie, user; a file
   * domain: its own kinds). Each model is saved under {@link RunArtifacts#sftModel}.
   */
  public static List<String> modelKinds(SftConfig sft, PreparedData data) {
    return sft.modelKinds(data.tasks().stream().map(t -> t.slots().get(0).kind()).toList());
  }

  private static double rate(double configured, TrainerConfig trainer) {
    return configured > 0 ? configured : trainer.learningRate();
  }

  private static OptimizationLoop.Plan plan(
      String kindAndStage,
      int steps,
      Set<ParameterGroup> trains,
      double learningRate,
      SftConfig sft,
      TrainerConfig trainer,
      int[] lengths,
      long seed,
      int longest,
      Path tokenizerFile,
      RunContext context) {
    String label = StageName.SFT.key() + "/" + kindAndStage;
    return new OptimizationLoop.Plan(
        label,
        steps,
        trains,
        LearningRateSchedule.warmupCosine(
            learningRate,
            Math.min(trainer.warmupSteps(), steps - 1),
            steps,
            sft.minLearningRateRatio()),
        PretrainStage.adamW(trainer),
        trainer.gradClip(),
        trainer.checkpointEvery(),
        trainer.logEvery(),
        sft.evalEvery(),
        batchOrder(sft, trainer.batchSize(), lengths, seed + 1),
        seed + 2,
        longest,
        RunArtifacts.checkpoints(context.run(), label),
        tokenizerFile,
        trainer.keepBest(),
        trainer.patience());
  }

  /**
   * The batches of a stage over examples of these lengths (prompt plus target tokens): grouped by
   * length when {@code sft.group_by_length} is set, else the plain shuffled order.
   */
  static BatchOrder batchOrder(SftConfig sft, int batchSize, int[] lengths, long seed) {
    return sft.groupByLength()
        ? BatchOrder.groupedByLength(lengths, batchSize, seed)
        : new BatchOrder(lengths.length, batchSize, seed);
  }

  private static Map<String, Object> summary(
      OptimizationLoop.Outcome outcome, OptimizationLoop.Plan plan) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("steps", plan.totalSteps());
    summary.put("trains", plan.trains().stream().map(Enum::name).sorted().toList());
    summary.put("final_loss", PretrainStage.finiteOrNull(outcome.lastLoss()));
    summary.put("held_out_loss", PretrainStage.finiteOrNull(outcome.heldOutLoss()));
    if (plan.keepBest()) {
      summary.put("best_step", outcome.bestStep() >= 0 ? outcome.bestStep() : null);
      summary.put("best_held_out_loss", PretrainStage.finiteOrNull(outcome.bestHeldOutLoss()));
    }
    if (plan.patience() > 0) {
      summary.put(
          "stopped_early_at_step",
          outcome.stoppedEarlyAtStep() >= 0 ? outcome.stoppedEarlyAtStep() : null);
    }
    summary.put("tokens_per_s", PretrainStage.finiteOrNull(outcome.tokensPerSecond()));
    summary.put("resumed_from_step", outcome.resumedFromStep());
    return summary;
  }

  /** The adapter's input width: the dimension every slot of every task of this kind reads. */
  private static int domainDimension(String kind, List<TaskSpec> tasks, PreparedData data) {
    int dimension = -1;
    for (TaskSpec task : tasks) {
      for (TaskSpec.Slot slot : task.slots()) {
        EmbeddingSpace space = data.domain().spaces().get(slot.space());
        if (space == null) {
          throw new UserInputException(
              "task '"
                  + task.name()
                  + "': embedding space '"
                  + slot.space()
                  + "' is not in the prepared data; expected one of "
                  + data.domain().spaces().keySet());
        }
        if (dimension >= 0 && space.dimension() != dimension) {
          throw new UserInputException(
              "sft.models: the "
                  + kind
                  + " model's tasks read spaces of dimensions "
                  + dimension
                  + " and "
                  + space.dimension()
                  + " (task '"
                  + task.name()
                  + "'); expected one dimension per model");
        }
        dimension = space.dimension();
      }
    }
    return dimension;
  }

  /** Up to {@code limit} held-out examples, taking the tasks in turn so each is represented. */
  static List<TaskExample> interleave(
      List<TaskSpec> tasks, Map<String, List<TaskExample>> byTask, int limit) {
    List<TaskExample> chosen = new ArrayList<>();
    for (int index = 0; chosen.size() < limit; index++) {
      boolean any = false;
      for (TaskSpec task : tasks) {
        List<TaskExample> examples = byTask.getOrDefault(task.name(), List.of());
        if (index < examples.size() && chosen.size() < limit) {
          chosen.add(examples.get(index));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return chosen;
  }

  /** The target-token cross-entropy of the class comment. */
  static final class TargetLossObjective {
    private final List<ElmExamples.Encoded> train;
    private final List<ElmExamples.Encoded> heldOut;
    private final int batchSize;

    TargetLossObjective(
        List<ElmExamples.Encoded> train, List<ElmExamples.Encoded> heldOut, int batchSize) {
      this.train = train;
      this.heldOut = heldOut;
      this.batchSize = batchSize;
    }

    /** The objective over the batches {@code order} assigns to each step. */
    OptimizationLoop.Objective forOrder(BatchOrder order) {
      return new OptimizationLoop.Objective() {
        @Override
        public OptimizationLoop.BatchLoss loss(Elm elm, NDManager scope, long step) {
          List<ElmExamples.Encoded> batch = new ArrayList<>();
          for (int index : order.batch(step)) {
            batch.add(train.get(index));
          }
          return targetLoss(elm, scope, batch);
        }

        @Override
        public double heldOutLoss(Elm elm) {
          return meanLoss(elm, heldOut, batchSize);
        }
      };
    }

    /**
     * The token-weighted mean target loss over {@code examples}, without gradient; NaN for none.
     */
    static double meanLoss(Elm elm, List<ElmExamples.Encoded> examples, int batchSize) {
      double sum = 0;
      long tokens = 0;
      for (int start = 0; start < examples.size(); start += batchSize) {
        try (NDScope arrays = new NDScope();
            NDManager scope = elm.manager().newSubManager()) {
          arrays.suppressNotUsedWarning();
          OptimizationLoop.BatchLoss loss =
              targetLoss(
                  elm,
                  scope,
                  examples.subList(start, Math.min(examples.size(), start + batchSize)));
          sum += loss.loss().getFloat() * loss.tokens();
          tokens += loss.tokens();
        }
      }
      return tokens == 0 ? Double.NaN : sum / tokens;
    }

    /** L = -(1/N) sum over target tokens of log p(target token | prompt, earlier target tokens). */
    static OptimizationLoop.BatchLoss targetLoss(
        Elm elm, NDManager scope, List<ElmExamples.Encoded> batch) {
      List<ElmPrompt> prompts = new ArrayList<>(batch.size());
      List<int[]> targets = new ArrayList<>(batch.size());
      for (ElmExamples.Encoded example : batch) {
        prompts.add(example.prompt());
        targets.add(example.target());
      }
      return ContinuationLoss.mean(elm, scope, prompts, targets);
    }
  }
}
