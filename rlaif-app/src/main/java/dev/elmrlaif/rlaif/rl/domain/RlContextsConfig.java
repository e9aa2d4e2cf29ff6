package dev.elmrlaif.rlaif.rl.domain;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.Range;
import java.util.List;

/**
 * Where the contexts of RL on a domain come from (YAML section {@code rl.contexts}; the CoMDP of
 * DESIGN.md §3, paper App. H): each context is a task prompt whose slots hold
 *
 * <ul>
 *   <li>a real training entity's embedding {@code e} (share {@code real_fraction}),
 *   <li>an interpolation {@code (1−a)·e1 + a·e2} of two training entities, {@code a} uniform in
 *       [{@code interpolation_min}, {@code interpolation_max}] (share {@code interpolation_fraction}),
 *   <li>or a concept shift {@code e + s·cav} of a training entity along a concept activation vector
 *       of the slot's space, {@code s} uniform in [{@code concept_step_min}, {@code concept_step_max}]
 *       (share {@code concept_fraction});
 * </ul>
 *
 * and {@link DomainRewardConfig} says how a completion is scored. Held-out entities are never used.
 */
public record RlContextsConfig(
    @Doc("Tasks to train on; empty means every enabled task whose first slot is the model's entity kind")
        List<String> tasks,
    @Doc("Share of contexts that are real training entities") @Range(min = 0, max = 1) double realFraction,
    @Doc("Share of contexts that interpolate two training entities") @Range(min = 0, max = 1)
        double interpolationFraction,
    @Doc("Share of contexts that shift a training entity along a concept direction") @Range(min = 0, max = 1)
        double conceptFraction,
    @Doc("Smallest interpolation weight a in (1-a)*e1 + a*e2") @Range(min = 0, max = 1) double interpolationMin,
    @Doc("Largest interpolation weight a") @Range(min = 0, max = 1) double interpolationMax,
    @Doc("Smallest concept step s in e + s*cav (cav has unit norm)") double conceptStepMin,
    @Doc("Largest concept step s") double conceptStepMax,
    @Doc("Concepts to shift along, by name; empty means every concept of the slot's space") List<String> concepts,
    @Doc("The reward r(y, c): consistency weights and penalties") DomainRewardConfig reward) {

  public RlContextsConfig {
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    concepts = concepts == null ? List.of() : List.copyOf(concepts);
    requireShare("real_fraction", realFraction);
    requireShare("interpolation_fraction", interpolationFraction);
    requireShare("concept_fraction", conceptFraction);
    double total = realFraction + interpolationFraction + conceptFraction;
    if (Math.abs(total - 1) > 1e-9) {
      throw new UserInputException("rl.contexts: real_fraction + interpolation_fraction + concept_fraction = "
          + total + ", expected 1");
    }
    requireShare("interpolation_min", interpolationMin);
    requireShare("interpolation_max", interpolationMax);
    if (interpolationMin > interpolationMax) {
      throw new UserInputException("rl.contexts: interpolation_min " + interpolationMin + " > interpolation_max "
          + interpolationMax + ", expected min <= max");
    }
    if (!Double.isFinite(conceptStepMin) || !Double.isFinite(conceptStepMax) || conceptStepMin > conceptStepMax) {
      throw new UserInputException("rl.contexts: concept_step_min " + conceptStepMin + " and concept_step_max "
          + conceptStepMax + ", expected finite values with min <= max");
    }
    if (reward == null) {
      throw new UserInputException("rl.contexts.reward: missing, expected the reward weights");
    }
  }

  /**
   * Every task of the model's kind; 60 % real entities, 20 % interpolations with {@code a} in
   * [0.25, 0.75], 20 % concept shifts with {@code s} in [0.1, 0.5] along any concept;
   * {@link DomainRewardConfig#defaults()}.
   */
  public static RlContextsConfig defaults() {
    return new RlContextsConfig(List.of(), 0.6, 0.2, 0.2, 0.25, 0.75, 0.1, 0.5, List.of(),
        DomainRewardConfig.defaults());
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds an {@link RlContextsConfig} field by field; {@link #build()} validates. */
  public static final class Builder {
    private List<String> tasks;
    private double realFraction;
    private double interpolationFraction;
    private double conceptFraction;
    private double interpolationMin;
    private double interpolationMax;
    private double conceptStepMin;
    private double conceptStepMax;
    private List<String> concepts;
    private DomainRewardConfig reward;

    private Builder(RlContextsConfig from) {
      tasks = from.tasks;
      realFraction = from.realFraction;
      interpolationFraction = from.interpolationFraction;
      conceptFraction = from.conceptFraction;
      interpolationMin = from.interpolationMin;
      interpolationMax = from.interpolationMax;
      conceptStepMin = from.conceptStepMin;
      conceptStepMax = from.conceptStepMax;
      concepts = from.concepts;
      reward = from.reward;
    }

    public Builder tasks(List<String> value) {
      tasks = value;
      return this;
    }

    /** The three shares of real entities, interpolations and concept shifts (they must sum to 1). */
    public Builder fractions(double real, double interpolation, double concept) {
      realFraction = real;
      interpolationFraction = interpolation;
      conceptFraction = concept;
      return this;
    }

    /** The range of the interpolation weight {@code a}. */
    public Builder interpolation(double min, double max) {
      interpolationMin = min;
      interpolationMax = max;
      return this;
    }

    /** The range of the concept step {@code s}. */
    public Builder conceptStep(double min, double max) {
      conceptStepMin = min;
      conceptStepMax = max;
      return this;
    }

    public Builder concepts(List<String> value) {
      concepts = value;
      return this;
    }

    public Builder reward(DomainRewardConfig value) {
      reward = value;
      return this;
    }

    public RlContextsConfig build() {
      return new RlContextsConfig(tasks, realFraction, interpolationFraction, conceptFraction, interpolationMin,
          interpolationMax, conceptStepMin, conceptStepMax, concepts, reward);
    }
  }

  private static void requireShare(String key, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new UserInputException("rl.contexts." + key + ": found " + value + ", expected a value in [0, 1]");
    }
  }
}
