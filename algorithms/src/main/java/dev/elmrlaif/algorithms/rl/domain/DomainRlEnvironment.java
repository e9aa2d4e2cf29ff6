package dev.elmrlaif.algorithms.rl.domain;

import dev.elmrlaif.algorithms.config.DomainRewardConfig;
import dev.elmrlaif.algorithms.config.JudgeRewardConfig;
import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.BehavioralConsistencyConfig;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.CompositeConfig;
import dev.elmrlaif.rewards.CompositeReward;
import dev.elmrlaif.rewards.CrossContextRepetitionPenalty;
import dev.elmrlaif.rewards.DegeneracyPenalty;
import dev.elmrlaif.rewards.LengthPenalty;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.RewardFlag;
import dev.elmrlaif.rewards.RewardModel;
import dev.elmrlaif.rewards.RewardResult;
import dev.elmrlaif.rewards.RunningStats;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import dev.elmrlaif.rewards.judge.JudgeException;
import dev.elmrlaif.rewards.judge.JudgeReward;
import dev.elmrlaif.rewards.text.CachingTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The CoMDP of DESIGN.md §3 on a prepared domain (MovieLens, or any domain with tasks): contexts
 * are task prompts whose slots hold real, interpolated or concept-shifted training entities ({@link
 * RlContextsConfig}), and the terminal reward is
 *
 * <pre>
 * r(y, c) = w_sc · SC(y; c) + w_bc · BC(y; c) + length_penalty(y) + w_deg · degeneracy(y)
 *         + w_cross · cross_context_repetition(y; batch) + w_judge · judge(y; c)
 * </pre>
 *
 * ({@link DomainRewardConfig}) over the decoded completion {@code y}, scored by the run's fitted
 * text encoder against the targets the evaluation uses ({@link RewardTargets}, candidates from
 * {@link RewardTargets.CandidatePool#TRAINING_ENTITIES}). One environment serves one model, i.e.
 * one entity kind (MovieLens: {@code movie}, the movie tasks; {@code user}, the user profile).
 *
 * <p>The contexts of a step are a function of {@code (seed, step)} only. The reward recognises a
 * context by its content (prompt tokens and slot embeddings), among the most recent {@value
 * #REMEMBERED_CONTEXTS} contexts this environment produced. A step's completions are scored once,
 * as one batch (the AI judge's requests go out together); the metrics' component means reuse those
 * scores rather than asking the judge again.
 *
 * <p>A real context's training example is remembered with it, so that {@link #demonstrations} can
 * give its target text to an off-policy trainer's buffer (App. H's offline data).
 *
 * <p>With reward normalisation ({@link DomainRewardConfig#normalization()}) the reward depends on
 * every batch scored before: its running statistics go into RL checkpoints ({@link #saveState}),
 * and scores are remembered for the current step only (forgotten at each {@link #draw}), so a
 * resumed run scores, and normalises, exactly what the uninterrupted one did.
 *
 * <p>The AI judge, when configured, sees the task prompt (placeholders named by kind, e.g. {@code
 * [movie]}) and, as reference facts, the ground-truth text of a real entity, the two texts and
 * weights of an interpolation, or the text and concept of a concept shift; in preference mode it
 * compares the completion with a real entity's ground-truth text, and hypothetical contexts (no
 * such text) score {@code failure_score} without a request and are left out of the judge's mean.
 */
public final class DomainRlEnvironment implements RlEnvironment {
  /** How many recent contexts the reward can score completions of. */
  public static final int REMEMBERED_CONTEXTS = 8192;

  private static final Logger LOG = LogManager.getLogger(DomainRlEnvironment.class);

  /** A task with its training examples and the concepts its slots can move along. */
  private record TaskPool(TaskSpec spec, List<TaskExample> examples, List<Concept> concepts) {}

  private final String kind;
  private final List<TaskPool> tasks;
  private final RlContextsConfig config;
  private final long seed;
  private final ElmExamples encoder;
  private final ElmTokenizer tokenizer;
  private final int endToken;
  private final RewardTargets targets;
  private final CompositeReward reward;
  private final Map<PromptKey, DomainContext> recent;
  private final JudgeRewardConfig judge;
  private final Map<ScoredKey, Scored> scored;

  /** The training example behind each recent real context, for {@link #demonstrations}. */
  private final Map<PromptKey, TaskExample> realExamples;

  private DomainRlEnvironment(
      String kind,
      List<TaskPool> tasks,
      RlContextsConfig config,
      long seed,
      ElmExamples encoder,
      ElmTokenizer tokenizer,
      int endToken,
      RewardTargets targets,
      CompositeReward reward,
      JudgeRewardConfig judge) {
    this.kind = kind;
    this.tasks = tasks;
    this.config = config;
    this.seed = seed;
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.endToken = endToken;
    this.targets = targets;
    this.reward = reward;
    this.judge = judge;
    this.recent =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<PromptKey, DomainContext> eldest) {
            return size() > REMEMBERED_CONTEXTS;
          }
        };
    this.scored =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ScoredKey, Scored> eldest) {
            return size() > REMEMBERED_CONTEXTS;
          }
        };
    this.realExamples =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<PromptKey, TaskExample> eldest) {
            return size() > REMEMBERED_CONTEXTS;
          }
        };
  }

  /**
   * The environment of the model for entity kind {@code kind}.
   *
   * @param tokenizer the model's tokenizer (encodes prompts, decodes completions; the caller closes
   *     it)
   * @param elm the model's config (context length and end token)
   * @param seed the seed of the context draws and of the BC candidate draws
   * @throws UserInputException when {@code rl.contexts.tasks} names an unknown task, or no task
   *     describes {@code kind}, or a listed concept does not exist
   */
  public static DomainRlEnvironment create(
      PreparedData data,
      String kind,
      ElmTokenizer tokenizer,
      ElmConfig elm,
      RlContextsConfig contexts,
      long seed) {
    return create(data, kind, tokenizer, elm, contexts, seed, null);
  }

  /**
   * The environment of the model for entity kind {@code kind}, its reward including the AI judge.
   *
   * @param judge the judge's reward term (component {@code judge}, weight {@code
   *     rl.contexts.reward.judge.weight}), or null when {@code rl.contexts.reward.judge} is absent;
   *     the caller closes it
   * @see #create(PreparedData, String, ElmTokenizer, ElmConfig, RlContextsConfig, long)
   */
  public static DomainRlEnvironment create(
      PreparedData data,
      String kind,
      ElmTokenizer tokenizer,
      ElmConfig elm,
      RlContextsConfig contexts,
      long seed,
      RewardModel judge) {
    if ((judge == null) != (contexts.reward().judge() == null)) {
      throw new IllegalArgumentException(
          "a judge reward is given if and only if rl.contexts.reward.judge is set");
    }
    List<TaskSpec> specs = tasksOf(data, kind, contexts);
    if (specs.isEmpty()) {
      throw new UserInputException(
          "rl.contexts.tasks: no task describes entity kind '"
              + kind
              + "' among "
              + (contexts.tasks().isEmpty()
                  ? "data.tasks.enabled " + names(data.tasks())
                  : contexts.tasks())
              + "; expected at least one task whose first slot is a "
              + kind);
    }
    Set<String> knownConcepts = new LinkedHashSet<>();
    data.domain().concepts().forEach(c -> knownConcepts.add(c.name()));
    for (String name : contexts.concepts()) {
      if (!knownConcepts.contains(name)) {
        throw new UserInputException(
            "rl.contexts.concepts: unknown concept '"
                + name
                + "'; expected one of "
                + knownConcepts);
      }
    }
    List<TaskPool> pools = new ArrayList<>();
    for (TaskSpec spec : specs) {
      List<TaskExample> examples = trainingExamples(data, spec);
      if (examples.isEmpty()) {
        throw new UserInputException(
            "rl.contexts.tasks: task '"
                + spec.name()
                + "' has no training example;"
                + " expected at least one to draw contexts from");
      }
      String space = spec.slots().get(0).space();
      List<Concept> concepts =
          data.domain().concepts().stream()
              .filter(c -> c.space().equals(space))
              .filter(c -> contexts.concepts().isEmpty() || contexts.concepts().contains(c.name()))
              .filter(c -> spec.slots().stream().allMatch(s -> s.space().equals(space)))
              .toList();
      if (concepts.isEmpty() && contexts.conceptFraction() > 0) {
        LOG.warn(
            "rl contexts: task {} has no concept in space '{}'; its concept shifts are real entities instead",
            spec.name(),
            space);
      }
      pools.add(new TaskPool(spec, examples, concepts));
    }
    if (data.textEncoder() == null) {
      throw new UserInputException(
          "rl on domain "
              + data.domain().name()
              + ": the prepared data has no text encoder,"
              + " so no consistency reward can score a completion; expected a domain with texts to fit one on");
    }
    // completions are scored once: read the disk cache, never add them to it
    TextEncoder text =
        new CachingTextEncoder(TextEncoders.withoutWrites(data.textEncoder()), 16384);
    ElmExamples encoder = ElmExamples.forModel(data, elm, tokenizer);
    RewardTargets targets =
        new RewardTargets(
            data,
            text,
            RewardTargets.CandidatePool.TRAINING_ENTITIES,
            contexts.reward().bcCandidates(),
            contexts.reward().bcRatedFraction(),
            seed);
    boolean behavioral = specs.stream().anyMatch(targets::behavioral);
    CompositeReward reward = composite(text, contexts.reward(), behavioral, judge);
    LOG.info(
        "rl contexts for the {} model: tasks {}, {} real / {} interpolated / {} concept-shifted,"
            + " reward {}",
        kind,
        names(specs),
        contexts.realFraction(),
        contexts.interpolationFraction(),
        contexts.conceptFraction(),
        reward.formula());
    return new DomainRlEnvironment(
        kind,
        List.copyOf(pools),
        contexts,
        seed,
        encoder,
        tokenizer,
        elm.endTokenId(),
        targets,
        reward,
        contexts.reward().judge());
  }

  /**
   * Whether any task (of {@code rl.contexts.tasks}, or of the enabled ones) describes entity kind
   * {@code kind}.
   */
  public static boolean hasTasks(PreparedData data, String kind, RlContextsConfig contexts) {
    return !tasksOf(data, kind, contexts).isEmpty();
  }

  /** The entity kind this environment's model describes. */
  public String kind() {
    return kind;
  }

  /** The names of the tasks contexts are drawn from. */
  public List<String> taskNames() {
    return tasks.stream().map(t -> t.spec().name()).toList();
  }

  // ------------------------------------------------------------------------------------- contexts

  @Override
  public List<ElmPrompt> contexts(long step, int count) {
    return draw(step, count).stream().map(DomainContext::prompt).toList();
  }

  /**
   * The {@code count} contexts of step {@code step} with how each was made; {@link #contexts}
   * returns their prompts. Each draw takes, in order: the task, the context kind, the example, then
   * the second example and {@code a} (interpolation) or the concept and {@code s} (shift).
   */
  public List<DomainContext> draw(long step, int count) {
    if (normalized()) { // a remembered score would skip the running statistics' update
      synchronized (scored) {
        scored.clear();
      }
    }
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    List<DomainContext> drawn = new ArrayList<>(count);
    Map<PromptKey, TaskExample> drawnExamples = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      TaskPool task = tasks.get(random.nextInt(tasks.size()));
      double u = random.nextDouble();
      TaskExample example = task.examples().get(random.nextInt(task.examples().size()));
      DomainContext context;
      if (u < config.realFraction()) {
        context = real(task, example);
      } else if (u < config.realFraction() + config.interpolationFraction()) {
        TaskExample second = secondExample(task, example, random);
        double a = uniform(random, config.interpolationMin(), config.interpolationMax());
        context = interpolation(task, example, second, a);
      } else if (!task.concepts().isEmpty()) {
        Concept concept = task.concepts().get(random.nextInt(task.concepts().size()));
        double s = uniform(random, config.conceptStepMin(), config.conceptStepMax());
        context = shift(task, example, concept, s);
      } else {
        context = real(task, example);
      }
      if (context.kind() == ContextKind.REAL) {
        drawnExamples.put(new PromptKey(context.prompt()), example);
      }
      drawn.add(context);
    }
    synchronized (recent) {
      drawn.forEach(c -> recent.put(new PromptKey(c.prompt()), c));
      realExamples.putAll(drawnExamples);
    }
    return drawn;
  }

  /**
   * The target text of the training example behind each real context, as supervised training
   * encodes it ({@link ElmExamples#encode}), cut to {@code maxTokens}; null for interpolations,
   * concept shifts and contexts this environment does not remember.
   */
  @Override
  public List<int[]> demonstrations(List<ElmPrompt> contexts, int maxTokens) {
    List<int[]> demonstrations = new ArrayList<>(contexts.size());
    for (ElmPrompt prompt : contexts) {
      TaskExample example;
      synchronized (recent) {
        example = realExamples.get(new PromptKey(prompt));
      }
      if (example == null) {
        demonstrations.add(null);
        continue;
      }
      int[] target = encoder.encode(example).target();
      demonstrations.add(Arrays.copyOf(target, Math.min(maxTokens, target.length)));
    }
    return demonstrations;
  }

  private DomainContext real(TaskPool task, TaskExample example) {
    float[][] slots = encoder.entities(example);
    String label = task.spec().name() + ":" + example.entities();
    RewardContext target = targets.real(label, task.spec(), example, slots);
    if (judge != null) {
      target = forJudge(target, judgePrompt(task.spec(), ""), example.target());
    }
    return new DomainContext(
        task.spec().name(),
        ContextKind.REAL,
        example.entities(),
        0,
        "",
        encoder.prompt(example, slots),
        target);
  }

  private DomainContext interpolation(
      TaskPool task, TaskExample first, TaskExample second, double a) {
    float[][] e1 = encoder.entities(first);
    float[][] e2 = encoder.entities(second);
    float[][] slots = new float[e1.length][];
    for (int k = 0; k < slots.length; k++) {
      slots[k] = new float[e1[k].length];
      for (int d = 0; d < slots[k].length; d++) {
        slots[k][d] = (float) ((1 - a) * e1[k][d] + a * e2[k][d]);
      }
    }
    List<Integer> entities = new ArrayList<>(first.entities());
    entities.addAll(second.entities());
    String label =
        String.format(
            Locale.ROOT,
            "%s:mix(%s,%s,%.6f)",
            task.spec().name(),
            first.entities(),
            second.entities(),
            a);
    RewardContext target = targets.interpolation(label, task.spec(), first, second, a, slots);
    if (judge != null) {
      target =
          forJudge(
              target,
              judgePrompt(
                  task.spec(),
                  String.format(
                      Locale.ROOT,
                      "The %s is hypothetical: a"
                          + " blend of two, weight %.2f on the first and %.2f on the second.\nFirst:\n%s\nSecond:\n%s",
                      task.spec().slots().get(0).kind(),
                      1 - a,
                      a,
                      first.target(),
                      second.target())),
              null);
    }
    return new DomainContext(
        task.spec().name(),
        ContextKind.INTERPOLATION,
        entities,
        a,
        "",
        encoder.prompt(first, slots),
        target);
  }

  private DomainContext shift(TaskPool task, TaskExample example, Concept concept, double s) {
    float[][] slots = encoder.entities(example);
    float[] direction = concept.direction();
    for (float[] slot : slots) {
      for (int d = 0; d < slot.length; d++) {
        slot[d] = (float) (slot[d] + s * direction[d]);
      }
    }
    String label =
        String.format(
            Locale.ROOT,
            "%s:shift(%s,%s,%.6f)",
            task.spec().name(),
            example.entities(),
            concept.name(),
            s);
    RewardContext target = targets.shift(label, task.spec(), slots);
    if (judge != null) {
      target =
          forJudge(
              target,
              judgePrompt(
                  task.spec(),
                  String.format(
                      Locale.ROOT,
                      "The %s is hypothetical: the"
                          + " one described below, moved toward the concept '%s' (step %.2f).\n%s",
                      task.spec().slots().get(0).kind(),
                      concept.name(),
                      s,
                      example.target())),
              null);
    }
    return new DomainContext(
        task.spec().name(),
        ContextKind.CONCEPT_SHIFT,
        example.entities(),
        s,
        concept.name(),
        encoder.prompt(example, slots),
        target);
  }

  /** Another example of the task than {@code first} when it has one. */
  private static TaskExample secondExample(
      TaskPool task, TaskExample first, SplittableRandom random) {
    List<TaskExample> examples = task.examples();
    if (examples.size() == 1) {
      return first;
    }
    TaskExample second = first;
    while (second == first) {
      second = examples.get(random.nextInt(examples.size()));
    }
    return second;
  }

  private static double uniform(SplittableRandom random, double min, double max) {
    return min == max ? min : min + (max - min) * random.nextDouble();
  }

  // --------------------------------------------------------------------------------------- reward

  /** The file of an RL checkpoint's environment folder that holds the running reward statistics. */
  static final String NORMALIZER_FILE = "reward_normalizer.json";

  /** What {@link #saveState} writes: the running statistics by term name (or "total"). */
  record NormalizerState(Map<String, RunningStats.State> statistics) {}

  private boolean normalized() {
    return config.reward().normalization() != CompositeConfig.Normalization.NONE;
  }

  /** With reward normalisation, writes its running statistics ({@value #NORMALIZER_FILE}). */
  @Override
  public void saveState(Path folder) throws IOException {
    if (normalized()) {
      AtomicFiles.write(
          folder.resolve(NORMALIZER_FILE),
          CheckpointFolders.JSON.writeValueAsBytes(new NormalizerState(reward.normalizerState())));
    }
  }

  /**
   * With reward normalisation, restores the running statistics {@link #saveState} wrote; a
   * checkpoint without them (written without normalisation) is refused.
   */
  @Override
  public void loadState(Path folder) throws IOException {
    if (!normalized()) {
      return;
    }
    Path file = folder.resolve(NORMALIZER_FILE);
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(
          file
              + " is missing; expected the running reward statistics of"
              + " rl.contexts.reward.normalization "
              + config.reward().normalization().name().toLowerCase(Locale.ROOT)
              + " (was the checkpoint written with another normalization? start the rl stage over)");
    }
    reward.restoreNormalizer(
        CheckpointFolders.readJson(file, NormalizerState.class, "the rl stage").statistics());
  }

  @Override
  public CompletionReward reward() {
    return new CompletionReward() {
      @Override
      public double reward(ElmPrompt prompt, int[] continuation) {
        return rewards(List.of(prompt), List.of(continuation))[0];
      }

      @Override
      public double[] rewards(List<ElmPrompt> prompts, List<int[]> continuations) {
        List<Scored> rows = scoredRows(prompts, continuations);
        double[] totals = new double[rows.size()];
        for (int i = 0; i < totals.length; i++) {
          totals[i] = rows.get(i).total();
        }
        return totals;
      }
    };
  }

  /**
   * The mean of each reward component over these completions: {@code sc} over those whose context
   * has a semantic target, {@code bc} over those with behavioral candidates, {@code judge} over
   * those the judge was asked about (in preference mode, contexts with a ground-truth text; failed
   * judgements count with their fallback score), and the enabled penalties ({@code length_penalty},
   * {@code degeneracy}, {@code cross_context_repetition}) over all; with a judge, also {@code
   * judge_failures}: how many of these completions the judge failed to score (fallback used).
   * Completions the reward already scored (this step's) are not scored again.
   */
  @Override
  public Map<String, Double> componentMeans(List<ElmPrompt> prompts, List<int[]> completions) {
    Map<String, Double> means = new LinkedHashMap<>();
    if (prompts.isEmpty()) {
      return means;
    }
    List<Scored> rows = scoredRows(prompts, completions);
    List<DomainContext> contexts = prompts.stream().map(this::context).toList();
    for (String component : reward.componentNames()) {
      double sum = 0;
      int n = 0;
      for (int i = 0; i < rows.size(); i++) {
        boolean applies =
            switch (component) {
              case SemanticConsistencyReward.COMPONENT -> contexts.get(i).hasSemanticTarget();
              case BehavioralConsistencyReward.COMPONENT -> contexts.get(i).hasBehavioralTarget();
              case JudgeReward.COMPONENT ->
                  judge.mode() == JudgeRewardConfig.Mode.SCORE
                      || contexts.get(i).reward().referenceText() != null;
              default -> true;
            };
        if (applies) {
          sum += rows.get(i).components().get(component);
          n++;
        }
      }
      if (n > 0) {
        means.put(component, sum / n);
      }
    }
    if (judge != null) {
      means.put(
          JUDGE_FAILURES,
          (double) rows.stream().filter(r -> r.flags().contains(RewardFlag.JUDGE_FAILED)).count());
    }
    return means;
  }

  /** The metric (after the {@code reward_} prefix) counting a batch's failed judgements. */
  public static final String JUDGE_FAILURES = "judge_failures";

  /**
   * Each completion's total, components and flags: remembered ones as they were, the others scored
   * as one batch.
   */
  private List<Scored> scoredRows(List<ElmPrompt> prompts, List<int[]> completions) {
    if (prompts.size() != completions.size()) {
      throw new IllegalArgumentException(
          prompts.size()
              + " prompts but "
              + completions.size()
              + " completions; expected one completion per prompt");
    }
    List<ScoredKey> keys = new ArrayList<>(prompts.size());
    Scored[] rows = new Scored[prompts.size()];
    List<Integer> missing = new ArrayList<>();
    synchronized (scored) {
      for (int i = 0; i < rows.length; i++) {
        ScoredKey key = new ScoredKey(new PromptKey(prompts.get(i)), completions.get(i).clone());
        keys.add(key);
        rows[i] = scored.get(key);
        if (rows[i] == null) {
          missing.add(i);
        }
      }
    }
    if (!missing.isEmpty()) {
      RewardResult result;
      try {
        result =
            score(
                missing.stream().map(prompts::get).toList(),
                missing.stream().map(completions::get).toList());
      } catch (JudgeException e) { // only with on_failure: stop
        throw new UserInputException(
            "rl.contexts.reward.judge: "
                + e.getMessage()
                + "; the run stops as"
                + " on_failure: stop asks (on_failure: fallback scores failure_score instead)");
      }
      double[] totals = result.scores();
      synchronized (scored) {
        for (int j = 0; j < missing.size(); j++) {
          Map<String, Double> components = new LinkedHashMap<>();
          for (String component : reward.componentNames()) {
            components.put(component, result.components().get(component)[j]);
          }
          Scored row = new Scored(totals[j], components, result.flags().get(j));
          rows[missing.get(j)] = row;
          scored.put(keys.get(missing.get(j)), row);
        }
      }
    }
    return List.of(rows);
  }

  /** The reward of each completion, with its components. */
  public RewardResult score(List<ElmPrompt> prompts, List<int[]> completions) {
    if (prompts.size() != completions.size()) {
      throw new IllegalArgumentException(
          prompts.size()
              + " prompts but "
              + completions.size()
              + " completions; expected one completion per prompt");
    }
    List<String> texts = new ArrayList<>(completions.size());
    List<RewardContext> contexts = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i++) {
      texts.add(decode(completions.get(i)));
      contexts.add(context(prompts.get(i)).reward());
    }
    return reward.score(texts, contexts);
  }

  /** The context this environment drew with this prompt (its tokens and slot embeddings). */
  public DomainContext context(ElmPrompt prompt) {
    DomainContext context;
    synchronized (recent) {
      context = recent.get(new PromptKey(prompt));
    }
    if (context == null) {
      throw new IllegalArgumentException(
          "the "
              + kind
              + " environment did not draw this prompt among its last "
              + REMEMBERED_CONTEXTS
              + " contexts; expected a prompt returned by contexts(step, count)");
    }
    return context;
  }

  /** The completion's text: the tokens before the end token, special tokens dropped. */
  public String decode(int[] completion) {
    int length = 0;
    while (length < completion.length && completion[length] != endToken) {
      length++;
    }
    return tokenizer.decodeGenerated(java.util.Arrays.copyOf(completion, length));
  }

  // -------------------------------------------------------------------------------------- helpers

  private static CompositeReward composite(
      TextEncoder text, DomainRewardConfig config, boolean behavioral, RewardModel judge) {
    List<CompositeReward.Term> terms = new ArrayList<>();
    terms.add(
        new CompositeReward.Term(
            SemanticConsistencyReward.COMPONENT,
            new SemanticConsistencyReward(text),
            config.scWeight()));
    if (behavioral) {
      terms.add(
          new CompositeReward.Term(
              BehavioralConsistencyReward.COMPONENT,
              new BehavioralConsistencyReward(text, BehavioralConsistencyConfig.spearman()),
              config.bcWeight()));
    }
    if (config.lengthPenaltyPerWord() > 0) {
      terms.add(
          new CompositeReward.Term(
              LengthPenalty.COMPONENT,
              new LengthPenalty(
                  new LengthPenalty.Config(
                      config.minWords(), config.maxWords(), config.lengthPenaltyPerWord())),
              1.0));
    }
    if (config.degeneracyWeight() > 0) {
      terms.add(
          new CompositeReward.Term(
              DegeneracyPenalty.COMPONENT,
              new DegeneracyPenalty(new DegeneracyPenalty.Config(config.degeneracyNgram())),
              config.degeneracyWeight()));
    }
    if (config.crossContextWeight() > 0) {
      terms.add(
          new CompositeReward.Term(
              CrossContextRepetitionPenalty.COMPONENT,
              new CrossContextRepetitionPenalty(config.degeneracyNgram()),
              config.crossContextWeight()));
    }
    if (judge != null) {
      terms.add(new CompositeReward.Term(JudgeReward.COMPONENT, judge, config.judge().weight()));
    }
    if (config.normalization() == CompositeConfig.Normalization.NONE) {
      return new CompositeReward(terms, CompositeConfig.weightedSum());
    }
    return new CompositeReward(
        terms,
        new CompositeConfig(
            config.normalization(),
            1e-8,
            config.normalizationWarmup(),
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY));
  }

  /**
   * A context's reward target with what the AI judge reads: the task, and the ground truth when
   * there is one.
   */
  private static RewardContext forJudge(RewardContext target, String prompt, String referenceText) {
    return new RewardContext(
        target.entityId(),
        target.semanticEmbeddings(),
        target.mixWeights(),
        target.behavioralVector(),
        target.candidates(),
        prompt,
        referenceText);
  }

  /**
   * The task prompt as the judge reads it: placeholders named by kind, then any note on a
   * hypothetical entity.
   */
  private static String judgePrompt(TaskSpec task, String note) {
    String prompt = task.prompt();
    for (int slot = 0; slot < task.slots().size(); slot++) {
      String kind = task.slots().get(slot).kind();
      prompt =
          prompt.replace(
              TaskSpec.placeholder(slot),
              task.slots().size() == 1 ? "[" + kind + "]" : "[" + kind + " " + (slot + 1) + "]");
    }
    return note.isEmpty() ? prompt : prompt + "\n\n" + note;
  }

  /** The tasks of {@code kind}: those listed in {@code rl.contexts.tasks}, or every enabled one. */
  private static List<TaskSpec> tasksOf(PreparedData data, String kind, RlContextsConfig contexts) {
    Map<String, TaskSpec> prepared = new LinkedHashMap<>();
    data.tasks().forEach(t -> prepared.put(t.name(), t));
    for (String name : contexts.tasks()) {
      if (!prepared.containsKey(name)) {
        throw new UserInputException(
            "rl.contexts.tasks: unknown task '"
                + name
                + "'; expected one of the prepared"
                + " tasks (data.tasks.enabled) "
                + prepared.keySet());
      }
    }
    return prepared.values().stream()
        .filter(t -> contexts.tasks().isEmpty() || contexts.tasks().contains(t.name()))
        .filter(t -> t.slots().get(0).kind().equals(kind))
        .toList();
  }

  /** The task's training examples whose every entity is in its kind's training split. */
  private static List<TaskExample> trainingExamples(PreparedData data, TaskSpec task) {
    List<TaskExample> kept = new ArrayList<>();
    for (TaskExample example : data.trainExamples().getOrDefault(task.name(), List.of())) {
      boolean training = true;
      for (int slot = 0; slot < task.slots().size(); slot++) {
        Split split = data.domain().split(task.slots().get(slot).kind());
        training &= !split.isHeldOut(example.entities().get(slot));
      }
      if (training) {
        kept.add(example);
      }
    }
    return kept;
  }

  private static List<String> names(List<TaskSpec> tasks) {
    return tasks.stream().map(TaskSpec::name).toList();
  }

  /** One completion's score, remembered so the metrics need not ask the judge again. */
  private record Scored(double total, Map<String, Double> components, Set<RewardFlag> flags) {}

  /** A completion of a context, compared by content. */
  private record ScoredKey(PromptKey prompt, int[] completion) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ScoredKey k
          && prompt.equals(k.prompt)
          && Arrays.equals(completion, k.completion);
    }

    @Override
    public int hashCode() {
      return 31 * prompt.hashCode() + Arrays.hashCode(completion);
    }

    @Override
    public String toString() {
      return "ScoredKey" + Arrays.toString(completion);
    }
  }

  /** A prompt compared by content: its token ids and slot embeddings. */
  private record PromptKey(int[] tokens, float[][] entities) {
    PromptKey(ElmPrompt prompt) {
      this(prompt.tokenIds(), prompt.entities());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PromptKey k
          && Arrays.equals(tokens, k.tokens)
          && Arrays.deepEquals(entities, k.entities);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(tokens) + Arrays.deepHashCode(entities);
    }

    @Override
    public String toString() {
      return "PromptKey" + Arrays.toString(tokens);
    }
  }
}
