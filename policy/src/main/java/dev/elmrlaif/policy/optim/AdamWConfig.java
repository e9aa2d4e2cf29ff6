package dev.elmrlaif.policy.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Hyperparameters of {@link AdamW}; the learning rate itself comes from a {@link
 * LearningRateSchedule}. Defaults are {@code torch.optim.AdamW}'s: betas (0.9, 0.999), eps 1e-8,
 * weight decay 0.01.
 *
 * @param beta1 decay of the first-moment average, in [0, 1)
 * @param beta2 decay of the second-moment average, in [0, 1)
 * @param epsilon added to {@code sqrt(v_hat)} in the denominator, {@code > 0}
 * @param weightDecay decoupled weight decay {@code lambda} of parameters no group claims
 * @param groups per-group settings; a parameter takes the first group whose predicate accepts its
 *     name, otherwise learning-rate scale 1 and {@link #weightDecay()}
 * @param kernel how each parameter's update is computed
 */
public record AdamWConfig(
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    List<OptimizerGroup> groups,
    AdamWKernel kernel) {

  /** The label of the implicit group of parameters that no configured group claims. */
  public static final String DEFAULT_GROUP = "default";

  public AdamWConfig {
    requireInUnitInterval("beta1", beta1);
    requireInUnitInterval("beta2", beta2);
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be a finite number > 0, found " + epsilon);
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weightDecay must be a finite number >= 0, found " + weightDecay);
    }
    if (groups == null) {
      throw new IllegalArgumentException("groups must be a list (possibly empty), found null");
    }
    groups = List.copyOf(groups);
    if (kernel == null) {
      throw new IllegalArgumentException("kernel must be HAND_WRITTEN or NATIVE, found null");
    }
  }

  private static void requireInUnitInterval(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), found " + value);
    }
  }

  /** PyTorch's defaults, no groups, the hand-written kernel. */
  public static AdamWConfig defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The settings for parameter {@code name}: its first matching group or the default group. */
  public OptimizerGroup groupFor(String name) {
    for (OptimizerGroup group : groups) {
      if (group.members().test(name)) {
        return group;
      }
    }
    return new OptimizerGroup(DEFAULT_GROUP, all -> true, 1.0, weightDecay);
  }

  /** Builds an {@link AdamWConfig}; validation happens in {@link #build()}. */
  public static final class Builder {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay = 0.01;
    private final List<OptimizerGroup> groups = new ArrayList<>();
    private AdamWKernel kernel = AdamWKernel.HAND_WRITTEN;

    private Builder() {}

    public Builder betas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    public Builder epsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Adds a group; groups are tried in the order they are added. */
    public Builder group(OptimizerGroup group) {
      groups.add(group);
      return this;
    }

    /** Exempts biases, LayerNorm parameters and embeddings from weight decay. */
    public Builder noDecayOnBiasNormAndEmbeddings() {
      return group(OptimizerGroup.noWeightDecay("no-decay", OptimizerGroup::isBiasNormOrEmbedding));
    }

    public Builder kernel(AdamWKernel kernel) {
      this.kernel = kernel;
      return this;
    }

    public AdamWConfig build() {
      return new AdamWConfig(beta1, beta2, epsilon, weightDecay, groups, kernel);
    }
  }
}
