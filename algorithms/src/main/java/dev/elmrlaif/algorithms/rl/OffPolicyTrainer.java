package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.replay.ReplayBuffer;
import dev.elmrlaif.replay.ResumableRandom;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one loop of the off-policy trainers (soft actor-critic, soft-Q + distillation), as
 * stable-baselines3's {@code OffPolicyAlgorithm.learn}: each algorithm fills in its gradient step
 * ({@link #update}, SB3's {@code train}) and declares what it saves ({@link #stateFiles}, {@link
 * #state}, SB3's {@code _get_torch_save_params}). One {@link #step}:
 *
 * <pre>
 * generate  y ~ μ(·|c), K per context, μ = {@link #behaviour} (none: offline, nothing generated);
 *           r = r(y, c); π_θ measured against π_ref on them ({@link RolloutGeneration})
 * store     one trajectory per completion into the replay buffer, and with {@link
 *           #storeDemonstrations} one per context that has a ground-truth continuation
 *           ({@link Demonstrations}, {@link RolloutGeneration#demonstrations})
 * update    {@link #updatesPerStep} gradient steps, each on a batch it draws from the buffer
 * metrics   each update's figures averaged over the updates that reported them, α (as beta), buffer size
 * </pre>
 *
 * <p>Saved state ({@link TrainerStateFolder}): the subclass's files, {@code replay.bin} and {@code
 * trainer_state.json} (step count, generator, and what the subclass's record adds).
 *
 * @param <S> the subclass's state record
 */
public abstract class OffPolicyTrainer<S extends TrainerState> implements RlTrainer {
  private static final Logger LOG = LogManager.getLogger(OffPolicyTrainer.class);

  /**
   * A file of the trainer's saved state (a critic, a target, an optimizer): how to write and read
   * it.
   */
  public record StateFile(PathAction save, PathAction load) {}

  /** Writes or reads one file. */
  @FunctionalInterface
  public interface PathAction {
    void apply(Path file) throws IOException;
  }

  protected final Elm policy;
  protected final Elm reference;
  private final CompletionReward reward;
  private final Demonstrations demonstrations;
  private final Class<S> stateType;

  /**
   * The replay buffer; the subclass creates it in its constructor, {@link #loadState} replaces it.
   */
  protected ReplayBuffer buffer;

  /**
   * The sampler's seeds; the subclass creates it in its constructor, {@link #loadState} replaces
   * it.
   */
  protected ResumableRandom random;

  /** Steps completed; {@link #step} counts, {@link #loadState} restores. */
  protected long completedSteps;

  /**
   * @param trainer the class's name, for errors
   * @param config the algorithm's config (only checked to be set here)
   * @param demonstrations where {@link #storeDemonstrations} finds the contexts' ground truth
   */
  protected OffPolicyTrainer(
      String trainer,
      Elm policy,
      Elm reference,
      CompletionReward reward,
      Demonstrations demonstrations,
      Object config,
      Class<S> stateType) {
    RlTrainer.requireInputs(trainer, policy, reference, reward, config);
    if (demonstrations == null) {
      throw new IllegalArgumentException(trainer + ": demonstrations is null, expected NONE");
    }
    this.policy = policy;
    this.reference = reference;
    this.reward = reward;
    this.demonstrations = demonstrations;
    this.stateType = stateType;
  }

  // ---------------------------------------------------------------- what an algorithm fills in

  /**
   * The ELM that generates this step's completions, or null when nothing is generated (offline).
   */
  protected abstract Elm behaviour();

  /** Completions per context. */
  protected abstract int samplesPerContext();

  /** The most tokens a completion has. */
  protected abstract int maxNewTokens();

  /** The KL coefficient α in use this step (read before the updates). */
  protected abstract double alpha();

  /** Gradient steps per step (the update-to-data ratio). */
  protected abstract int updatesPerStep();

  /**
   * The names of the figures {@link #update} reports; each is 0 in a step where no update reports
   * it.
   */
  protected abstract List<String> updateMetrics();

  /**
   * Gradient step {@code u} of this step (0-based): draws its batch from {@link #buffer}, updates,
   * and returns its figures (some of {@link #updateMetrics}).
   */
  protected abstract Map<String, Double> update(int u);

  /**
   * Whether each step also stores the ground-truth continuations of its contexts ({@link
   * Demonstrations}); off by default.
   */
  protected boolean storeDemonstrations() {
    return false;
  }

  /** After the step's updates: e.g. an α controller sees the generated completions' measured KL. */
  protected void afterUpdates(Map<String, Double> generation, int completions) {}

  /**
   * What the buffer stores as each completion's reward ({@link RolloutGeneration#generate}): the
   * reward model's by default.
   */
  protected StoredReward storedReward() {
    return StoredReward.RAW;
  }

  /**
   * Figures of the algorithm's own to add to the step's metrics (called after the common ones are
   * in).
   */
  protected void addMetrics(Map<String, Double> metrics) {}

  /** The config key of the replay buffer's settings, for the message when a resume changes them. */
  protected abstract String replayKey();

  /**
   * The trainer's files besides {@code replay.bin} and {@code trainer_state.json}, by {@link
   * TrainerStateFolder} name.
   */
  protected abstract Map<String, StateFile> stateFiles();

  /** The trainer's scalars now, for {@code trainer_state.json}. */
  protected abstract S state();

  /**
   * Restores what {@link #state} returned, besides the step count and the generator (set by the
   * caller).
   */
  protected void restore(S state) {}

  // ---------------------------------------------------------------- the loop

  /**
   * Generate, store, update, metrics (class comment). Metrics: the {@link RlTrainer#step} keys (KL
   * estimates, exact KL and entropy are those of {@code π_θ} against {@code π_ref} on the generated
   * completions, whichever policy generated them), the mean of each figure of {@link
   * #updateMetrics} over the updates that reported it, {@code beta} (the α of this step's updates),
   * {@code buffer_size} (trajectories), {@code time_update_s} and {@code step}, plus {@link
   * #addMetrics}.
   */
  @Override
  public final RlStep step(List<ElmPrompt> contexts) {
    if (contexts.isEmpty()) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + ".step: no contexts, expected at least one");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    // generate
    Elm behaviour = behaviour();
    RolloutGeneration.Result generated;
    if (behaviour == null) { // offline: learn from the buffer alone
      generated = new RolloutGeneration.Result(List.of(), List.of(), new double[0], List.of());
      metrics.put("time_generate_s", 0.0);
      metrics.put("time_reward_s", 0.0);
    } else {
      generated =
          RolloutGeneration.generate(
              TrainerStateFolder.key(algorithm()),
              completedSteps,
              behaviour,
              policy,
              reference,
              reward,
              contexts,
              samplesPerContext(),
              maxNewTokens(),
              random.nextLong(),
              storedReward(),
              metrics);
    }
    // store
    generated.trajectories().forEach(buffer::add);
    if (storeDemonstrations() && behaviour != null) {
      RolloutGeneration.demonstrations(
              TrainerStateFolder.key(algorithm()),
              completedSteps,
              policy,
              reference,
              reward,
              contexts,
              demonstrations.of(contexts, maxNewTokens()),
              generated.rewards(),
              samplesPerContext(),
              storedReward(),
              metrics)
          .forEach(buffer::add);
    }
    // update
    long updateStart = System.nanoTime();
    double alpha = alpha();
    int updates = updatesPerStep();
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    updateMetrics().forEach(name -> figures.put(name, new ArrayList<>()));
    for (int u = 0; u < updates; u++) {
      update(u).forEach((name, value) -> figures.get(name).add(value));
    }
    afterUpdates(metrics, generated.prompts().size());
    completedSteps++;
    // metrics
    figures.forEach(
        (name, values) -> {
          double mean = 0;
          for (double value : values) {
            mean += value / values.size();
          }
          metrics.put(name, mean);
        });
    metrics.put("beta", alpha);
    metrics.put("buffer_size", (double) buffer.size());
    addMetrics(metrics);
    metrics.put("time_update_s", (System.nanoTime() - updateStart) / 1e9);
    metrics.put("step", (double) completedSteps);
    LOG.debug("{} step {}: {}", TrainerStateFolder.key(algorithm()), completedSteps, metrics);
    return new RlStep(metrics, generated.prompts(), generated.completions(), generated.rewards());
  }

  @Override
  public long completedSteps() {
    return completedSteps;
  }

  // ---------------------------------------------------------------- state

  @Override
  public final void saveState(Path folder) throws IOException {
    for (Map.Entry<String, StateFile> file : stateFiles().entrySet()) {
      file.getValue().save().apply(folder.resolve(file.getKey()));
    }
    buffer.save(folder.resolve(TrainerStateFolder.REPLAY));
    TrainerStateFolder.write(folder, state());
  }

  /**
   * Restores what {@link #saveState} wrote (or an older version's layout, {@link
   * TrainerStateFolder}): the state file and the buffer are read and checked before anything
   * changes.
   */
  @Override
  public final void loadState(Path folder) throws IOException {
    S state = TrainerStateFolder.read(folder, algorithm(), stateType);
    Path replayFile = TrainerStateFolder.file(folder, algorithm(), TrainerStateFolder.REPLAY);
    ReplayBuffer loaded = ReplayBuffer.load(replayFile);
    if (!loaded.config().equals(buffer.config())) {
      throw new UserInputException(
          replayFile
              + ": the buffer was saved with "
              + loaded.config()
              + ", expected the configured "
              + buffer.config()
              + " ("
              + replayKey()
              + " must not change on resume)");
    }
    for (Map.Entry<String, StateFile> file : stateFiles().entrySet()) {
      file.getValue().load().apply(TrainerStateFolder.file(folder, algorithm(), file.getKey()));
    }
    restore(state);
    buffer = loaded;
    random = ResumableRandom.fromState(state.randomState());
    completedSteps = state.completedSteps();
  }
}
