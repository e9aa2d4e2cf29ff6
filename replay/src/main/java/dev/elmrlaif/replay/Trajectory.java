package dev.elmrlaif.replay;

import com.google.common.collect.ImmutableMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished episode of the CoMDP (DESIGN.md §3), as the replay buffer stores it: the context
 * (one domain-embedding vector per entity slot, the task id and the prompt token ids), the tokens
 * the policy generated, the log-probabilities the behaviour policy and the frozen reference policy
 * gave them, the rewards and the version of the policy that produced it.
 *
 * <p>Immutable: arrays are copied on the way in and on the way out, so a trajectory handed to the
 * learner thread can never change under it. Build one with {@link #builder(String)}; the builder
 * checks that the per-action arrays all have one entry per action token.
 *
 * <p>Indexing: action {@code t} (0-based) is taken in state {@code s_t = prompt + actions[0..t)};
 * the episode has {@link #length()} transitions and the terminal reward belongs to the last one.
 */
public final class Trajectory {
  private final String id;
  private final String taskId;
  private final float[][] contexts;
  private final int[] promptIds;
  private final int[] actionIds;
  private final double[] behaviourLogProbs;
  private final double[] referenceLogProbs;
  private final double reward;
  private final ImmutableMap<String, Double> rewardComponents;
  private final double[] tokenRewards;
  private final long policyVersion;

  private Trajectory(Builder b) {
    this.id = b.id;
    this.taskId = b.taskId;
    this.contexts = deepCopy(b.contexts);
    this.promptIds = b.promptIds.clone();
    this.actionIds = b.actionIds.clone();
    this.behaviourLogProbs = b.behaviourLogProbs.clone();
    this.referenceLogProbs = b.referenceLogProbs.clone();
    this.reward = b.reward;
    this.rewardComponents = ImmutableMap.copyOf(b.rewardComponents);
    this.tokenRewards = b.tokenRewards == null ? null : b.tokenRewards.clone();
    this.policyVersion = b.policyVersion;
  }

  /**
   * Starts a trajectory with the given stable id (unique within a buffer, e.g. "run7/step12/3").
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Stable id: priorities are updated by it and it survives save and load. */
  public String id() {
    return id;
  }

  /** The task whose prompt template produced {@link #promptIds()}. */
  public String taskId() {
    return taskId;
  }

  /** Number of entity slots, i.e. of context vectors. */
  public int contextCount() {
    return contexts.length;
  }

  /** A copy of the context vector of entity slot {@code slot}. */
  public float[] context(int slot) {
    return contexts[slot].clone();
  }

  /** A copy of all context vectors, one row per entity slot. */
  public float[][] contexts() {
    return deepCopy(contexts);
  }

  /** A copy of the prompt token ids (placeholders included). */
  public int[] promptIds() {
    return promptIds.clone();
  }

  /** A copy of the generated token ids, one per transition. */
  public int[] actionIds() {
    return actionIds.clone();
  }

  /** The token generated at step {@code t}. */
  public int action(int t) {
    return actionIds[t];
  }

  /** Number of generated tokens, which is the number of transitions. */
  public int length() {
    return actionIds.length;
  }

  /** A copy of log mu(a_t|s_t) under the behaviour policy that generated the tokens. */
  public double[] behaviourLogProbs() {
    return behaviourLogProbs.clone();
  }

  /** A copy of log pi_ref(a_t|s_t) under the frozen reference policy. */
  public double[] referenceLogProbs() {
    return referenceLogProbs.clone();
  }

  /**
   * The terminal reward r(y, c) (the weighted sum of the components, as the reward model gave it).
   */
  public double reward() {
    return reward;
  }

  /** The named reward components, in the order they were added (e.g. sc=0.7, bc=0.2). */
  public ImmutableMap<String, Double> rewardComponents() {
    return rewardComponents;
  }

  /** A copy of the per-token rewards when the reward model gave them, one per action. */
  public Optional<double[]> tokenRewards() {
    return tokenRewards == null ? Optional.empty() : Optional.of(tokenRewards.clone());
  }

  /** The version (update count) of the policy that generated this trajectory. */
  public long policyVersion() {
    return policyVersion;
  }

  /**
   * The token ids of state {@code s_t}: the prompt followed by the first {@code t} actions, for
   * {@code 0 <= t <= length()} ({@code t == length()} is the terminal state).
   */
  public int[] stateTokens(int t) {
    if (t < 0 || t > actionIds.length) {
      throw new IndexOutOfBoundsException(
          "state index t=" + t + " outside [0, " + actionIds.length + "] of trajectory " + id);
    }
    int[] state = Arrays.copyOf(promptIds, promptIds.length + t);
    System.arraycopy(actionIds, 0, state, promptIds.length, t);
    return state;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Trajectory other)) {
      return false;
    }
    return id.equals(other.id)
        && taskId.equals(other.taskId)
        && Arrays.deepEquals(contexts, other.contexts)
        && Arrays.equals(promptIds, other.promptIds)
        && Arrays.equals(actionIds, other.actionIds)
        && Arrays.equals(behaviourLogProbs, other.behaviourLogProbs)
        && Arrays.equals(referenceLogProbs, other.referenceLogProbs)
        && Double.compare(reward, other.reward) == 0
        && rewardComponents.equals(other.rewardComponents)
        && Arrays.equals(tokenRewards, other.tokenRewards)
        && policyVersion == other.policyVersion;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, taskId, Arrays.hashCode(actionIds), reward, policyVersion);
  }

  @Override
  public String toString() {
    return "Trajectory{id="
        + id
        + ", task="
        + taskId
        + ", length="
        + actionIds.length
        + ", reward="
        + reward
        + ", policyVersion="
        + policyVersion
        + "}";
  }

  private static float[][] deepCopy(float[][] rows) {
    float[][] copy = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      copy[i] = rows[i].clone();
    }
    return copy;
  }

  /** Collects the fields of a {@link Trajectory}; {@link #build()} validates them together. */
  public static final class Builder {
    private final String id;
    private String taskId = "";
    private float[][] contexts = new float[0][];
    private int[] promptIds = new int[0];
    private int[] actionIds;
    private double[] behaviourLogProbs;
    private double[] referenceLogProbs;
    private double reward = Double.NaN;
    private final Map<String, Double> rewardComponents = new LinkedHashMap<>();
    private double[] tokenRewards;
    private long policyVersion;

    private Builder(String id) {
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException(
            "trajectory id: found empty, expected a non-empty string");
      }
      this.id = id;
    }

    public Builder taskId(String taskId) {
      this.taskId = Objects.requireNonNull(taskId, "taskId");
      return this;
    }

    /** Context vectors, one per entity slot (copied). */
    public Builder contexts(float[]... contexts) {
      for (int i = 0; i < contexts.length; i++) {
        Objects.requireNonNull(contexts[i], "contexts[" + i + "]");
      }
      this.contexts = deepCopy(contexts);
      return this;
    }

    public Builder promptIds(int... promptIds) {
      this.promptIds = promptIds.clone();
      return this;
    }

    public Builder actionIds(int... actionIds) {
      this.actionIds = actionIds.clone();
      return this;
    }

    public Builder behaviourLogProbs(double... logProbs) {
      this.behaviourLogProbs = logProbs.clone();
      return this;
    }

    public Builder referenceLogProbs(double... logProbs) {
      this.referenceLogProbs = logProbs.clone();
      return this;
    }

    /** The terminal reward r(y, c). */
    public Builder reward(double reward) {
      this.reward = reward;
      return this;
    }

    /** Adds one named reward component (order is kept). */
    public Builder rewardComponent(String name, double value) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("reward component name: found empty, expected a name");
      }
      rewardComponents.put(name, value);
      return this;
    }

    /** Per-token rewards, one per action; leave unset when the reward is terminal only. */
    public Builder tokenRewards(double... tokenRewards) {
      this.tokenRewards = tokenRewards.clone();
      return this;
    }

    public Builder policyVersion(long policyVersion) {
      this.policyVersion = policyVersion;
      return this;
    }

    /** Checks that every per-action array has one entry per action and builds the trajectory. */
    public Trajectory build() {
      if (actionIds == null) {
        throw new IllegalArgumentException("trajectory " + id + ": actionIds not set");
      }
      int n = actionIds.length;
      if (n == 0) {
        throw new IllegalArgumentException(
            "trajectory "
                + id
                + ": actionIds is empty, expected at"
                + " least one generated token (an episode ends at EOS or after H tokens)");
      }
      requireLength("behaviourLogProbs", behaviourLogProbs, n);
      requireLength("referenceLogProbs", referenceLogProbs, n);
      if (tokenRewards != null) {
        requireLength("tokenRewards", tokenRewards, n);
      }
      if (Double.isNaN(reward)) {
        throw new IllegalArgumentException("trajectory " + id + ": reward not set (found NaN)");
      }
      if (policyVersion < 0) {
        throw new IllegalArgumentException(
            "trajectory " + id + ": policyVersion=" + policyVersion + ", expected >= 0");
      }
      return new Trajectory(this);
    }

    private void requireLength(String field, double[] values, int expected) {
      if (values == null) {
        throw new IllegalArgumentException("trajectory " + id + ": " + field + " not set");
      }
      if (values.length != expected) {
        throw new IllegalArgumentException(
            "trajectory "
                + id
                + ": "
                + field
                + " has "
                + values.length
                + " entries, expected one per action ("
                + expected
                + ")");
      }
    }
  }
}
