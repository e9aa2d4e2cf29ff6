package dev.elmrlaif.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The store of trajectories an off-policy learner samples from (DESIGN.md §4, "Replay buffer").
 *
 * <p><b>Storage.</b> A ring of {@link ReplayConfig#capacity()} slots, filled in insertion order and
 * evicted oldest-first (FIFO) when adding would exceed the trajectory or transition capacity. Ids
 * are unique within the buffer; priorities are updated by id.
 *
 * <p><b>Sampling</b> is with replacement and uses the buffer's own seeded {@link ResumableRandom}:
 *
 * <ul>
 *   <li>{@link #sampleTrajectories(int)}: trajectory {@code i} with probability {@code w_i / sum_j
 *       w_j}, where {@code w_i = (p_i + epsilon)^alpha} when prioritised and 1 otherwise (uniform
 *       over trajectories);
 *   <li>{@link #sampleTransitions(int)}: transition {@code (i, t)} with probability {@code w_i /
 *       sum_j w_j·len_j}, i.e. every transition of trajectory {@code i} carries the trajectory's
 *       weight. Unprioritised this is <em>uniform over transitions</em> (a long trajectory is drawn
 *       proportionally more often), not uniform over trajectories.
 * </ul>
 *
 * Importance weights are {@code (w_min / w_i)^beta} (see {@link ReplayConfig}).
 *
 * <p><b>Threads.</b> Every public method holds the buffer's lock, so one producer thread adding
 * trajectories while a learner thread samples and updates priorities is safe. Sampled trajectories
 * are immutable and stay valid after they are evicted.
 *
 * <p><b>Persistence.</b> {@link #save(Path)} writes the contents, priorities, slot positions,
 * counters and the generator's state atomically ({@link ReplayBufferFile}); {@link #load(Path)}
 * resumes exactly: the reloaded buffer draws the same samples the original would have drawn. {@link
 * #openReadOnly(Path)} opens a saved buffer for offline RL: it samples but refuses changes.
 */
public final class ReplayBuffer {
  private static final Logger LOG = LogManager.getLogger(ReplayBuffer.class);

  private final ReplayConfig config;
  private final ResumableRandom random;
  private final Trajectory[] slots;
  private final double[] priorities;
  private final SumTree trajectoryWeights;
  private final SumTree transitionWeights;
  private final Map<String, Integer> slotById = new HashMap<>();
  private final Path readOnlySource;
  private int head;
  private int size;
  private long transitionCount;
  private long insertedCount;
  private long evictedCount;
  private double maxPriority = 1.0;

  private ReplayBuffer(ReplayConfig config, ResumableRandom random, Path readOnlySource) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.slots = new Trajectory[config.capacity()];
    this.priorities = new double[config.capacity()];
    this.trajectoryWeights = new SumTree(config.capacity());
    this.transitionWeights = new SumTree(config.capacity());
    this.readOnlySource = readOnlySource;
  }

  /** An empty buffer drawing its samples from {@code random} (seed it for reproducible runs). */
  public static ReplayBuffer create(ReplayConfig config, ResumableRandom random) {
    return new ReplayBuffer(config, random, null);
  }

  /** Reloads a buffer saved by {@link #save(Path)}; it continues exactly where it was saved. */
  public static ReplayBuffer load(Path file) throws IOException {
    return ReplayBufferFile.read(file).toBuffer(file, false);
  }

  /**
   * Opens a saved buffer for offline RL: sampling works (and, like {@link #load}, continues the
   * saved random sequence); {@link #add}, {@link #updatePriority} and {@link #save} throw {@link
   * IllegalStateException}.
   */
  public static ReplayBuffer openReadOnly(Path file) throws IOException {
    return ReplayBufferFile.read(file).toBuffer(file, true);
  }

  public ReplayConfig config() {
    return config;
  }

  /** Whether this buffer was opened with {@link #openReadOnly(Path)}. */
  public boolean isReadOnly() {
    return readOnlySource != null;
  }

  /** Adds a trajectory with the largest priority seen so far, so it is sampled soon. */
  public synchronized void add(Trajectory trajectory) {
    add(trajectory, maxPriority);
  }

  /**
   * Adds a trajectory with the given priority, evicting the oldest trajectories first when the
   * trajectory or transition capacity would be exceeded.
   *
   * @throws IllegalArgumentException when the id is already stored or the trajectory alone is
   *     longer than the transition capacity
   */
  public synchronized void add(Trajectory trajectory, double priority) {
    requireWritable("add");
    Objects.requireNonNull(trajectory, "trajectory");
    double weight = samplingWeight(trajectory.id(), priority);
    if (slotById.containsKey(trajectory.id())) {
      throw new IllegalArgumentException(
          "trajectory id " + trajectory.id() + " is already in the buffer");
    }
    long max = config.maxTransitions();
    if (max > 0 && trajectory.length() > max) {
      throw new IllegalArgumentException(
          "trajectory "
              + trajectory.id()
              + " has "
              + trajectory.length()
              + " transitions, more than the buffer's maxTransitions="
              + max);
    }
    while (size == slots.length || (max > 0 && transitionCount + trajectory.length() > max)) {
      evictOldest();
    }
    int slot = (head + size) % slots.length;
    size++;
    place(slot, trajectory, priority, weight);
    insertedCount++;
  }

  /**
   * Sets the priority of a stored trajectory (e.g. its mean absolute TD error). Returns false,
   * changing nothing, when the trajectory is no longer stored: with a producer thread adding, a
   * sampled trajectory may be evicted before the learner reports its new priority.
   */
  public synchronized boolean updatePriority(String id, double priority) {
    requireWritable("updatePriority");
    double weight = samplingWeight(id, priority);
    Integer slot = slotById.get(id);
    if (slot == null) {
      return false;
    }
    setPriority(slot, priority, weight);
    return true;
  }

  /** Whether a trajectory with this id is stored. */
  public synchronized boolean contains(String id) {
    return slotById.containsKey(id);
  }

  /** The stored priority of a trajectory (before epsilon and alpha are applied). */
  public synchronized double priority(String id) {
    Integer slot = slotById.get(id);
    if (slot == null) {
      throw new IllegalArgumentException("trajectory id " + id + " is not in the buffer");
    }
    return priorities[slot];
  }

  /** Draws {@code count} trajectories with replacement, using the config's beta. */
  public synchronized List<SampledTrajectory> sampleTrajectories(int count) {
    return sampleTrajectories(count, config.beta());
  }

  /** Draws {@code count} trajectories with replacement, with importance exponent {@code beta}. */
  public synchronized List<SampledTrajectory> sampleTrajectories(int count, double beta) {
    checkSample(count, beta);
    List<SampledTrajectory> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Draw draw = draw(trajectoryWeights, beta);
      out.add(
          new SampledTrajectory(slots[draw.slot()], draw.probability(), draw.importanceWeight()));
    }
    return out;
  }

  /** Draws {@code count} transitions with replacement, using the config's beta. */
  public synchronized List<SampledTransition> sampleTransitions(int count) {
    return sampleTransitions(count, config.beta());
  }

  /**
   * Draws {@code count} transitions with replacement: a trajectory with probability proportional to
   * {@code w_i·len_i}, then a step uniformly within it, so each transition has probability {@code
   * w_i / sum_j w_j·len_j}.
   */
  public synchronized List<SampledTransition> sampleTransitions(int count, double beta) {
    checkSample(count, beta);
    List<SampledTransition> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Draw draw = draw(transitionWeights, beta);
      Trajectory trajectory = slots[draw.slot()];
      int t = random.nextInt(trajectory.length());
      out.add(new SampledTransition(trajectory, t, draw.probability(), draw.importanceWeight()));
    }
    return out;
  }

  /** Number of stored trajectories. */
  public synchronized int size() {
    return size;
  }

  /** Number of stored transitions (generated tokens over all trajectories). */
  public synchronized long transitionCount() {
    return transitionCount;
  }

  /** Trajectories ever added (the insertion counter; survives save and load). */
  public synchronized long insertedCount() {
    return insertedCount;
  }

  /** Trajectories evicted so far. */
  public synchronized long evictedCount() {
    return evictedCount;
  }

  /** The stored trajectories, oldest first. */
  public synchronized List<Trajectory> snapshot() {
    List<Trajectory> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) {
      out.add(slots[(head + k) % slots.length]);
    }
    return out;
  }

  /**
   * Writes the buffer to {@code file} atomically (temp file in the same folder, then rename), so a
   * kill during the write leaves the previous file intact.
   */
  public void save(Path file) throws IOException {
    ReplayBufferFile snapshot;
    synchronized (this) {
      requireWritable("save");
      List<Trajectory> stored = snapshot();
      double[] storedPriorities = new double[size];
      for (int k = 0; k < size; k++) {
        storedPriorities[k] = priorities[(head + k) % slots.length];
      }
      snapshot =
          new ReplayBufferFile(
              config,
              random.state(),
              insertedCount,
              evictedCount,
              maxPriority,
              head,
              stored,
              storedPriorities);
    }
    snapshot.write(file);
    LOG.debug(
        "saved replay buffer ({} trajectories, {} transitions) to {}",
        snapshot.trajectories().size(),
        snapshot.transitionCount(),
        file);
  }

  /** Rebuilds a buffer from a file's contents; used by {@link ReplayBufferFile}. */
  static ReplayBuffer restore(ReplayBufferFile file, Path readOnlySource) {
    ReplayBuffer buffer =
        new ReplayBuffer(
            file.config(), ResumableRandom.fromState(file.randomState()), readOnlySource);
    buffer.head = file.head();
    List<Trajectory> stored = file.trajectories();
    for (int k = 0; k < stored.size(); k++) {
      double priority = file.priorities()[k];
      buffer.size++;
      buffer.place(
          (file.head() + k) % buffer.slots.length,
          stored.get(k),
          priority,
          buffer.samplingWeight(stored.get(k).id(), priority));
    }
    buffer.insertedCount = file.insertedCount();
    buffer.evictedCount = file.evictedCount();
    buffer.maxPriority = file.maxPriority();
    return buffer;
  }

  private void place(int slot, Trajectory trajectory, double priority, double weight) {
    if (slotById.putIfAbsent(trajectory.id(), slot) != null) {
      throw new IllegalArgumentException("trajectory id " + trajectory.id() + " occurs twice");
    }
    slots[slot] = trajectory;
    transitionCount += trajectory.length();
    setPriority(slot, priority, weight);
  }

  private void evictOldest() {
    Trajectory oldest = slots[head];
    slots[head] = null;
    priorities[head] = 0;
    trajectoryWeights.set(head, 0);
    transitionWeights.set(head, 0);
    slotById.remove(oldest.id());
    transitionCount -= oldest.length();
    head = (head + 1) % slots.length;
    size--;
    evictedCount++;
  }

  private void setPriority(int slot, double priority, double weight) {
    priorities[slot] = priority;
    maxPriority = Math.max(maxPriority, priority);
    trajectoryWeights.set(slot, weight);
    transitionWeights.set(slot, weight * slots[slot].length());
  }

  /**
   * Checks a priority and returns its sampling weight {@code (p + epsilon)^alpha} (1 when not
   * prioritised), before anything is changed.
   */
  private double samplingWeight(String id, double priority) {
    if (!(priority >= 0) || Double.isInfinite(priority)) {
      throw new IllegalArgumentException(
          "priority of trajectory "
              + id
              + ": found "
              + priority
              + ", expected a finite value >= 0");
    }
    double weight =
        config.prioritised() ? Math.pow(priority + config.epsilon(), config.alpha()) : 1.0;
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "priority "
              + priority
              + " of trajectory "
              + id
              + " gives sampling weight "
              + weight
              + "; expected a positive finite weight (raise epsilon)");
    }
    return weight;
  }

  /** One draw: a ring slot, the probability of the drawn unit and its importance weight. */
  private record Draw(int slot, double probability, double importanceWeight) {}

  /**
   * Draws a slot proportionally to {@code tree}'s leaves (trajectory weights {@code w_i}, or {@code
   * w_i·len_i} for transitions). The drawn trajectory, or each of its transitions, has probability
   * {@code w_i / tree.total()} and importance weight {@code (w_min / w_i)^beta}.
   */
  private Draw draw(SumTree tree, double beta) {
    double total = tree.total();
    int slot = tree.find(random.nextDouble() * total);
    double weight = trajectoryWeights.get(slot);
    double importance = beta == 0 ? 1.0 : Math.pow(trajectoryWeights.minPositive() / weight, beta);
    return new Draw(slot, weight / total, importance);
  }

  private void checkSample(int count, double beta) {
    if (count < 0) {
      throw new IllegalArgumentException("sample count: found " + count + ", expected >= 0");
    }
    ReplayConfig.checkBeta(beta);
    if (size == 0 && count > 0) {
      throw new IllegalStateException("cannot sample from an empty replay buffer");
    }
  }

  private void requireWritable(String operation) {
    if (readOnlySource != null) {
      throw new IllegalStateException(
          "replay buffer opened read-only from "
              + readOnlySource
              + ": "
              + operation
              + " is not allowed");
    }
  }
}
