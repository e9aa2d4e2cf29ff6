package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.ConceptFinder;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.TeacherMode;
import dev.elmrlaif.domain.data.DomainPreparer;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.domain.data.RankingReport;
import dev.elmrlaif.domain.tasks.TaskCatalog;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskExampleBuilder;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.domain.tasks.Teacher;
import dev.elmrlaif.domain.teacher.MovieFacts;
import dev.elmrlaif.domain.teacher.OfflineTeacher;
import dev.elmrlaif.domain.teacher.OnlineTeacher;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Builds everything the trainers consume from a MovieLens dataset, or reads it back from the cache
 * when the same inputs were prepared before. The steps, each timed:
 *
 * <ol>
 *   <li>resolve the data root (config, {@code RLAIF_DATA}, cache; download on first use);
 *   <li>load the CSV files and the optional overview file;
 *   <li>split movies and users by fraction and seed;
 *   <li>fit behavioral embeddings (WALS) on the training block, fold held-out entities in, and
 *       measure held-out ranking quality against popularity;
 *   <li>the text encoder ({@code data.text_encoder}: all-MiniLM-L6-v2 by default, or TF-IDF + SVD
 *       fitted on the training movies' texts); each movie's semantic embedding is the encoder's
 *       mean over its texts, every distinct text encoded once, in batches, through the disk cache
 *       of encodings;
 *   <li>find concept activation vectors from training users' tags and from genres;
 *   <li>write each selected task's training and held-out examples with the teacher;
 *   <li>collect the TMDB texts of films that are no MovieLens movie ({@link OutsideFilmTexts}),
 *       which pretraining may read ({@code pretrain.corpus}).
 * </ol>
 *
 * Held-out entities reach none of the fitted parts: WALS, the encoder and the concepts are fitted
 * on training entities only, and training examples mention training entities only.
 */
public final class MovieLensPreparer implements DomainPreparer {
  private static final Logger LOG = LogManager.getLogger(MovieLensPreparer.class);

  private final DataConfig config;
  private final long seed;
  private final Map<String, String> environment;
  private final PreparedDataStore store = new PreparedDataStore();

  /**
   * @param config the data section of the run config
   * @param seed the run's master seed; every step derives its own seed from it
   * @param environment the process environment (for {@code RLAIF_DATA} and the teacher's API key)
   */
  public MovieLensPreparer(DataConfig config, long seed, Map<String, String> environment) {
    this.config = config;
    this.seed = seed;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Prepares the MovieLens data, or loads it from the cache when {@code force} is false and the
   * inputs match.
   */
  @Override
  public PreparedData prepare(boolean force) {
    Map<String, Double> timings = new LinkedHashMap<>();
    long start = System.nanoTime();
    Path root =
        DatasetLocator.resolve(
            config, environment, new MovieLensDownloader(Duration.ofSeconds(30)));
    Path datasetFolder = root.resolve("movielens").resolve(config.dataset());
    Path overviews = overviewFile(root);
    String key = cacheKey(root, datasetFolder, overviews);
    Path folder =
        Path.of(config.cacheDir())
            .resolve("prepared")
            .resolve(config.dataset() + "-" + key.substring(0, 16));
    if (!force && store.isComplete(folder) && store.keyOf(folder).equals(key)) {
      LOG.info("reusing prepared data in {}", folder);
      return store.load(folder);
    }
    timings.put("resolve + hash inputs", seconds(start));

    start = System.nanoTime();
    MovieLensData data = MovieLensLoader.load(datasetFolder, overviews);
    timings.put("load csv", seconds(start));

    start = System.nanoTime();
    EntityTable movieTable = data.movieTable();
    EntityTable userTable = data.userTable();
    Split movies = Split.random("movie", movieTable.size(), config.heldOutMovies(), seed);
    Split users = Split.random("user", userTable.size(), config.heldOutUsers(), seed + 1);
    List<MovieFacts> facts = MovieFactsTable.build(data, users);
    timings.put("split + facts", seconds(start));

    start = System.nanoTime();
    BehavioralEmbeddings behavioral =
        BehavioralEmbeddings.fit(data.ratings(), users, movies, config.wals(), seed + 2);
    RankingReport ranking =
        RankingEvaluation.evaluate(
            data.ratings(), users, movies, behavioral, config.wals(), seed + 3);
    LOG.info(
        "behavioral embeddings: WALS fit {} s; {}",
        String.format(Locale.ROOT, "%.2f", behavioral.fitSeconds()),
        ranking);
    timings.put("behavioral (WALS + ranking eval)", seconds(start));

    start = System.nanoTime();
    List<List<String>> texts = new ArrayList<>();
    for (MovieFacts f : facts) {
      texts.add(textsOf(f));
    }
    List<String> trainingTexts = new ArrayList<>();
    for (int m : movies.trainIndices()) {
      trainingTexts.addAll(texts.get(m));
    }
    TextEncoder encoder = textEncoder(trainingTexts);
    // every distinct text once, in one batched (and disk-cached) call of the encoder
    float[][] means = TextEncoders.meanEmbeddings(encoder, texts);
    float[] semantic = new float[movieTable.size() * encoder.dimension()];
    int withoutText = 0;
    for (int m = 0; m < movieTable.size(); m++) {
      System.arraycopy(means[m], 0, semantic, m * encoder.dimension(), encoder.dimension());
      if (dev.elmrlaif.rewards.Vectors.norm(means[m]) == 0) {
        withoutText++;
      }
    }
    LOG.info(
        "semantic embeddings: {} movies by {}; {} without text (no embedding, left out of semantic tasks)",
        movieTable.size(),
        encoder.description(),
        withoutText);
    Map<String, EmbeddingSpace> spaces = new LinkedHashMap<>();
    spaces.put(
        PreparedData.SEMANTIC,
        new EmbeddingSpace(PreparedData.SEMANTIC, "movie", encoder.dimension(), semantic, true));
    spaces.put(
        PreparedData.BEHAVIORAL,
        new EmbeddingSpace(
            PreparedData.BEHAVIORAL, "user", behavioral.dimension(), behavioral.usersAsFloats()));
    spaces.put(
        PreparedData.BEHAVIORAL_MOVIE,
        new EmbeddingSpace(
            PreparedData.BEHAVIORAL_MOVIE,
            "movie",
            behavioral.dimension(),
            behavioral.moviesAsFloats()));
    timings.put("semantic (text encoder)", seconds(start));

    start = System.nanoTime();
    List<Concept> concepts = findConcepts(data, movies, users, spaces);
    timings.put("concepts", seconds(start));

    Map<String, EntityTable> tables = new LinkedHashMap<>();
    tables.put("movie", movieTable);
    tables.put("user", userTable);
    Map<String, Split> splits = new LinkedHashMap<>();
    splits.put("movie", movies);
    splits.put("user", users);
    InMemoryDomain domain =
        new InMemoryDomain(
            "movielens/" + config.dataset(),
            tables,
            spaces,
            Map.of("movie", texts),
            splits,
            data.ratings(),
            concepts);

    start = System.nanoTime();
    Teacher teacher = teacher(facts);
    List<TaskSpec> tasks = TaskCatalog.movieLens().select(config.tasks().enabled());
    TaskExampleBuilder builder =
        new TaskExampleBuilder(
            config.tasks(),
            teacher,
            movies,
            users,
            spaces.get(PreparedData.SEMANTIC),
            data.ratings(),
            seed + 6);
    boolean parallel = config.teacher().mode() == TeacherMode.OFFLINE;
    Map<String, List<TaskExample>> train = new LinkedHashMap<>();
    Map<String, List<TaskExample>> heldOut = new LinkedHashMap<>();
    for (TaskSpec task : tasks) {
      train.put(task.name(), builder.build(task, false, parallel));
      heldOut.put(task.name(), builder.build(task, true, parallel));
    }
    timings.put("tasks (teacher)", seconds(start));

    start = System.nanoTime();
    List<String> outsideTexts =
        OutsideFilmTexts.load(
            root, OutsideFilmTexts.linkedTmdbIds(datasetFolder.resolve("links.csv")));
    LOG.info(
        "outside texts: {} TMDB texts of films without a links.csv row (for pretrain.corpus)",
        outsideTexts.size());
    timings.put("outside texts (TMDB films not in MovieLens)", seconds(start));

    PreparedData prepared =
        new PreparedData(
            folder,
            domain,
            tasks,
            train,
            heldOut,
            encoder,
            ranking,
            timings,
            MovieLensLoader.describe(data),
            teacher.description(),
            false,
            outsideTexts);
    start = System.nanoTime();
    store.save(prepared, key, folder);
    timings.put("save cache", seconds(start));
    return prepared;
  }

  /**
   * The text encoder {@code data.text_encoder} names (TF-IDF + SVD is fitted on the training
   * movies' texts).
   */
  private TextEncoder textEncoder(List<String> trainingTexts) {
    return DomainPreparer.textEncoder(config, trainingTexts, seed + 4);
  }

  /**
   * The texts a movie's semantic embedding averages over (paper Sec. 3.1: the encoder's mean over
   * what is written about the movie): the TMDB overview, tagline and keywords, and the facts the
   * teacher writes from, its genres and the training users' tags. Never the title: the model must
   * learn the movie from its embedding, not its name. A movie with none of these gets the single
   * empty text, hence the zero vector.
   */
  static List<String> textsOf(MovieFacts f) {
    List<String> texts = new ArrayList<>();
    if (!f.overview().isBlank()) {
      texts.add(f.overview());
    }
    if (!f.tagline().isBlank()) {
      texts.add(f.tagline());
    }
    if (!f.keywords().isEmpty()) {
      texts.add(String.join(", ", f.keywords()));
    }
    if (!f.genres().isEmpty()) {
      texts.add(String.join(" ", f.genres()) + " film");
    }
    if (!f.tags().isEmpty()) {
      texts.add(String.join(", ", f.tags()));
    }
    if (texts.isEmpty()) {
      texts.add("");
    }
    return texts;
  }

  private List<Concept> findConcepts(
      MovieLensData data, Split movies, Split users, Map<String, EmbeddingSpace> spaces) {
    Map<String, Set<Integer>> carriers = new TreeMap<>();
    for (int i = 0; i < data.tagMovie().length; i++) {
      int user = data.tagUser()[i];
      if (user < 0 || !users.isHeldOut(user)) {
        carriers
            .computeIfAbsent(data.tagText().get(i), t -> new HashSet<>())
            .add(data.tagMovie()[i]);
      }
    }
    if (config.concepts().includeGenres()) {
      for (int m = 0; m < data.movies().size(); m++) {
        for (String genre : data.movies().get(m).genres()) {
          carriers
              .computeIfAbsent("genre:" + genre.toLowerCase(Locale.ROOT), g -> new HashSet<>())
              .add(m);
        }
      }
    }
    Map<String, int[]> carrierArrays = new LinkedHashMap<>();
    carriers.forEach(
        (name, set) ->
            carrierArrays.put(name, set.stream().mapToInt(Integer::intValue).sorted().toArray()));
    ConceptFinder finder =
        new ConceptFinder(config.concepts().l2(), config.concepts().validationFraction());
    List<Concept> concepts = new ArrayList<>();
    for (String spaceName : config.concepts().spaces()) {
      EmbeddingSpace space =
          switch (spaceName) {
            case PreparedData.SEMANTIC -> spaces.get(PreparedData.SEMANTIC);
            // movies' behavioral vectors share the users' latent space, so the direction applies to
            // users too
            case PreparedData.BEHAVIORAL -> {
              EmbeddingSpace movieSpace = spaces.get(PreparedData.BEHAVIORAL_MOVIE);
              yield new EmbeddingSpace(
                  PreparedData.BEHAVIORAL, "movie", movieSpace.dimension(), movieSpace.rawData());
            }
            default ->
                throw new UserInputException(
                    "data.concepts.spaces: unknown space '"
                        + spaceName
                        + "'; expected semantic or behavioral");
          };
      concepts.addAll(
          finder.findAll(
              space,
              carrierArrays,
              movies.trainIndices(),
              config.concepts().minMovies(),
              seed + 5));
    }
    return concepts;
  }

  private Teacher teacher(List<MovieFacts> facts) {
    if (config.teacher().mode() == TeacherMode.OFFLINE) {
      return new OfflineTeacher(facts, seed + 7);
    }
    String cache =
        config.teacher().cacheDir().isBlank()
            ? Path.of(config.cacheDir(), "teacher").toString()
            : config.teacher().cacheDir();
    return new OnlineTeacher(config.teacher(), facts, Path.of(cache), environment);
  }

  private Path overviewFile(Path root) {
    String setting = config.overviews();
    if (setting.equals("none")) {
      return null;
    }
    if (setting.isBlank()) {
      Path candidate = root.resolve("derived").resolve(config.dataset() + "_overviews.csv");
      return Files.isRegularFile(candidate) ? candidate : null;
    }
    Path explicit = Path.of(setting);
    if (!Files.isRegularFile(explicit)) {
      throw new UserInputException(
          "data.overviews = "
              + setting
              + ": file not found; expected a CSV with "
              + "movieId, overview, tagline, keywords, or 'none'");
    }
    return explicit;
  }

  /**
   * The cache key of this MovieLens preparation (see {@link DomainPreparer#cacheKey(DataConfig,
   * long, List)}).
   */
  private String cacheKey(Path root, Path datasetFolder, Path overviews) {
    return DomainPreparer.cacheKey(config, seed, inputs(root, datasetFolder, overviews));
  }

  /**
   * The dataset's CSV files, the overview file and the texts about films outside MovieLens, under
   * the data root {@link DatasetLocator} finds (downloading the dataset first when that is how
   * {@link #prepare} would find it).
   */
  @Override
  public List<Path> inputFiles() {
    Path root =
        DatasetLocator.resolve(
            config, environment, new MovieLensDownloader(Duration.ofSeconds(30)));
    return inputs(root, root.resolve("movielens").resolve(config.dataset()), overviewFile(root));
  }

  private static List<Path> inputs(Path root, Path datasetFolder, Path overviews) {
    List<Path> inputs = new ArrayList<>();
    for (String name : List.of("movies.csv", "ratings.csv", "tags.csv", "links.csv")) {
      inputs.add(datasetFolder.resolve(name));
    }
    if (overviews != null) {
      inputs.add(overviews);
    }
    inputs.addAll(OutsideFilmTexts.inputs(root));
    return inputs;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
