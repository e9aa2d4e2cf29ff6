package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * Where the contexts of RL on a domain come from (YAML section {@code rl.contexts}; the CoMDP of
 * DESIGN.md §3, paper App. H): each context is a task prompt whose slots hold
 *
 * <ul>
 *   <li>a real training entity's embedding {@code e} (share {@code real_fraction}),
 *   <li>an interpolation {@code (1−a)·e1 + a·e2} of two training entities, {@code a} uniform in
 *       [{@code interpolation_min}, {@code interpolation_max}] (share {@code
 *       interpolation_fraction}),
 *   <li>or a concept shift {@code e + s·cav} of a training entity along a concept activation vector
 *       of the slot's space, {@code s} uniform in [{@code concept_step_min}, {@code
 *       concept_step_max}] (share {@code concept_fraction});
 * </ul>
 *
 * and {@link DomainRewardConfig} says how a completion is scored. Held-out entities are never used.
 */
@RecordBuilder
public record RlContextsConfig(
    @Doc(
            "Tasks to train on; empty means every enabled task whose first slot is the model's entity kind")
        @Default("[]")
        List<String> tasks,
    @Doc("Share of contexts that are real training entities")
        @Range(min = 0, max = 1)
        @Default("0.6")
        double realFraction,
    @Doc("Share of contexts that interpolate two training entities")
        @Range(min = 0, max = 1)
        @Default("0.2")
        double interpolationFraction,
    @Doc("Share of contexts that shift a training entity along a concept direction")
        @Range(min = 0, max = 1)
        @Default("0.2")
        double conceptFraction,
    @Doc("Smallest interpolation weight a in (1-a)*e1 + a*e2")
        @Range(min = 0, max = 1)
        @Default("0.25")
        double interpolationMin,
    @Doc("Largest interpolation weight a") @Range(min = 0, max = 1) @Default("0.75")
        double interpolationMax,
    @Doc("Smallest concept step s in e + s*cav (cav has unit norm)") @Default("0.1")
        double conceptStepMin,
    @Doc("Largest concept step s") @Default("0.5") double conceptStepMax,
    @Doc("Concepts to shift along, by name; empty means every concept of the slot's space")
        @Default("[]")
        List<String> concepts,
    @Doc("The reward r(y, c): consistency weights and penalties") DomainRewardConfig reward)
    implements RlContextsConfigBuilder.With {

  public RlContextsConfig {
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    concepts = concepts == null ? List.of() : List.copyOf(concepts);
    double total = realFraction + interpolationFraction + conceptFraction;
    if (Math.abs(total - 1) > 1e-9) {
      throw new ConfigException(
          "",
          "real_fraction + interpolation_fraction + concept_fraction = " + total + ", expected 1");
    }
    if (interpolationMin > interpolationMax) {
      throw new ConfigException(
          "",
          "interpolation_min "
              + interpolationMin
              + " > interpolation_max "
              + interpolationMax
              + ", expected min <= max");
    }
    if (conceptStepMin > conceptStepMax) {
      throw new ConfigException(
          "",
          "concept_step_min "
              + conceptStepMin
              + " and concept_step_max "
              + conceptStepMax
              + ", expected finite values with min <= max");
    }
    if (reward == null) {
      throw new ConfigException("reward", "missing, expected the reward weights");
    }
  }

  /**
   * Every task of the model's kind; 60 % real entities, 20 % interpolations with {@code a} in
   * [0.25, 0.75], 20 % concept shifts with {@code s} in [0.1, 0.5] along any concept; {@link
   * DomainRewardConfig#defaults()}.
   */
  public static RlContextsConfig defaults() {
    return ConfigKeys.defaults(RlContextsConfig.class);
  }
}
