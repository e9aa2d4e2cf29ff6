package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Map;

/**
 * Settings of the {@code rl} stage (YAML section {@code rl}): which algorithms to run, for how many
 * steps on how many contexts each, where contexts and rewards come from, how often to checkpoint
 * and log, and the per-sequence KL budget the run must stay within. Each algorithm's own settings
 * are in its section ({@code reinforce}, ...).
 */
@RecordBuilder
public record RlConfig(
    @Doc("Algorithms to train, each from the same starting policy: reinforce, sac, soft_q")
        @Default("[reinforce]")
        List<RlAlgorithm> algorithms,
    @Doc("Training steps per algorithm and entity kind") @Range(min = 1) @Default("200") int steps,
    @Doc(
            "Training steps for the models of the named entity kinds instead of `steps`, e.g. {user:"
                + " 25}; a kind the run has no supervised model of is refused when the stage starts")
        @Default("{}")
        Map<String, Integer> stepsByKind,
    @Doc("Contexts per step (each algorithm draws its own completions for them)")
        @Range(min = 1)
        @Default("4")
        int batchContexts,
    @Doc("Save a full-state checkpoint every N steps; 0 disables") @Range(min = 0) @Default("50")
        int checkpointEvery,
    @Doc("Write the step metrics every N steps") @Range(min = 1) @Default("1") int logEvery,
    @Doc(
            "synthetic: the toy CoMDP of the `synthetic` section; domain: the tasks of the prepared data")
        @Default("domain")
        Environment environment,
    @Doc("Per-sequence KL(pi || pi_ref) in nats the run must stay within; a warning when exceeded")
        @Range(min = 0, minExclusive = true)
        @Default("10.0")
        double klBudget,
    @Doc("When the training-health warnings fire") RlWarningsConfig warnings,
    @Doc("Domain environment: where contexts come from and how completions are scored")
        RlContextsConfig contexts)
    implements RlConfigBuilder.With {

  /** Where an RL run's contexts and rewards come from. */
  public enum Environment {
    /** The synthetic CoMDP of the {@code synthetic} section, with a tiny ELM as the policy. */
    SYNTHETIC,
    /** The prepared domain's tasks and reward models, starting from each supervised model. */
    DOMAIN
  }

  public RlConfig {
    if (algorithms == null || algorithms.isEmpty()) {
      throw new ConfigException(
          "algorithms",
          "found " + algorithms + ", expected a non-empty list of reinforce, sac, soft_q");
    }
    algorithms = List.copyOf(algorithms);
    if (algorithms.stream().distinct().count() != algorithms.size()) {
      throw new ConfigException(
          "algorithms", "found " + algorithms + ", expected each algorithm once");
    }
    if (stepsByKind != null) {
      for (Map.Entry<String, Integer> entry : stepsByKind.entrySet()) {
        if (entry.getValue() == null || entry.getValue() < 1) {
          throw new ConfigException(
              "steps_by_kind." + entry.getKey(),
              "found " + entry.getValue() + ", expected a step count >= 1");
        }
      }
    }
    stepsByKind = Map.copyOf(stepsByKind == null ? Map.of() : stepsByKind);
    if (environment == null) {
      throw new ConfigException("environment", "missing, expected synthetic or domain");
    }
    if (warnings == null) {
      throw new ConfigException("warnings", "missing, expected a section");
    }
    if (contexts == null) {
      throw new ConfigException("contexts", "missing, expected a section");
    }
  }

  /**
   * REINFORCE for 200 steps on 4 contexts per step in the domain environment, a checkpoint every 50
   * steps, metrics every step, a KL budget of 10 nats per sequence.
   */
  public static RlConfig defaults() {
    return ConfigKeys.defaults(RlConfig.class);
  }

  /**
   * The training steps of the {@code kind} model: its {@code steps_by_kind} entry, else {@code
   * steps}.
   */
  public int stepsFor(String kind) {
    return stepsByKind.getOrDefault(kind, steps);
  }
}
