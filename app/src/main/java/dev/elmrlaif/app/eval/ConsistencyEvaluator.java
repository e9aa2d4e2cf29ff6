package dev.elmrlaif.app.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.BehavioralConsistencyConfig;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.text.CachingTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Semantic and behavioral consistency (paper Sec. 3.2 and App. B; DESIGN.md §5) of texts for
 * held-out entities, from a trained ELM and from four baselines:
 *
 * <ul>
 *   <li>{@code random_train_text}: the target text of a random training example of the same task
 *       (another entity's text: what "knowing nothing about the entity" scores);
 *   <li>{@code random_embedding}: the same model given a random embedding, drawn per dimension from
 *       a Gaussian with the training entities' mean and standard deviation (on the first {@code
 *       eval.random_embedding_per_task} examples when that is set: it costs a model's decoding);
 *   <li>{@code nearest_neighbour_text}: the target text of the training example whose entities'
 *       embeddings are closest (sum of per-slot cosines): retrieval instead of generation;
 *   <li>{@code ground_truth}: the teacher's own text for the held-out entity (the ceiling).
 * </ul>
 *
 * SC of a text {@code y} is {@code cos(E_txt(y), target)}: for tasks whose slots read
 * text-comparable spaces, the target is the equal mix of the slots' embeddings; for other tasks
 * (e.g. a user profile) it is {@code E_txt} of the ground-truth text (App. B). BC, for tasks about
 * the interactions' row kind (e.g. a user), is the Spearman correlation between the ranking of
 * candidates of the column kind (e.g. movies) by similarity to {@code y} and the row entity's
 * interactions (0 where none). The targets are {@link RewardTargets}'s, as RL's, with candidates
 * from {@link RewardTargets.CandidatePool#ALL_ENTITIES}.
 *
 * <p>Every SC and BC figure carries a {@link Bootstrap} percentile interval over the held-out
 * examples ({@code eval.bootstrap_resamples} resamples, 95 %, seeded), every stage but {@link #SFT}
 * its paired difference from the supervised model ({@link EvalComparison}, with that of
 * distinct-2); every text source its length, distinct-2 (with its interval) and non-word rate
 * ({@link TextFigures}, against the {@link TrainingVocabulary}); and every generation of a trained
 * model is kept, with its entities, prompt, ground truth and scores, for {@code generations.jsonl}.
 */
public final class ConsistencyEvaluator {
  /** The stage name the supervised models are reported under. */
  public static final String SFT = "sft";

  public static final String RANDOM_TRAIN_TEXT = "random_train_text";
  public static final String RANDOM_EMBEDDING = "random_embedding";
  public static final String NEAREST_NEIGHBOUR_TEXT = "nearest_neighbour_text";
  public static final String GROUND_TRUTH = "ground_truth";

  /** Generations per task kept for {@code eval-samples.jsonl}. */
  public static final int SAMPLES_PER_TASK = 3;

  private static final Logger LOG = LogManager.getLogger(ConsistencyEvaluator.class);

  /** Encodings of generated texts kept in memory: a task's best-of-N samples, several times. */
  private static final int GENERATED_ENCODINGS_IN_MEMORY = 16_384;

  private final PreparedData data;
  private final EvalConfig config;
  private final long seed;

  /** The rewards of data texts (baselines), through the disk cache. */
  private final SemanticConsistencyReward semantic;

  private final BehavioralConsistencyReward behavioral;

  /** The rewards of generated texts, which read the disk cache but are never added to it. */
  private final SemanticConsistencyReward generatedSemantic;

  private final BehavioralConsistencyReward generatedBehavioral;
  private final Bootstrap bootstrap;
  private final TrainingVocabulary vocabulary;
  private final RewardTargets targets;
  private final HeldOutDecoding decoding;

  public ConsistencyEvaluator(PreparedData data, EvalConfig config, long seed) {
    this.data = data;
    this.config = config;
    this.seed = seed;
    this.semantic = new SemanticConsistencyReward(data.textEncoder());
    this.behavioral =
        new BehavioralConsistencyReward(data.textEncoder(), BehavioralConsistencyConfig.spearman());
    // generations read the disk cache but are never added to it; in memory, the samples that
    // best-of-N keeps are not encoded a second time when they are scored, nor a user-task text once
    // for SC and again for BC (16,384 × 384 floats: 25 MB)
    TextEncoder generated =
        new CachingTextEncoder(
            TextEncoders.withoutWrites(data.textEncoder()), GENERATED_ENCODINGS_IN_MEMORY);
    this.generatedSemantic = new SemanticConsistencyReward(generated);
    this.generatedBehavioral =
        new BehavioralConsistencyReward(generated, BehavioralConsistencyConfig.spearman());
    this.bootstrap = new Bootstrap(config.bootstrapResamples(), Bootstrap.CONFIDENCE, seed + 1009);
    this.vocabulary = TrainingVocabulary.ofTrainingSplit(data);
    this.targets =
        new RewardTargets(
            data,
            data.textEncoder(),
            RewardTargets.CandidatePool.ALL_ENTITIES,
            config.bcCandidates(),
            config.bcRatedFraction(),
            seed);
    this.decoding = HeldOutDecoding.of(config, targets, generated);
  }

  /**
   * Per-example scores and texts of one text source, by task, and for trained models each task's
   * generation figures.
   */
  private final class Scores {
    final Map<String, double[]> sc = new LinkedHashMap<>();
    final Map<String, double[]> bc = new LinkedHashMap<>();
    final Map<String, List<String>> texts = new LinkedHashMap<>();
    final Map<String, GenerationStats> generations = new LinkedHashMap<>();

    EvalTable table() {
      return EvalTable.of(sc, bc, texts, vocabulary, generations, bootstrap);
    }
  }

  /** A model folder loaded: the ELM, its tokenizer and the example encoder over both. */
  private record LoadedModel(Elm elm, ElmTokenizer tokenizer, ElmExamples encoder)
      implements AutoCloseable {
    static LoadedModel load(PreparedData data, Path folder, Device device) {
      Elm elm = ElmCheckpoint.load(folder, device, DataType.FLOAT32);
      ElmTokenizer tokenizer = ElmTokenizer.load(folder.resolve(ElmCheckpoint.TOKENIZER_FILE));
      return new LoadedModel(elm, tokenizer, ElmExamples.forModel(data, elm.config(), tokenizer));
    }

    @Override
    public void close() {
      tokenizer.close();
      elm.close();
    }
  }

  /** Generations: the prompts, the token ids after them, and those decoded. */
  private record Generations(List<ElmPrompt> prompts, List<int[]> tokens, List<String> texts) {}

  /**
   * Evaluates the supervised ELM of each entity kind on its tasks' held-out examples, beside the
   * baselines (the {@link #SFT} stage alone).
   *
   * @param modelsByKind the model folder of each entity kind to evaluate
   */
  public EvalReport evaluate(Map<String, Path> modelsByKind, Device device) {
    return evaluateStages(Map.of(SFT, modelsByKind), device);
  }

  /**
   * Evaluates the models of every stage ({@link #SFT}, {@code rl_<algorithm>}) on the held-out
   * examples of their kind's tasks: SC and BC, and against the {@link #SFT} model of the same kind
   * the per-sequence KL, entropy and distinct-2 of their own generations ({@link GenerationStats}).
   * The baselines are computed once per kind, with the supervised model (or, without one, the first
   * stage's), so they do not depend on which stages are evaluated.
   *
   * @param modelsByStage by stage name, the model folder of each entity kind (e.g. {@code movie},
   *     {@code user}); stages are reported in this map's order
   */
  public EvalReport evaluateStages(Map<String, Map<String, Path>> modelsByStage, Device device) {
    Map<String, Scores> stages = new LinkedHashMap<>();
    modelsByStage.keySet().forEach(stage -> stages.put(stage, new Scores()));
    List<EvalReport.Sample> samples = new ArrayList<>();
    List<EvalReport.Generation> generations = new ArrayList<>();
    Map<String, Scores> baselines = new LinkedHashMap<>();
    for (String name :
        List.of(RANDOM_TRAIN_TEXT, RANDOM_EMBEDDING, NEAREST_NEIGHBOUR_TEXT, GROUND_TRUTH)) {
      baselines.put(name, new Scores());
    }
    Set<String> kinds = new TreeSet<>();
    modelsByStage.values().forEach(models -> kinds.addAll(models.keySet()));
    for (String kind : kinds) {
      Path sftFolder = modelsByStage.getOrDefault(SFT, Map.of()).get(kind);
      boolean baselinesDone = false;
      try (LoadedModel sft = sftFolder == null ? null : LoadedModel.load(data, sftFolder, device)) {
        for (Map.Entry<String, Map<String, Path>> stage : modelsByStage.entrySet()) {
          Path folder = stage.getValue().get(kind);
          if (folder == null) {
            continue;
          }
          try (LoadedModel own =
              folder.equals(sftFolder) ? null : LoadedModel.load(data, folder, device)) {
            LoadedModel model = own == null ? sft : own;
            evaluateModel(
                stage.getKey(), kind, model, sft, stages.get(stage.getKey()), samples, generations);
            if (!baselinesDone) {
              scoreBaselines(kind, model, baselines);
              baselinesDone = true;
            }
          }
        }
      }
    }
    Map<String, EvalTable> stageTables = new LinkedHashMap<>();
    stages.forEach((name, scores) -> stageTables.put(name, scores.table()));
    Map<String, EvalTable> baselineTables = new LinkedHashMap<>();
    baselines.forEach((name, scores) -> baselineTables.put(name, scores.table()));
    Map<String, EvalComparison> versusSft = new LinkedHashMap<>();
    Scores sftScores = stages.get(SFT);
    if (sftScores != null) {
      stages.forEach(
          (name, scores) -> {
            if (!name.equals(SFT)) {
              EvalComparison comparison =
                  EvalComparison.paired(
                      scores.sc,
                      scores.bc,
                      scores.texts,
                      sftScores.sc,
                      sftScores.bc,
                      sftScores.texts,
                      bootstrap);
              if (!comparison.tasks().isEmpty()) {
                versusSft.put(name, comparison);
              }
            }
          });
    }
    return new EvalReport(
        "test",
        decoding.describe(),
        stageTables,
        baselineTables,
        versusSft,
        bootstrap,
        samples,
        generations);
  }

  /**
   * One stage's model of one kind on its tasks: SC, BC and the generation figures against the SFT
   * model.
   */
  private void evaluateModel(
      String stage,
      String kind,
      LoadedModel model,
      LoadedModel sft,
      Scores into,
      List<EvalReport.Sample> samples,
      List<EvalReport.Generation> generations) {
    for (TaskSpec task : tasksOf(kind)) {
      List<TaskExample> examples = heldOut(task);
      List<RewardContext> contexts = contexts(task, examples, model.encoder());
      List<float[][]> real = examples.stream().map(model.encoder()::entities).toList();
      Generations generated = generate(model, task, examples, real);
      score(into, task, generated.texts(), contexts, true);
      GenerationStats stats =
          GenerationStats.measure(
              model.elm(),
              sft == null ? null : sft.elm(),
              generated.prompts(),
              generated.tokens(),
              config.batchSize());
      into.generations.put(task.name(), stats);
      for (int i = 0; i < Math.min(SAMPLES_PER_TASK, examples.size()); i++) {
        samples.add(
            new EvalReport.Sample(
                stage,
                task.name(),
                examples.get(i).entities(),
                examples.get(i).prompt(),
                generated.texts().get(i),
                examples.get(i).target()));
      }
      double[] sc = into.sc.get(task.name());
      double[] bc = into.bc.get(task.name());
      for (int i = 0; i < examples.size(); i++) {
        TaskExample example = examples.get(i);
        generations.add(
            new EvalReport.Generation(
                stage,
                task.name(),
                entityRefs(task, example),
                example.prompt(),
                generated.texts().get(i),
                example.target(),
                sc[i],
                bc == null ? null : bc[i]));
      }
      TextFigures text = TextFigures.of(generated.texts(), vocabulary);
      LOG.info(
          "eval {} {}: {} held-out examples, SC {}{}, KL {}, entropy {}, words {}, distinct-2 {},"
              + " non-word rate {}",
          stage,
          task.name(),
          examples.size(),
          fmt(sc),
          bc == null ? "" : ", BC " + fmt(bc),
          fmt(stats.kl() == null ? null : EvalTable.mean(stats.kl())),
          fmt(EvalTable.mean(stats.entropy())),
          fmt(text.words()),
          fmt(text.distinct2()),
          fmt(text.nonWordRate()));
    }
  }

  /** The kind, index, external id and name of each entity of {@code example}, slot by slot. */
  private List<EvalReport.EntityRef> entityRefs(TaskSpec task, TaskExample example) {
    List<EvalReport.EntityRef> refs = new ArrayList<>();
    for (int slot = 0; slot < example.entities().size(); slot++) {
      String kind = task.slots().get(slot).kind();
      int index = example.entities().get(slot);
      dev.elmrlaif.domain.EntityTable table = data.domain().entities(kind);
      refs.add(new EvalReport.EntityRef(kind, index, table.id(index), table.name(index)));
    }
    return refs;
  }

  /**
   * The four baselines on the held-out examples of the kind's tasks; {@code model} serves
   * random_embedding.
   */
  private void scoreBaselines(String kind, LoadedModel model, Map<String, Scores> baselines) {
    for (TaskSpec task : tasksOf(kind)) {
      List<TaskExample> examples = heldOut(task);
      List<RewardContext> contexts = contexts(task, examples, model.encoder());
      SplittableRandom random = new SplittableRandom(seed ^ task.name().hashCode());
      List<float[][]> randomEmbeddings = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        randomEmbeddings.add(randomEntities(task, random));
      }
      // every example's vector is drawn (the random texts below follow in the same stream); the
      // first `decoded` are decoded batch by batch with a model's seeds, so with a multiple of
      // eval.batch_size they are the first texts the whole list gives
      int decoded = atMost(examples.size(), config.randomEmbeddingPerTask());
      score(
          baselines.get(RANDOM_EMBEDDING),
          task,
          generate(model, task, examples.subList(0, decoded), randomEmbeddings.subList(0, decoded))
              .texts(),
          contexts.subList(0, decoded),
          true);
      score(
          baselines.get(RANDOM_TRAIN_TEXT),
          task,
          randomTrainingTexts(task, examples.size(), random),
          contexts,
          false);
      score(
          baselines.get(NEAREST_NEIGHBOUR_TEXT),
          task,
          nearestNeighbourTexts(task, examples, model.encoder()),
          contexts,
          false);
      score(
          baselines.get(GROUND_TRUTH),
          task,
          examples.stream().map(TaskExample::target).toList(),
          contexts,
          false);
      LOG.info(
          "eval baselines {}: SC random text {}, random embedding {}, nearest neighbour {}, ground truth {}",
          task.name(),
          fmt(baselines.get(RANDOM_TRAIN_TEXT).sc.get(task.name())),
          fmt(baselines.get(RANDOM_EMBEDDING).sc.get(task.name())),
          fmt(baselines.get(NEAREST_NEIGHBOUR_TEXT).sc.get(task.name())),
          fmt(baselines.get(GROUND_TRUTH).sc.get(task.name())));
    }
  }

  /** The tasks whose first slot is an entity of {@code kind} and that have held-out examples. */
  private List<TaskSpec> tasksOf(String kind) {
    return data.tasks().stream()
        .filter(task -> task.slots().get(0).kind().equals(kind) && !heldOut(task).isEmpty())
        .toList();
  }

  private static String fmt(Double value) {
    return value == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", value);
  }

  private static String fmt(double[] values) {
    return fmt(EvalTable.mean(values));
  }

  /** The task's held-out examples, at most {@code eval.max_per_task}, in their stored order. */
  private List<TaskExample> heldOut(TaskSpec task) {
    List<TaskExample> all = data.heldOutExamples().getOrDefault(task.name(), List.of());
    return all.subList(0, atMost(all.size(), config.maxPerTask()));
  }

  /** {@code available} capped at {@code limit}, where a limit of 0 means no cap (eval's counts). */
  private static int atMost(int available, int limit) {
    return limit > 0 ? Math.min(available, limit) : available;
  }

  /**
   * SC (and BC) of each text against its context.
   *
   * @param generated whether a model wrote the texts (scored without adding them to the cache)
   */
  private void score(
      Scores into,
      TaskSpec task,
      List<String> texts,
      List<RewardContext> contexts,
      boolean generated) {
    into.texts.put(task.name(), texts);
    SemanticConsistencyReward sc = generated ? generatedSemantic : semantic;
    BehavioralConsistencyReward bc = generated ? generatedBehavioral : behavioral;
    into.sc.put(
        task.name(), sc.score(texts, contexts).component(SemanticConsistencyReward.COMPONENT));
    if (contexts.get(0).candidates() != null) {
      into.bc.put(
          task.name(), bc.score(texts, contexts).component(BehavioralConsistencyReward.COMPONENT));
    }
  }

  /**
   * The SC target (and BC candidates for tasks about the interactions' row kind) of each example.
   */
  private List<RewardContext> contexts(
      TaskSpec task, List<TaskExample> examples, ElmExamples encoder) {
    List<RewardContext> contexts = new ArrayList<>();
    for (TaskExample example : examples) {
      contexts.add(
          targets.real(
              task.name() + ":" + example.entities(), task, example, encoder.entities(example)));
    }
    return contexts;
  }

  /**
   * The model's generations for the examples with the given slot vectors, in batches, decoded as
   * {@code eval.temperature}, {@code eval.top_p} and {@code eval.best_of} say ({@link
   * HeldOutDecoding}).
   */
  private Generations generate(
      LoadedModel model, TaskSpec task, List<TaskExample> examples, List<float[][]> entities) {
    List<ElmPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      prompts.add(model.encoder().prompt(examples.get(i), entities.get(i)));
    }
    List<int[]> tokens =
        decoding.decode(model.elm(), model.tokenizer(), task, prompts, entities, seed);
    List<String> texts = tokens.stream().map(model.tokenizer()::decodeGenerated).toList();
    return new Generations(prompts, tokens, texts);
  }

  /**
   * One random vector per slot: per dimension, Gaussian with the training entities' mean and std.
   */
  private float[][] randomEntities(TaskSpec task, SplittableRandom random) {
    float[][] entities = new float[task.slots().size()][];
    for (int slot = 0; slot < entities.length; slot++) {
      TaskSpec.Slot spec = task.slots().get(slot);
      EmbeddingSpace space = data.domain().spaces().get(spec.space());
      int[] train = data.domain().splits().get(spec.kind()).trainIndices();
      double[] mean = new double[space.dimension()];
      double[] square = new double[space.dimension()];
      for (int index : train) {
        float[] v = space.vector(index);
        for (int d = 0; d < v.length; d++) {
          mean[d] += v[d];
          square[d] += (double) v[d] * v[d];
        }
      }
      float[] vector = new float[space.dimension()];
      for (int d = 0; d < vector.length; d++) {
        double m = mean[d] / train.length;
        double std = Math.sqrt(Math.max(0, square[d] / train.length - m * m));
        vector[d] = (float) (m + std * gaussian(random));
      }
      entities[slot] = vector;
    }
    return entities;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private List<String> randomTrainingTexts(TaskSpec task, int count, SplittableRandom random) {
    List<TaskExample> train = data.trainExamples().getOrDefault(task.name(), List.of());
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      texts.add(train.isEmpty() ? "" : train.get(random.nextInt(train.size())).target());
    }
    return texts;
  }

  /** The target of the training example of the same task whose slot embeddings are most similar. */
  private List<String> nearestNeighbourTexts(
      TaskSpec task, List<TaskExample> examples, ElmExamples encoder) {
    List<TaskExample> train = data.trainExamples().getOrDefault(task.name(), List.of());
    List<float[][]> trainEntities = train.stream().map(encoder::entities).toList();
    List<String> texts = new ArrayList<>();
    for (TaskExample example : examples) {
      float[][] query = encoder.entities(example);
      double best = Double.NEGATIVE_INFINITY;
      String text = "";
      for (int j = 0; j < train.size(); j++) {
        double similarity = 0;
        for (int slot = 0; slot < query.length; slot++) {
          similarity += Vectors.cosine(query[slot], trainEntities.get(j)[slot]);
        }
        if (similarity > best) {
          best = similarity;
          text = train.get(j).target();
        }
      }
      texts.add(text);
    }
    return texts;
  }
}
