package dev.elmrlaif.algorithms.train;

import ai.djl.Device;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.LoggingConfig;
import dev.elmrlaif.algorithms.config.ModelConfig;
import dev.elmrlaif.algorithms.config.PretrainConfig;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.algorithms.run.MetricsLog;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.domain.tasks.Pairing;
import dev.elmrlaif.domain.tasks.TargetStyle;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.tokenizer.BpeTrainerConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TfidfSvdConfig;
import dev.elmrlaif.rewards.text.TfidfSvdTextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny generated domain for the supervised stages' tests: 30 movies whose one-line texts combine
 * a mood and two genres (their semantic embedding is the TF-IDF+SVD vector of that text), 12 users
 * who like one genre (behavioral vectors of dimension 4, ratings), a movie summary task and a user
 * profile task, and a two-movie task; a 300-token BPE tokenizer; a 1-layer, d_model 16 model. Every
 * run takes seconds.
 */
public final class TinyElmWorld {
  static final String[] GENRES = {"comedy", "horror", "romance", "western", "space"};
  static final String[] MOODS = {"cheerful", "gloomy", "tense"};
  public static final int MOVIES = 30;
  public static final int USERS = 12;

  private TinyElmWorld() {}

  /** The tiny model: context 64, 1 layer, 2 heads, d_model 16, adapter hidden 16. */
  public static ModelConfig model() {
    return model(16);
  }

  /** The tiny model at another width (context 64, 1 layer, 2 heads, adapter hidden 16). */
  public static ModelConfig model(int dModel) {
    return ModelConfig.defaults()
        .with(b -> b.contextLength(64).layers(1).heads(2).dModel(dModel).adapterHidden(16));
  }

  public static PretrainConfig pretrain() {
    return PretrainConfig.defaults().with(b -> b.steps(20).evalEvery(10).evalBatches(2));
  }

  /** Two-stage, full stage 2, movie model only. */
  public static SftConfig sft() {
    return SftConfig.defaults()
        .with(
            b ->
                b.models(List.of("movie"))
                    .stage1Steps(6)
                    .stage2Steps(12)
                    .stage1LearningRate(0.01)
                    .stage2LearningRate(0.005)
                    .loraRank(4)
                    .loraAlpha(8)
                    .evalEvery(0)
                    .evalExamples(8));
  }

  public static EvalConfig eval() {
    return EvalConfig.defaults()
        .with(b -> b.maxPerTask(0).maxNewTokens(24).batchSize(8).bcCandidates(6));
  }

  /** The setup with fixed sections and this world's data. */
  public static TrainingSetup setup(PreparedData data, SftConfig sft) {
    return setup(data, sft, model());
  }

  /** The setup with fixed sections, this world's data and a model of one's own. */
  public static TrainingSetup setup(PreparedData data, SftConfig sft, ModelConfig model) {
    return TrainingSetup.fixed(model, pretrain(), sft, eval(), context -> data);
  }

  public static String movieText(int m) {
    return "a "
        + MOODS[m % 3]
        + " "
        + GENRES[m % 5]
        + " story with "
        + GENRES[(m / 5 + 2) % 5]
        + " scenes";
  }

  public static String profileText(int u) {
    return "enjoys " + GENRES[u % 5] + " films and avoids " + GENRES[(u + 2) % 5] + " films";
  }

  /** The prepared data of the tiny domain; movies 0-5 and users 0-2 are held out. */
  public static PreparedData data(Path folder) {
    List<String> texts = new ArrayList<>();
    List<List<String>> movieTexts = new ArrayList<>();
    for (int m = 0; m < MOVIES; m++) {
      texts.add(movieText(m));
      movieTexts.add(List.of(movieText(m)));
    }
    TextEncoder encoder =
        TfidfSvdTextEncoder.fit(
            texts,
            TfidfSvdConfig.builder()
                .dimension(6)
                .minDocumentFrequency(1)
                .maxDocumentFraction(0.9)
                .build());
    float[][] semantic = new float[MOVIES][];
    for (int m = 0; m < MOVIES; m++) {
      semantic[m] = encoder.encode(movieText(m));
    }
    SplittableRandom random = new SplittableRandom(5);
    float[][] behavioral = new float[USERS][4];
    for (int u = 0; u < USERS; u++) {
      for (int d = 0; d < 4; d++) {
        behavioral[u][d] = (float) (random.nextDouble() * 2 - 1) + (d == u % 4 ? 2f : 0f);
      }
    }
    List<int[]> triples = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      for (int m = 0; m < MOVIES; m++) {
        if ((m + u) % 2 == 0) {
          triples.add(new int[] {u, m, m % 5 == u % 5 ? 5 : m % 5 == (u + 2) % 5 ? 1 : 3});
        }
      }
    }
    int[] rows = triples.stream().mapToInt(t -> t[0]).toArray();
    int[] columns = triples.stream().mapToInt(t -> t[1]).toArray();
    float[] values = new float[triples.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = triples.get(i)[2];
    }
    Interactions ratings =
        Interactions.fromTriples("user", "movie", USERS, MOVIES, rows, columns, values);

    Map<String, EntityTable> tables = new LinkedHashMap<>();
    tables.put("movie", table("movie", MOVIES));
    tables.put("user", table("user", USERS));
    Map<String, EmbeddingSpace> spaces = new LinkedHashMap<>();
    // the semantic vectors are the text encoder's own embeddings, so SC compares texts with them
    // directly
    spaces.put(
        PreparedData.SEMANTIC,
        EmbeddingSpace.ofRows(PreparedData.SEMANTIC, "movie", semantic).withTextComparable(true));
    spaces.put(
        PreparedData.BEHAVIORAL,
        EmbeddingSpace.ofRows(PreparedData.BEHAVIORAL, "user", behavioral));
    Map<String, Split> splits = new LinkedHashMap<>();
    splits.put("movie", firstHeldOut("movie", MOVIES, 6));
    splits.put("user", firstHeldOut("user", USERS, 3));
    InMemoryDomain domain =
        new InMemoryDomain(
            "tiny", tables, spaces, Map.of("movie", movieTexts), splits, ratings, List.of());

    TaskSpec summary =
        new TaskSpec(
            "summary",
            "one line about a movie",
            "Describe <|entity_0|> :",
            "Describe the movie.",
            List.of(new TaskSpec.Slot("movie", PreparedData.SEMANTIC)),
            Pairing.SINGLE,
            TargetStyle.SUMMARY);
    TaskSpec profile =
        new TaskSpec(
            "user_profile",
            "a user's taste",
            "Profile <|entity_0|> :",
            "Describe the user.",
            List.of(new TaskSpec.Slot("user", PreparedData.BEHAVIORAL)),
            Pairing.USER,
            TargetStyle.USER_PROFILE);
    TaskSpec pair =
        new TaskSpec(
            "pair",
            "two movies in one line",
            "Compare <|entity_0|> with <|entity_1|> :",
            "Compare the movies.",
            List.of(
                new TaskSpec.Slot("movie", PreparedData.SEMANTIC),
                new TaskSpec.Slot("movie", PreparedData.SEMANTIC)),
            Pairing.RANDOM_PAIR,
            TargetStyle.SIMILARITIES);
    Map<String, List<TaskExample>> train = new LinkedHashMap<>();
    Map<String, List<TaskExample>> heldOut = new LinkedHashMap<>();
    train.put("summary", new ArrayList<>());
    heldOut.put("summary", new ArrayList<>());
    for (int m = 0; m < MOVIES; m++) {
      (m < 6 ? heldOut : train)
          .get("summary")
          .add(new TaskExample("summary", List.of(m), summary.prompt(), movieText(m)));
    }
    train.put("pair", new ArrayList<>());
    heldOut.put("pair", new ArrayList<>());
    for (int m = 0;
        m < MOVIES;
        m += 2) { // pairs within a split: (0,1), (2,3), ... with 0-5 held out
      (m < 6 ? heldOut : train)
          .get("pair")
          .add(
              new TaskExample(
                  "pair",
                  List.of(m, m + 1),
                  pair.prompt(),
                  GENRES[m % 5] + " meets " + GENRES[(m + 1) % 5]));
    }
    train.put("user_profile", new ArrayList<>());
    heldOut.put("user_profile", new ArrayList<>());
    for (int u = 0; u < USERS; u++) {
      (u < 3 ? heldOut : train)
          .get("user_profile")
          .add(new TaskExample("user_profile", List.of(u), profile.prompt(), profileText(u)));
    }
    return new PreparedData(
        folder,
        domain,
        List.of(summary, pair, profile),
        train,
        heldOut,
        encoder,
        null,
        Map.of(),
        "tiny domain",
        "tiny teacher",
        false);
  }

  private static EntityTable table(String kind, int size) {
    long[] ids = new long[size];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
      names.add(kind + " " + (i + 1));
    }
    return new EntityTable(kind, ids, names);
  }

  private static Split firstHeldOut(String kind, int size, int heldOut) {
    boolean[] held = new boolean[size];
    for (int i = 0; i < heldOut; i++) {
      held[i] = true;
    }
    return new Split(kind, held);
  }

  /** Trains the tiny tokenizer on every text and writes it where the tokenizer stage would. */
  public static void writeTokenizer(RunDirectory run, PreparedData data) {
    List<String> corpus = new ArrayList<>();
    data.trainExamples()
        .values()
        .forEach(list -> list.forEach(e -> corpus.add(e.prompt() + " " + e.target())));
    try (ElmTokenizer tokenizer =
        ElmTokenizer.train(corpus, BpeTrainerConfig.builder().vocabSize(300).build())) {
      tokenizer.save(RunArtifacts.tokenizerFile(run));
    }
  }

  /**
   * Saves the data as a finished data stage would, so {@link TrainingSetup#preparedData()} finds
   * it.
   */
  public static void saveData(RunDirectory run, PreparedData data) {
    Path folder = run.path().resolve("prepared");
    new PreparedDataStore().save(data, "tiny", folder);
    run.markStageDone(
        dev.elmrlaif.algorithms.config.StageName.DATA,
        Map.of(
            dev.elmrlaif.algorithms.pipeline.DataStage.PREPARED_FOLDER,
            folder.toAbsolutePath().toString()));
  }

  /**
   * The tiny world's data and config, and a briefly pretrained LM folder, shared by a test class.
   */
  public record Pretrained(PreparedData data, Path config, Path lm) {}

  /** Writes the config, generates the data and pretrains the LM briefly, all under {@code dir}. */
  public static Pretrained pretrained(Path dir) throws IOException {
    PreparedData data = data(dir);
    Path config = writeConfig(dir);
    return new Pretrained(data, config, pretrainBriefly(dir.resolve("base"), config, data));
  }

  /** Pretrains the tiny LM for a few steps in a run folder of its own; returns the model folder. */
  public static Path pretrainBriefly(Path runDir, Path config, PreparedData data)
      throws IOException {
    return pretrainBriefly(runDir, config, data, model());
  }

  /** The same for a model of one's own. */
  public static Path pretrainBriefly(Path runDir, Path config, PreparedData data, ModelConfig model)
      throws IOException {
    RunContext context = context(runDir, config);
    writeTokenizer(context.run(), data);
    new PretrainStage(
            TrainingSetup.fixed(
                model,
                PretrainConfig.defaults().with(b -> b.steps(6).evalEvery(0).evalBatches(1)),
                sft(),
                eval(),
                c -> data))
        .run(context);
    context.metrics().close();
    return RunArtifacts.pretrainedModel(context.run());
  }

  /** A run context whose run folder holds a copy of the pretrained LM folder {@code lm}. */
  public static RunContext contextWithLm(Path runDir, Path config, Path lm) throws IOException {
    RunContext context = context(runDir, config);
    Path target = RunArtifacts.pretrainedModel(context.run());
    Files.createDirectories(target);
    try (var files = Files.list(lm)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return context;
  }

  /** The run config: small steps and batches, checkpoints every 3 steps, metrics every step. */
  public static Path writeConfig(Path dir) throws IOException {
    Path file = dir.resolve("tiny.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "seed: 7",
            "device: cpu",
            "trainer:",
            "  learning_rate: 0.01",
            "  batch_size: 4",
            "  max_steps: 40",
            "  warmup_steps: 2",
            "  checkpoint_every: 3",
            "  log_every: 1",
            "logging:",
            "  progress: \"off\"",
            "  tensorboard: false",
            ""));
    return file;
  }

  /** A run context over a run folder in {@code dir}, on the CPU, setting nothing global. */
  public static RunContext context(Path runDir, Path config) {
    LoadedConfig loaded = new ConfigLoader().load(config, List.of());
    RunDirectory run;
    if (Files.isRegularFile(runDir.resolve(RunDirectory.CONFIG_FILE))) {
      run = RunDirectory.open(runDir);
    } else {
      run = RunDirectory.createAt(runDir);
      try {
        run.writeConfig(Files.readString(config));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    ComputeEnvironment compute = new ComputeEnvironment("PyTorch", "", "", Device.cpu(), 1, 0);
    MetricsLog metrics = new MetricsLog(run.metricsFile(), null, Clock.systemUTC());
    ProgressReporter progress =
        ProgressReporter.of(
            LoggingConfig.defaults()
                .with(b -> b.progress(LoggingConfig.ProgressMode.OFF).tensorboard(false)),
            Map.of());
    return new RunContext(loaded, run, compute, metrics, progress, Map.of());
  }
}
