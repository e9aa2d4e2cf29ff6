package dev.elmrlaif.domain.files;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.common.hash.Hashing;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.ConceptFinder;
import dev.elmrlaif.domain.CsvReader;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.base.Utf8Text;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.FilesDomainConfig;
import dev.elmrlaif.domain.config.TeacherMode;
import dev.elmrlaif.domain.data.DomainPreparer;
import dev.elmrlaif.domain.data.NpyReader;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.domain.data.RewardAvailability;
import dev.elmrlaif.domain.data.TextEmbedder;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskExampleBuilder;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.io.Safetensors;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Builds {@link PreparedData} from a user's own files ({@code data.domain: files}), so that SFT,
 * evaluation and RL run on it exactly as on MovieLens. The steps, each timed:
 *
 * <ol>
 *   <li>find the folder ({@code data.files.folder}, else {@code $RLAIF_FILES}) and hash every input
 *       file; an unchanged preparation is read back from the cache;
 *   <li>read and check every file <em>before anything is fitted</em>: entities (one JSON-lines file
 *       per kind), vector files ({@code .npy} or safetensors beside an id list), tasks,
 *       interactions and concepts. Each problem is a {@link UserInputException} naming the file and
 *       line;
 *   <li>split every entity kind by {@code held_out_fraction} and seed;
 *   <li>fit the text encoder on the training entities' {@code text_field}; every kind with that
 *       field gets a text-comparable space {@code <kind>_text} (the encoder's embedding of the
 *       text);
 *   <li>find concept directions from the concepts file in each space of the concept kind;
 *   <li>write each task's training and held-out examples with the {@link TemplateTeacher};
 *   <li>say which rewards the data supports ({@link RewardAvailability}) and fail when {@code
 *       data.files.rewards} asks for one it cannot give.
 * </ol>
 */
public final class FileDomainPreparer implements DomainPreparer {
  /**
   * Suffix of the text-encoder space derived for every entity kind with the encoder's text field.
   */
  public static final String TEXT_SPACE_SUFFIX = "_text";

  private static final Logger LOG = LogManager.getLogger(FileDomainPreparer.class);

  private final DataConfig data;
  private final FilesDomainConfig files;
  private final long seed;
  private final Map<String, String> environment;
  private final PreparedDataStore store = new PreparedDataStore();

  /**
   * @param data the data section ({@code files}, {@code tasks} limits, {@code concepts} settings,
   *     text encoder settings, {@code cache_dir})
   * @param seed the run's master seed
   * @param environment the process environment (for {@code RLAIF_FILES})
   */
  public FileDomainPreparer(DataConfig data, long seed, Map<String, String> environment) {
    this.data = data;
    this.files = data.files();
    this.seed = seed;
    this.environment = Map.copyOf(environment);
  }

  /** The files read, checked against each other, before anything is fitted. */
  record Loaded(
      Map<String, EntityRecords> entities,
      List<FileTasks.FileTask> tasks,
      Interactions interactions,
      Map<String, int[]> conceptCarriers,
      String conceptKind) {}

  /**
   * Prepares the domain, or loads it from the cache when {@code force} is false and nothing
   * changed.
   */
  @Override
  public PreparedData prepare(boolean force) {
    if (data.teacher().mode() != TeacherMode.OFFLINE) {
      throw new UserInputException(
          "data.teacher.mode: found "
              + data.teacher().mode().name().toLowerCase(Locale.ROOT)
              + ", expected offline for data.domain files (its targets come from tasks.yaml: a target field or a "
              + "template)");
    }
    Map<String, Double> timings = new LinkedHashMap<>();
    long start = System.nanoTime();
    Path folder = folder();
    String key = DomainPreparer.cacheKey(data, seed, inputFiles(folder));
    Path cache =
        Path.of(data.cacheDir())
            .resolve("prepared")
            .resolve(
                "files-"
                    + files.name().replaceAll("[^A-Za-z0-9._-]", "_")
                    + "-"
                    + key.substring(0, 16));
    if (!force && store.isComplete(cache) && store.keyOf(cache).equals(key)) {
      LOG.info("reusing prepared data in {}", cache);
      PreparedData cached = store.load(cache);
      explainRewards(cached);
      return cached;
    }
    timings.put("resolve + hash inputs", seconds(start));

    start = System.nanoTime();
    Loaded loaded = read(folder);
    timings.put("read + validate files", seconds(start));

    start = System.nanoTime();
    Map<String, Split> splits = new LinkedHashMap<>();
    int kindIndex = 0;
    for (EntityRecords records : loaded.entities().values()) {
      splits.put(
          records.kind(),
          Split.random(
              records.kind(), records.size(), files.heldOutFraction(), seed + 10 + kindIndex++));
    }
    TextEncoder encoder = fitEncoder(loaded.entities(), splits);
    Map<String, EmbeddingSpace> spaces = spaces(loaded.entities(), encoder);
    checkTextSpaceEncoders(folder, encoder);
    checkTasksAgainstSpaces(loaded.tasks(), spaces, folder.resolve(files.tasksFile()));
    timings.put("split + text encoder", seconds(start));

    start = System.nanoTime();
    List<Concept> concepts = concepts(loaded, spaces, splits);
    timings.put("concepts", seconds(start));

    Map<String, EntityTable> tables = new LinkedHashMap<>();
    Map<String, List<List<String>>> texts = new LinkedHashMap<>();
    for (EntityRecords records : loaded.entities().values()) {
      long[] ids = new long[records.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i;
      }
      tables.put(records.kind(), new EntityTable(records.kind(), ids, records.names()));
      List<String> field = records.texts().get(files.textField());
      List<List<String>> perEntity = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        perEntity.add(field == null ? List.of() : List.of(field.get(i)));
      }
      texts.put(records.kind(), perEntity);
    }
    InMemoryDomain domain =
        new InMemoryDomain(
            "files/" + files.name(),
            tables,
            spaces,
            texts,
            splits,
            loaded.interactions(),
            concepts);

    start = System.nanoTime();
    TemplateTeacher teacher = new TemplateTeacher(loaded.entities());
    List<TaskSpec> tasks = selectTasks(loaded.tasks());
    Map<String, List<TaskExample>> train = new LinkedHashMap<>();
    Map<String, List<TaskExample>> heldOut = new LinkedHashMap<>();
    for (TaskSpec task : tasks) {
      TaskSpec.Slot first = task.slots().get(0);
      Split split = splits.get(first.kind());
      TaskExampleBuilder builder =
          new TaskExampleBuilder(
              data.tasks(), teacher, split, split, spaces.get(first.space()), null, seed + 20);
      train.put(task.name(), builder.build(task, false, true));
      heldOut.put(task.name(), builder.build(task, true, true));
    }
    timings.put("tasks (template teacher)", seconds(start));

    PreparedData prepared =
        new PreparedData(
            cache,
            domain,
            tasks,
            train,
            heldOut,
            encoder,
            null,
            timings,
            describe(folder, loaded, spaces),
            teacher.description(),
            false);
    explainRewards(prepared);
    start = System.nanoTime();
    store.save(prepared, key, cache);
    timings.put("save cache", seconds(start));
    return prepared;
  }

  /** The folder: {@code data.files.folder}, else {@code $RLAIF_FILES}; it must exist. */
  Path folder() {
    String configured = files.folder();
    String source = "data.files.folder";
    if (configured.isBlank()) {
      configured = environment.getOrDefault(FilesDomainConfig.ENV, "");
      source = FilesDomainConfig.ENV;
    }
    if (configured.isBlank()) {
      throw new UserInputException(
          "data.files.folder: empty and "
              + FilesDomainConfig.ENV
              + " is not set; expected "
              + "the folder holding your entity, vector, interaction, concept and task files");
    }
    Path folder = Path.of(configured);
    if (!Files.isDirectory(folder)) {
      throw new UserInputException(
          source
              + " = "
              + configured
              + ": folder "
              + folder.toAbsolutePath()
              + " does not exist; expected the folder holding your domain's files");
    }
    return folder;
  }

  /**
   * Every input file, in a fixed order; a named file that is missing is a user error naming its
   * key.
   */
  /** The entity, vector, id, interaction, concept and task files of the configured folder. */
  @Override
  public List<Path> inputFiles() {
    return inputFiles(folder());
  }

  private List<Path> inputFiles(Path folder) {
    if (files.entities().isEmpty()) {
      throw new UserInputException(
          "data.files.entities: empty; expected at least one {kind, file} entry");
    }
    List<Path> inputs = new ArrayList<>();
    for (FilesDomainConfig.EntityFile entity : files.entities()) {
      inputs.add(existing(folder, entity.file(), "data.files.entities (" + entity.kind() + ")"));
    }
    for (FilesDomainConfig.VectorFile vectors : files.vectors()) {
      inputs.add(
          existing(folder, vectors.file(), "data.files.vectors (" + vectors.space() + ").file"));
      inputs.add(
          existing(folder, vectors.ids(), "data.files.vectors (" + vectors.space() + ").ids"));
    }
    if (!files.interactions().file().isBlank()) {
      inputs.add(existing(folder, files.interactions().file(), "data.files.interactions.file"));
    }
    if (!files.conceptsFile().isBlank()) {
      inputs.add(existing(folder, files.conceptsFile(), "data.files.concepts_file"));
    }
    inputs.add(existing(folder, files.tasksFile(), "data.files.tasks_file"));
    return inputs;
  }

  private static Path existing(Path folder, String name, String key) {
    Path file = folder.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(
          key + " = " + name + ": file " + file + " not found; expected it in " + folder);
    }
    return file;
  }

  /** Reads every file and checks them against each other; nothing is fitted yet. */
  Loaded read(Path folder) {
    Map<String, EntityRecords> entities = new LinkedHashMap<>();
    for (FilesDomainConfig.EntityFile entity : files.entities()) {
      if (entities.containsKey(entity.kind())) {
        throw new UserInputException(
            "data.files.entities: kind '"
                + entity.kind()
                + "' is listed twice; expected "
                + "one file per kind");
      }
      entities.put(entity.kind(), EntityRecords.read(entity.kind(), folder.resolve(entity.file())));
    }
    for (FilesDomainConfig.VectorFile vectors : files.vectors()) {
      EntityRecords records = entities.get(vectors.kind());
      if (records == null) {
        throw new UserInputException(
            "data.files.vectors ("
                + vectors.space()
                + "): kind '"
                + vectors.kind()
                + "' has no entity file; expected one of "
                + entities.keySet());
      }
      Path file = folder.resolve(vectors.file());
      Path idsFile = folder.resolve(vectors.ids());
      records.addSpace(
          vectors.space(),
          readMatrix(file, vectors.space()),
          readIds(idsFile),
          idsFile,
          file.toString());
    }
    Map<String, String> kindOfSpace = new TreeMap<>();
    for (EntityRecords records : entities.values()) {
      for (String space : records.vectors().keySet()) {
        String other = kindOfSpace.put(space, records.kind());
        if (other != null) {
          throw new UserInputException(
              records.file()
                  + ": space '"
                  + space
                  + "' is also a space of kind '"
                  + other
                  + "'; expected each space name to belong to one entity kind");
        }
        if (space.equals(records.kind() + TEXT_SPACE_SUFFIX)) {
          throw new UserInputException(
              records.file()
                  + ": space '"
                  + space
                  + "' clashes with the text-encoder "
                  + "space the domain derives for "
                  + records.kind()
                  + "; expected another name");
        }
      }
    }
    Path tasksFile = folder.resolve(files.tasksFile());
    List<FileTasks.FileTask> tasks = FileTasks.read(tasksFile);
    for (FileTasks.FileTask task : tasks) {
      checkTaskTexts(task, entities, tasksFile);
    }
    Interactions interactions =
        files.interactions().file().isBlank()
            ? null
            : readInteractions(folder.resolve(files.interactions().file()), entities);
    String conceptKind =
        files.conceptKind().isBlank() ? entities.keySet().iterator().next() : files.conceptKind();
    Map<String, int[]> carriers = Map.of();
    if (!files.conceptsFile().isBlank()) {
      EntityRecords records = entities.get(conceptKind);
      if (records == null) {
        throw new UserInputException(
            "data.files.concept_kind: found '"
                + conceptKind
                + "', expected one of "
                + entities.keySet());
      }
      carriers = readConcepts(folder.resolve(files.conceptsFile()), records);
    }
    return new Loaded(entities, tasks, interactions, carriers, conceptKind);
  }

  /**
   * A task's slots name known kinds, pairs pair one kind, and every entity has the fields its
   * template reads.
   */
  private static void checkTaskTexts(
      FileTasks.FileTask task, Map<String, EntityRecords> entities, Path tasksFile) {
    String where = tasksFile + ":" + task.line() + ": task '" + task.spec().name() + "'";
    List<TaskSpec.Slot> slots = task.spec().slots();
    for (int s = 0; s < slots.size(); s++) {
      if (!entities.containsKey(slots.get(s).kind())) {
        throw new UserInputException(
            where
                + ", slot "
                + s
                + ": entity kind '"
                + slots.get(s).kind()
                + "' has no entity file; expected one of "
                + entities.keySet());
      }
    }
    if (slots.size() == 2 && !slots.get(0).kind().equals(slots.get(1).kind())) {
      throw new UserInputException(
          where
              + ": pairs two kinds ("
              + slots.get(0).kind()
              + ", "
              + slots.get(1).kind()
              + "); expected both slots of a pair task to be the same kind");
    }
    task.fieldsBySlot()
        .forEach(
            (slot, fields) -> {
              EntityRecords records = entities.get(slots.get(slot).kind());
              for (String field : fields) {
                records.requireText(
                    field,
                    "task '"
                        + task.spec().name()
                        + "' ("
                        + tasksFile
                        + ":"
                        + task.line()
                        + ") writes its target from it");
              }
            });
  }

  /**
   * Slots read spaces of their own kind, and all tasks of one model (first-slot kind) read one
   * dimension.
   */
  private static void checkTasksAgainstSpaces(
      List<FileTasks.FileTask> tasks, Map<String, EmbeddingSpace> spaces, Path tasksFile) {
    Map<String, Integer> dimensionOfModel = new LinkedHashMap<>();
    Map<String, String> firstTaskOfModel = new LinkedHashMap<>();
    for (FileTasks.FileTask task : tasks) {
      String where = tasksFile + ":" + task.line() + ": task '" + task.spec().name() + "'";
      String model = task.spec().slots().get(0).kind();
      for (TaskSpec.Slot slot : task.spec().slots()) {
        EmbeddingSpace space = spaces.get(slot.space());
        if (space == null || !space.entityKind().equals(slot.kind())) {
          List<String> ofKind =
              spaces.values().stream()
                  .filter(s -> s.entityKind().equals(slot.kind()))
                  .map(EmbeddingSpace::name)
                  .toList();
          throw new UserInputException(
              where
                  + ": space '"
                  + slot.space()
                  + "' is not a space of kind '"
                  + slot.kind()
                  + "'; expected one of "
                  + ofKind);
        }
        Integer dimension = dimensionOfModel.putIfAbsent(model, space.dimension());
        if (dimension == null) {
          firstTaskOfModel.put(model, task.spec().name() + "' (line " + task.line() + ")");
        } else if (dimension != space.dimension()) {
          throw new UserInputException(
              where
                  + ": reads space '"
                  + slot.space()
                  + "' of dimension "
                  + space.dimension()
                  + ", but the "
                  + model
                  + " model's first task '"
                  + firstTaskOfModel.get(model)
                  + " reads dimension "
                  + dimension
                  + "; expected one dimension per model (one adapter per first-slot kind)");
        }
      }
    }
  }

  private static float[][] readMatrix(Path file, String space) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    NpyReader.Matrix matrix;
    if (name.endsWith(".npy")) {
      matrix = NpyReader.read(file);
    } else if (name.endsWith(".safetensors")) {
      matrix = readSafetensors(file, space);
    } else {
      throw new UserInputException(
          file + ": unknown vector file type; expected .npy or .safetensors");
    }
    float[][] rows = new float[matrix.rows()][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = matrix.row(r);
    }
    return rows;
  }

  private static NpyReader.Matrix readSafetensors(Path file, String space) {
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      Map<String, NDArray> tensors = Safetensors.read(file, manager, space::equals).tensors();
      NDArray tensor = tensors.get(space);
      if (tensor == null) {
        throw new UserInputException(
            file
                + ": holds no tensor named '"
                + space
                + "'; expected one named like the "
                + "space (found "
                + Safetensors.readHeader(file).tensors().keySet()
                + ")");
      }
      if (tensor.getShape().dimension() != 2) {
        throw new UserInputException(
            file
                + ": tensor '"
                + space
                + "' has shape "
                + tensor.getShape()
                + "; expected two dimensions (entities, dimension)");
      }
      float[] values = tensor.toType(DataType.FLOAT32, false).toFloatArray();
      return new NpyReader.Matrix(
          (int) tensor.getShape().get(0), (int) tensor.getShape().get(1), values);
    } catch (IOException e) {
      throw new UserInputException(
          file + ": cannot read the safetensors file (" + e.getMessage() + ")", e);
    }
  }

  private static List<String> readIds(Path file) {
    List<String> lines;
    try {
      lines = new ArrayList<>(Utf8Text.read(file, "an id list, one id per line").lines().toList());
    } catch (IOException e) {
      throw new UserInputException(file + ": cannot read the id list (" + e.getMessage() + ")", e);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String id = lines.get(i).strip();
      if (id.isEmpty()) {
        throw new UserInputException(
            file + ":" + (i + 1) + ": empty line; expected one entity id per line");
      }
      ids.add(id);
    }
    return ids;
  }

  /**
   * Reads {@code row id, column id[, value]} lines; ids must be entities of the configured kinds.
   */
  private Interactions readInteractions(Path file, Map<String, EntityRecords> entities) {
    FilesDomainConfig.InteractionsFile config = files.interactions();
    EntityRecords rows = entities.get(config.rowKind());
    EntityRecords columns = entities.get(config.columnKind());
    if (rows == null || columns == null) {
      throw new UserInputException(
          "data.files.interactions: row_kind '"
              + config.rowKind()
              + "' and column_kind '"
              + config.columnKind()
              + "' must both have entity files; expected kinds among "
              + entities.keySet());
    }
    List<int[]> pairs = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    try (CsvReader csv = CsvReader.open(file)) {
      if (csv.header().size() < 2 || csv.header().size() > 3) {
        throw new UserInputException(
            file
                + ":1: header "
                + csv.header()
                + "; expected "
                + config.rowKind()
                + ","
                + config.columnKind()
                + "[,value]");
      }
      boolean hasValue = csv.header().size() == 3;
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        int r = rows.indexOf(row.required(0).strip());
        if (r < 0) {
          throw row.error(
              0, "'" + row.get(0) + "'", "the id of a " + config.rowKind() + " in " + rows.file());
        }
        int c = columns.indexOf(row.required(1).strip());
        if (c < 0) {
          throw row.error(
              1,
              "'" + row.get(1) + "'",
              "the id of a " + config.columnKind() + " in " + columns.file());
        }
        pairs.add(new int[] {r, c});
        values.add(hasValue ? (float) row.decimal(2) : 1f);
      }
    }
    int[] rowIndex = new int[pairs.size()];
    int[] columnIndex = new int[pairs.size()];
    float[] value = new float[pairs.size()];
    for (int i = 0; i < value.length; i++) {
      rowIndex[i] = pairs.get(i)[0];
      columnIndex[i] = pairs.get(i)[1];
      value[i] = values.get(i);
    }
    return Interactions.fromTriples(
        config.rowKind(),
        config.columnKind(),
        rows.size(),
        columns.size(),
        rowIndex,
        columnIndex,
        value);
  }

  /** Reads {@code entity id, tag} lines into the entities carrying each tag. */
  private static Map<String, int[]> readConcepts(Path file, EntityRecords records) {
    Map<String, Set<Integer>> carriers = new TreeMap<>();
    try (CsvReader csv = CsvReader.open(file)) {
      if (csv.header().size() != 2) {
        throw new UserInputException(
            file + ":1: header " + csv.header() + "; expected " + records.kind() + ",tag");
      }
      for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
        int e = records.indexOf(row.required(0).strip());
        if (e < 0) {
          throw row.error(
              0, "'" + row.get(0) + "'", "the id of a " + records.kind() + " in " + records.file());
        }
        carriers.computeIfAbsent(row.required(1).strip(), t -> new TreeSet<>()).add(e);
      }
    }
    Map<String, int[]> arrays = new LinkedHashMap<>();
    carriers.forEach(
        (tag, set) -> arrays.put(tag, set.stream().mapToInt(Integer::intValue).toArray()));
    return arrays;
  }

  /**
   * The text encoder, fitted on the training entities' {@code text_field} of every kind that has
   * it.
   */
  private TextEncoder fitEncoder(Map<String, EntityRecords> entities, Map<String, Split> splits) {
    if (files.textField().isBlank()) {
      throw new UserInputException(
          "data.files.text_field: empty; expected the text field the text encoder is "
              + "fitted on (semantic and behavioral consistency compare texts through it)");
    }
    List<String> trainingTexts = new ArrayList<>();
    for (EntityRecords records : entities.values()) {
      if (!records.texts().containsKey(files.textField())) {
        continue;
      }
      List<String> texts =
          records.requireText(
              files.textField(),
              "data.files.text_field is '"
                  + files.textField()
                  + "' and other "
                  + records.kind()
                  + " entities have it");
      for (int i : splits.get(records.kind()).trainIndices()) {
        trainingTexts.add(texts.get(i));
      }
    }
    if (trainingTexts.isEmpty()) {
      throw new UserInputException(
          "data.files.text_field: no entity has texts."
              + files.textField()
              + "; expected the text field the text encoder is fitted on");
    }
    try {
      return DomainPreparer.textEncoder(data, trainingTexts, seed + 4);
    } catch (InvalidRewardInputException e) {
      throw new UserInputException(
          "data.semantic_dimension = "
              + data.semanticDimension()
              + ": "
              + e.getMessage()
              + "; expected a smaller dimension for "
              + trainingTexts.size()
              + " training texts",
          e);
    }
  }

  /**
   * The user's spaces (marked text-comparable when listed in {@code text_spaces}) plus a {@code
   * <kind>_text} space per kind with texts.
   */
  private Map<String, EmbeddingSpace> spaces(
      Map<String, EntityRecords> entities, TextEncoder encoder) {
    Map<String, EmbeddingSpace> spaces = new LinkedHashMap<>();
    for (EntityRecords records : entities.values()) {
      for (Map.Entry<String, float[][]> entry : records.vectors().entrySet()) {
        boolean textComparable = files.textSpaces().contains(entry.getKey());
        EmbeddingSpace space =
            EmbeddingSpace.ofRows(entry.getKey(), records.kind(), entry.getValue())
                .withTextComparable(textComparable);
        if (textComparable && space.dimension() != encoder.dimension()) {
          throw new UserInputException(
              "data.files.text_spaces: space '"
                  + space.name()
                  + "' has dimension "
                  + space.dimension()
                  + " but the text encoder ("
                  + encoder.description()
                  + ") has "
                  + encoder.dimension()
                  + "; expected equal dimensions for a space in the text encoder's space");
        }
        spaces.put(space.name(), space);
      }
      List<String> texts = records.texts().get(files.textField());
      if (texts != null) {
        String name = records.kind() + TEXT_SPACE_SUFFIX;
        spaces.put(name, embed(name, records, List.of(files.textField()), encoder));
      }
    }
    for (FilesDomainConfig.EmbedSpace wanted : files.embed()) {
      EntityRecords records = entities.get(wanted.kind());
      if (records == null) {
        throw new UserInputException(
            "data.files.embed: kind '"
                + wanted.kind()
                + "' of space '"
                + wanted.space()
                + "' has no entity file; expected one of "
                + entities.keySet());
      }
      if (spaces.containsKey(wanted.space())) {
        throw new UserInputException(
            "data.files.embed: space '"
                + wanted.space()
                + "' already exists; expected a "
                + "new space name");
      }
      for (String field : wanted.fields()) {
        if (!records.texts().containsKey(field)) {
          throw new UserInputException(
              "data.files.embed: space '"
                  + wanted.space()
                  + "': no "
                  + wanted.kind()
                  + " entity has texts."
                  + field
                  + "; expected fields among "
                  + records.texts().keySet());
        }
      }
      spaces.put(wanted.space(), embed(wanted.space(), records, wanted.fields(), encoder));
    }
    for (String name : files.textSpaces()) {
      if (!spaces.containsKey(name)) {
        throw new UserInputException(
            "data.files.text_spaces: unknown space '"
                + name
                + "'; expected one of "
                + spaces.keySet());
      }
    }
    return spaces;
  }

  /**
   * A {@code text_spaces} entry read from a vector file that {@code rlaif data embed} wrote carries
   * the descriptor of the encoder that made it ({@code x.encoder.json} beside {@code x.npy}); it
   * must be this run's encoder, else SC would compare the vectors of two encoders.
   */
  private void checkTextSpaceEncoders(Path folder, TextEncoder encoder) {
    String identity = null;
    for (FilesDomainConfig.VectorFile vectors : files.vectors()) {
      if (!files.textSpaces().contains(vectors.space())) {
        continue;
      }
      Path descriptor = TextEmbedder.descriptorOf(folder.resolve(vectors.file()));
      if (!Files.isRegularFile(descriptor)) {
        continue;
      }
      identity = identity == null ? TextEncoders.identity(encoder) : identity;
      String made;
      try {
        made = Hashing.sha256().hashBytes(Files.readAllBytes(descriptor)).toString();
      } catch (IOException e) {
        throw new UserInputException(descriptor + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (!made.equals(identity)) {
        throw new UserInputException(
            "data.files.text_spaces: space '"
                + vectors.space()
                + "' was embedded by the "
                + "encoder described in "
                + descriptor
                + ", but data.text_encoder gives "
                + encoder.description()
                + "; expected the same encoder (embed it again with './rlaif data embed' and this config)");
      }
    }
  }

  /**
   * A text-comparable space of {@code records}' kind: each entity's vector is the encoder's mean
   * over the {@code fields} it has (every distinct text encoded once, in one call); an entity with
   * none gets zeros.
   */
  private static EmbeddingSpace embed(
      String name, EntityRecords records, List<String> fields, TextEncoder encoder) {
    List<List<String>> perEntity = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      List<String> texts = new ArrayList<>();
      for (String field : fields) {
        List<String> column = records.texts().get(field);
        String text = column == null ? null : column.get(i);
        if (text != null && !text.isBlank()) {
          texts.add(text);
        }
      }
      perEntity.add(texts);
    }
    float[][] rows = TextEncoders.meanEmbeddings(encoder, perEntity);
    return EmbeddingSpace.ofRows(name, records.kind(), rows).withTextComparable(true);
  }

  /**
   * Concept directions in every configured space of the concept kind, fitted on training entities.
   */
  private List<Concept> concepts(
      Loaded loaded, Map<String, EmbeddingSpace> spaces, Map<String, Split> splits) {
    if (loaded.conceptCarriers().isEmpty()) {
      return List.of();
    }
    List<String> names =
        files.conceptSpaces().isEmpty()
            ? spaces.values().stream()
                .filter(s -> s.entityKind().equals(loaded.conceptKind()))
                .map(EmbeddingSpace::name)
                .toList()
            : files.conceptSpaces();
    ConceptFinder finder =
        new ConceptFinder(data.concepts().l2(), data.concepts().validationFraction());
    List<Concept> concepts = new ArrayList<>();
    for (String name : names) {
      EmbeddingSpace space = spaces.get(name);
      if (space == null || !space.entityKind().equals(loaded.conceptKind())) {
        throw new UserInputException(
            "data.files.concept_spaces: '"
                + name
                + "' is not a space of kind '"
                + loaded.conceptKind()
                + "'; expected one of "
                + spaces.values().stream()
                    .filter(s -> s.entityKind().equals(loaded.conceptKind()))
                    .map(EmbeddingSpace::name)
                    .toList());
      }
      concepts.addAll(
          finder.findAll(
              space,
              loaded.conceptCarriers(),
              splits.get(loaded.conceptKind()).trainIndices(),
              data.concepts().minMovies(),
              seed + 5));
    }
    return concepts;
  }

  /**
   * The tasks named by {@code data.tasks.enabled} ("all": every task of the file), in file order.
   */
  private List<TaskSpec> selectTasks(List<FileTasks.FileTask> tasks) {
    List<String> enabled = data.tasks().enabled();
    List<String> names = tasks.stream().map(t -> t.spec().name()).toList();
    for (String name : enabled) {
      if (!name.equals("all") && !names.contains(name)) {
        throw new UserInputException(
            "data.tasks.enabled: unknown task '"
                + name
                + "'; expected one of "
                + names
                + " (from "
                + files.tasksFile()
                + ") or all");
      }
    }
    return tasks.stream()
        .map(FileTasks.FileTask::spec)
        .filter(t -> enabled.contains("all") || enabled.contains(t.name()))
        .toList();
  }

  /** Logs what the data supports and fails when {@code data.files.rewards} asks for more. */
  private void explainRewards(PreparedData prepared) {
    RewardAvailability rewards = RewardAvailability.of(prepared);
    LOG.info(
        "rewards of {}:{}{}",
        prepared.domain().name(),
        System.lineSeparator(),
        rewards.describe().stripTrailing());
    for (String reward : files.rewards()) {
      rewards.require(reward, "data.files.rewards");
    }
  }

  private String describe(Path folder, Loaded loaded, Map<String, EmbeddingSpace> spaces) {
    StringBuilder out =
        new StringBuilder("files domain '" + files.name() + "' from " + folder + ":");
    for (EntityRecords records : loaded.entities().values()) {
      List<String> ofKind =
          spaces.values().stream()
              .filter(s -> s.entityKind().equals(records.kind()))
              .map(
                  s -> s.name() + " (" + s.dimension() + (s.textComparable() ? ", text" : "") + ")")
              .toList();
      out.append(
          String.format(
              Locale.ROOT,
              "%n  %-10s %6d entities from %s; spaces %s; text fields %s",
              records.kind(),
              records.size(),
              records.file().getFileName(),
              ofKind,
              records.texts().keySet()));
    }
    if (loaded.interactions() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "%n  interactions: %d (%s x %s)",
              loaded.interactions().count(),
              loaded.interactions().rowKind(),
              loaded.interactions().columnKind()));
    } else {
      out.append(String.format(Locale.ROOT, "%n  interactions: none"));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%n  concept tags: %d on %s",
            loaded.conceptCarriers().size(),
            loaded.conceptKind()));
    return out.toString();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
