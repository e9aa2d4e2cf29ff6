package dev.elmrlaif.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.DataStage;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.EvalStage;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.BehavioralConsistencyConfig;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code rlaif generate --run RUN_DIR} with entities by name: a movie by title ({@code --movie "Toy
 * Story (1995)"}, twice for two-movie tasks), a user by id ({@code --user 42}), the interpolation
 * {@code (1−α)·e_A + α·e_B} of two of them ({@code --interpolate A B --alpha 0.3}), or one of them
 * shifted along a concept direction {@code e + s·cav} ({@code --concept funny --scale 2}; DESIGN.md
 * §6, paper Sec. 4). The run's own prepared data gives the vectors, the tasks and the text encoder;
 * each generation is printed with its semantic consistency (SC) and, for tasks about an
 * interactions row (a user), its behavioral consistency (BC), scored against the targets the
 * evaluation and RL use ({@link RewardTargets}, the eval stage's seed): for a real entity its own,
 * for a hypothetical one the mix of the slots (SC) and the factorisation's scores {@code u·v} (BC).
 * A name that matches nothing is one line with the closest names, exit 2.
 */
final class GenerateByName {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Suggestions in the message of an unknown name. */
  static final int SUGGESTIONS = 5;

  /** The named entities and how to combine them: what the command line asked for. */
  record Request(
      Path runDir,
      List<String> movies,
      String user,
      List<String> interpolate,
      double alpha,
      String concept,
      double scale,
      String task,
      String stage) {}

  private final Request request;
  private final PreparedData data;
  private final LoadedConfig config;

  private GenerateByName(Request request, PreparedData data, LoadedConfig config) {
    this.request = request;
    this.data = data;
    this.config = config;
  }

  /** Checks the run folder and loads its config and prepared data. */
  static GenerateByName open(Request request) {
    Path run = request.runDir();
    RunDirectory.requireRunFolder(run, "--run " + run);
    Path marker = run.resolve("stages").resolve(StageName.DATA.key() + ".json");
    JsonNode folder;
    try {
      folder = Files.isRegularFile(marker) ? JSON.readTree(marker.toFile()) : null;
    } catch (IOException e) {
      throw new UserInputException(marker + ": not readable JSON (" + e.getMessage() + ")", e);
    }
    if (folder == null || !folder.path(DataStage.PREPARED_FOLDER).isTextual()) {
      throw new UserInputException(
          "--run "
              + run
              + ": its data stage has not finished (no "
              + run.relativize(marker)
              + "); expected a run whose data and sft stages ran");
    }
    PreparedData data =
        new PreparedDataStore().load(Path.of(folder.path(DataStage.PREPARED_FOLDER).asText()));
    LoadedConfig config = new ConfigLoader().load(run.resolve(RunDirectory.CONFIG_FILE), List.of());
    return new GenerateByName(request, data, config);
  }

  /**
   * One generation context: what it is called, the entities' names, the vectors in the task's slots
   * and the targets its texts are scored against.
   */
  record Context(
      TaskSpec task, String label, List<String> entities, float[][] slots, RewardContext target) {}

  /** The task, the named entities and the vectors and targets they give (no model needed). */
  Context resolve() {
    String kind = request.user() != null ? "user" : "movie";
    int count = request.movies().size() > 1 ? request.movies().size() : 1;
    return context(task(kind, count));
  }

  /**
   * Generates {@code samples} texts for the request and returns one JSON object per text: {@code
   * id}, {@code stage}, {@code task}, {@code entities}, {@code sample}, {@code text}, {@code sc},
   * {@code bc} (null where the task has none), {@code tokens}, {@code ended}, {@code logprob}.
   */
  List<ObjectNode> generate(SamplingConfig sampling, int samples, long seed, Device device) {
    // 1. The task, the named entities and the vectors in the task's slots; the trained model.
    Context context = resolve();
    TaskSpec task = context.task();
    String kind = task.slots().get(0).kind();
    Path model = model(kind);

    // 2. Generate with the stage's model, then score against the same targets as the evaluation.
    List<ObjectNode> lines = new ArrayList<>();
    try (ElmTokenizer tokenizer = ElmTokenizer.load(model.resolve(ElmCheckpoint.TOKENIZER_FILE));
        Elm elm = ElmCheckpoint.load(model, device, DataType.FLOAT32)) {
      ElmExamples examples = ElmExamples.forModel(data, elm.config(), tokenizer);
      ElmPrompt prompt =
          examples.prompt(
              new TaskExample(task.name(), List.of(0), task.prompt(), ""), context.slots());
      int room = elm.config().lm().contextLength() - prompt.tokenIds().length;
      SamplingConfig capped =
          new SamplingConfig(
              Math.max(1, Math.min(sampling.maxNewTokens(), room)),
              sampling.greedy(),
              sampling.temperature(),
              sampling.topK(),
              sampling.topP());
      List<ElmPrompt> prompts = new ArrayList<>();
      for (int k = 0; k < samples; k++) {
        prompts.add(prompt);
      }
      SampleResult result = Sampler.sample(elm, prompts, capped, seed);
      List<String> texts = new ArrayList<>();
      for (int row = 0; row < result.rows(); row++) {
        int[] tokens = result.continuation(row);
        texts.add(tokenizer.decodeGenerated(tokens));
      }
      List<RewardContext> targets = java.util.Collections.nCopies(texts.size(), context.target());
      double[] sc =
          context.target().semanticTarget().isPresent()
              ? new SemanticConsistencyReward(data.textEncoder())
                  .score(texts, targets)
                  .component(SemanticConsistencyReward.COMPONENT)
              : null;
      double[] bc =
          context.target().candidateSet().isPresent()
              ? new BehavioralConsistencyReward(
                      data.textEncoder(), BehavioralConsistencyConfig.spearman())
                  .score(texts, targets)
                  .component(BehavioralConsistencyReward.COMPONENT)
              : null;
      for (int row = 0; row < result.rows(); row++) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", context.label());
        line.put("stage", stage(kind));
        line.put("task", task.name());
        ArrayNode entities = line.putArray("entities");
        context.entities().forEach(entities::add);
        line.put("sample", row);
        line.put("text", texts.get(row));
        putScore(line, "sc", sc, row);
        putScore(line, "bc", bc, row);
        line.put("tokens", result.continuation(row).length);
        line.put("ended", result.ended()[row]);
        line.put("logprob", result.sequencePolicyLogProb(row));
        lines.add(line);
      }
    }
    return lines;
  }

  private static void putScore(ObjectNode line, String key, double[] scores, int row) {
    if (scores == null || !Double.isFinite(scores[row])) {
      line.putNull(key);
    } else {
      line.put(key, scores[row]);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The task and the model.

  /**
   * {@code --task}, or the first task whose {@code count} slots are all of {@code kind}; its slots
   * must hold as many entities as were named.
   */
  private TaskSpec task(String kind, int count) {
    if (request.task() != null) {
      TaskSpec task =
          data.tasks().stream()
              .filter(t -> t.name().equals(request.task()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UserInputException(
                          "--task "
                              + request.task()
                              + ": not a task of this run; closest: "
                              + String.join(
                                  ", ",
                                  ClosestNames.closest(
                                      data.tasks().stream().map(TaskSpec::name).toList(),
                                      request.task(),
                                      SUGGESTIONS))));
      String expectedKind = request.user() != null ? "user" : null;
      if (!request.movies().isEmpty()) {
        expectedKind = "movie";
      }
      for (TaskSpec.Slot slot : task.slots()) {
        if (expectedKind != null && !slot.kind().equals(expectedKind)) {
          throw new UserInputException(
              "--task "
                  + task.name()
                  + ": describes a "
                  + slot.kind()
                  + ", not a "
                  + expectedKind
                  + "; tasks about a "
                  + expectedKind
                  + ": "
                  + tasksOf(expectedKind));
        }
      }
      if (task.slots().size() != count) {
        throw new UserInputException(
            "--task "
                + task.name()
                + ": has "
                + task.slots().size()
                + " entity slot(s), but "
                + count
                + " named"
                + (task.slots().size() == 2 ? " (give --movie twice)" : ""));
      }
      return task;
    }
    return data.tasks().stream()
        .filter(t -> t.slots().size() == count)
        .filter(t -> t.slots().stream().allMatch(s -> s.kind().equals(kind)))
        .findFirst()
        .orElseThrow(
            () ->
                new UserInputException(
                    "this run has no task about "
                        + count
                        + " "
                        + kind
                        + "(s); its tasks: "
                        + data.tasks().stream().map(TaskSpec::name).toList()));
  }

  private String tasksOf(String kind) {
    return data.tasks().stream()
        .filter(t -> t.slots().get(0).kind().equals(kind))
        .map(TaskSpec::name)
        .collect(Collectors.joining(", "));
  }

  /** {@code --stage}, or the last RL stage with a model of the kind, else {@code sft}. */
  private String stage(String kind) {
    Map<String, Map<String, Path>> models = EvalStage.modelsByStage(request.runDir(), data);
    List<String> withKind =
        models.entrySet().stream()
            .filter(e -> e.getValue().containsKey(kind))
            .map(Map.Entry::getKey)
            .toList();
    if (withKind.isEmpty()) {
      throw new UserInputException(
          "--run "
              + request.runDir()
              + ": holds no trained "
              + kind
              + " model (sft/"
              + kind
              + "/model or rl/<algorithm>/"
              + kind
              + "/model); expected a run whose sft stage ran");
    }
    if (request.stage() == null) {
      return withKind.get(withKind.size() - 1);
    }
    if (!withKind.contains(request.stage())) {
      throw new UserInputException(
          "--stage "
              + request.stage()
              + ": this run has no "
              + kind
              + " model of that stage; stages with one: "
              + String.join(", ", withKind));
    }
    return request.stage();
  }

  private Path model(String kind) {
    return EvalStage.modelsByStage(request.runDir(), data).get(stage(kind)).get(kind);
  }

  // ---------------------------------------------------------------------------------------------
  // The entities and their vectors.

  private Context context(TaskSpec task) {
    String kind = task.slots().get(0).kind();
    RewardTargets targets =
        new RewardTargets(
            data,
            data.textEncoder(),
            RewardTargets.CandidatePool.ALL_ENTITIES,
            config.config().eval().bcCandidates(),
            config.config().eval().bcRatedFraction(),
            config.config().seed() + 77); // the eval stage's seed: the same BC candidates
    if (!request.interpolate().isEmpty()) {
      // (1−α)·e_A + α·e_B in every slot (single-slot tasks)
      int a = index(kind, request.interpolate().get(0), "--interpolate");
      int b = index(kind, request.interpolate().get(1), "--interpolate");
      double alpha = request.alpha();
      float[][] first = vectors(task, List.of(a));
      float[][] second = vectors(task, List.of(b));
      float[][] slots = new float[first.length][];
      for (int s = 0; s < slots.length; s++) {
        slots[s] = new float[first[s].length];
        for (int d = 0; d < slots[s].length; d++) {
          slots[s][d] = (float) ((1 - alpha) * first[s][d] + alpha * second[s][d]);
        }
      }
      String label =
          String.format(
              Locale.ROOT, "%.2f·%s + %.2f·%s", 1 - alpha, name(kind, a), alpha, name(kind, b));
      TaskExample exampleA = example(task, List.of(a));
      TaskExample exampleB = example(task, List.of(b));
      RewardContext target =
          targets.semanticSlots(task) || (exampleA != null && exampleB != null)
              ? targets.interpolation(
                  label,
                  task,
                  exampleA == null ? placeholder(task, a) : exampleA,
                  exampleB == null ? placeholder(task, b) : exampleB,
                  alpha,
                  slots)
              : targets.shift(label, task, slots);
      return new Context(task, label, List.of(name(kind, a), name(kind, b)), slots, target);
    }
    List<Integer> indices = new ArrayList<>();
    if (request.user() != null) {
      indices.add(index(kind, request.user(), "--user"));
    } else {
      for (String movie : request.movies()) {
        indices.add(index(kind, movie, "--movie"));
      }
    }
    List<String> names = indices.stream().map(i -> name(kind, i)).toList();
    float[][] slots = vectors(task, indices);
    if (request.concept() != null) {
      // e + s·cav: the concept's direction in the slot's space
      Concept concept = concept(task.slots().get(0).space());
      for (float[] slot : slots) {
        for (int d = 0; d < slot.length; d++) {
          slot[d] += (float) (request.scale() * concept.direction()[d]);
        }
      }
      String label =
          String.join(" + ", names)
              + String.format(Locale.ROOT, " + %s·%s", trim(request.scale()), concept.name());
      return new Context(task, label, names, slots, targets.shift(label, task, slots));
    }
    String label = String.join(" + ", names);
    TaskExample example = example(task, indices);
    RewardContext target =
        example != null || targets.semanticSlots(task)
            ? targets.real(
                label, task, example == null ? placeholder(task, indices) : example, slots)
            : targets.shift(label, task, slots);
    return new Context(task, label, names, slots, target);
  }

  private static String trim(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  /** The slot vectors of real entities, one per slot. */
  private float[][] vectors(TaskSpec task, List<Integer> indices) {
    float[][] slots = new float[task.slots().size()][];
    for (int s = 0; s < slots.length; s++) {
      slots[s] = data.domain().space(task.slots().get(s).space()).vector(indices.get(s)).clone();
    }
    return slots;
  }

  /** The task's prepared example about exactly these entities (held-out first), or null. */
  private TaskExample example(TaskSpec task, List<Integer> indices) {
    return Stream.of(data.heldOutExamples(), data.trainExamples())
        .flatMap(m -> m.getOrDefault(task.name(), List.of()).stream())
        .filter(e -> e.entities().equals(indices))
        .findFirst()
        .orElse(null);
  }

  /** An example without a ground truth, for tasks whose SC target is the mix of the slots. */
  private static TaskExample placeholder(TaskSpec task, int index) {
    return placeholder(task, List.of(index));
  }

  private static TaskExample placeholder(TaskSpec task, List<Integer> indices) {
    return new TaskExample(task.name(), indices, task.prompt(), "");
  }

  private String name(String kind, int index) {
    EntityTable table = data.domain().entities(kind);
    String name = table.name(index);
    return name == null || name.isBlank()
        ? kind + " " + table.id(index)
        : kind.equals("user") ? "user " + table.id(index) : name;
  }

  /**
   * The index of the entity a user named: a movie by its title (exact, case-insensitive, or the
   * title without its year when that is unique), a user by its id; otherwise one line with the
   * closest names.
   */
  private int index(String kind, String given, String option) {
    if (!data.domain().entityTables().containsKey(kind)) {
      throw new UserInputException(
          option
              + ": this run's domain has no entity kind '"
              + kind
              + "'; its kinds: "
              + String.join(", ", data.domain().entityTables().keySet()));
    }
    EntityTable table = data.domain().entities(kind);
    String wanted = given.strip();
    if (wanted.matches("[0-9]+")) {
      int index = table.indexOf(Long.parseLong(wanted));
      if (index >= 0) {
        return index;
      }
    }
    List<String> names = table.names();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i) != null && names.get(i).equalsIgnoreCase(wanted)) {
        return i;
      }
    }
    List<Integer> withoutYear = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i) != null
          && names.get(i).replaceFirst("\\s*\\(\\d{4}\\)\\s*$", "").equalsIgnoreCase(wanted)) {
        withoutYear.add(i);
      }
    }
    if (withoutYear.size() == 1) {
      return withoutYear.get(0);
    }
    List<String> candidates = new ArrayList<>();
    for (int i = 0; i < table.size(); i++) {
      String name = names.get(i);
      candidates.add(
          wanted.matches("[0-9]+") || name == null || name.isBlank()
              ? Long.toString(table.id(i))
              : name);
    }
    List<String> closest =
        wanted.matches("[0-9]+")
            ? closestIds(table, Long.parseLong(wanted))
            : ClosestNames.closest(candidates, wanted, SUGGESTIONS);
    throw new UserInputException(
        option
            + " "
            + given
            + ": no "
            + kind
            + " with this "
            + (wanted.matches("[0-9]+") ? "id" : "name")
            + " in the run's data; closest: "
            + closest.stream().map(c -> '"' + c + '"').collect(Collectors.joining(", ")));
  }

  /** The {@link #SUGGESTIONS} ids numerically closest to {@code id}. */
  private static List<String> closestIds(EntityTable table, long id) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < table.size(); i++) {
      ids.add(table.id(i));
    }
    return ids.stream()
        .sorted(
            java.util.Comparator.<Long>comparingLong(x -> Math.abs(x - id))
                .thenComparingLong(x -> x))
        .limit(SUGGESTIONS)
        .map(String::valueOf)
        .toList();
  }

  /** The concept of {@code --concept} in the slot's space; otherwise the concepts there. */
  private Concept concept(String space) {
    List<Concept> inSpace =
        data.domain().concepts().stream().filter(c -> c.space().equals(space)).toList();
    for (Concept concept : inSpace) {
      if (concept.name().equalsIgnoreCase(request.concept().strip())) {
        return concept;
      }
    }
    if (inSpace.isEmpty()) {
      throw new UserInputException(
          "--concept "
              + request.concept()
              + ": this run's data has no concept direction in the space '"
              + space
              + "' the task reads (data.concepts)");
    }
    throw new UserInputException(
        "--concept "
            + request.concept()
            + ": no such concept in the space '"
            + space
            + "'; closest: "
            + ClosestNames.closest(
                    inSpace.stream().map(Concept::name).toList(), request.concept(), SUGGESTIONS)
                .stream()
                .map(c -> '"' + c + '"')
                .collect(Collectors.joining(", ")));
  }
}
