package dev.elmrlaif.algorithms.rl.stage;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.algorithms.synthetic.SyntheticConfig;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The synthetic CoMDP of the {@code synthetic} section as an {@link RlEnvironment}, with the tiny
 * ELM of {@link SyntheticElmPolicy} as the policy: every context is the one prompt {@code [0]}, the
 * reward is the configured {@code r(y)}. {@code π_ref} is "given" when the section has a {@code
 * reference_table} (a fresh ELM is first fitted to it), else "random": the ELM's own initialisation
 * from {@code synthetic.seed}. Either way the CoMDP is built on the table read back from the frozen
 * reference ELM, so {@link #figures} measure the trained policy against the exact optimum {@code π*
 * ∝ π_ref·exp(r/β)} of the model's own {@code π_ref}.
 */
public final class SyntheticRlEnvironment implements RlEnvironment, AutoCloseable {
  private final SyntheticElmPolicy toy;
  private final SyntheticCoMdp coMdp;
  private final CompletionReward reward;

  private SyntheticRlEnvironment(SyntheticElmPolicy toy, SyntheticCoMdp configured) {
    this.toy = toy;
    this.coMdp = toy.coMdp(configured::reward, configured.beta());
    this.reward = SyntheticElmPolicy.completionReward(coMdp);
  }

  /** A fresh policy and its reference, as the config describes. */
  public static SyntheticRlEnvironment create(SyntheticConfig config) {
    SyntheticCoMdp configured = SyntheticCoMdp.from(config);
    SyntheticElmPolicy toy =
        config.referenceTable().isEmpty()
            ? SyntheticElmPolicy.initialize(
                configured.mdp(), config.dModel(), DataType.FLOAT32, config.seed())
            : SyntheticElmPolicy.fittedTo(
                configured.reference(), config.dModel(), DataType.FLOAT32, config.seed());
    return new SyntheticRlEnvironment(toy, configured);
  }

  /**
   * The environment around a policy and a frozen reference restored from a checkpoint (or a saved
   * model); it owns and closes both.
   */
  public static SyntheticRlEnvironment restore(SyntheticConfig config, Elm policy, Elm reference) {
    SyntheticCoMdp configured = SyntheticCoMdp.from(config);
    return new SyntheticRlEnvironment(
        SyntheticElmPolicy.of(configured.mdp(), policy, reference), configured);
  }

  /** {@code count} copies of the CoMDP's one context, whatever the step. */
  @Override
  public List<ElmPrompt> contexts(long step, int count) {
    return Collections.nCopies(count, toy.prompt());
  }

  @Override
  public CompletionReward reward() {
    return reward;
  }

  /** The ELM being trained. */
  public Elm policy() {
    return toy.policy();
  }

  /** The frozen {@code π_ref}. */
  public Elm reference() {
    return toy.reference();
  }

  /** The CoMDP with the reference ELM's exact table. */
  public SyntheticCoMdp coMdp() {
    return coMdp;
  }

  /**
   * The trained policy against the optimum: {@code tv_to_optimum} ({@code TV(π_θ, π*)} over
   * sequences), {@code objective_trained} ({@code J(π_θ)}), {@code objective_optimal} ({@code J(π*)
   * = β log Z}), {@code kl_to_reference} ({@code KL(π_θ ‖ π_ref)}) and {@code beta}.
   */
  public Map<String, Double> figures() {
    TabularPolicy trained = toy.tabular(toy.policy());
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("tv_to_optimum", coMdp.totalVariationToOptimal(trained));
    figures.put("objective_trained", coMdp.objective(trained));
    figures.put("objective_optimal", coMdp.optimalObjective());
    figures.put("kl_to_reference", coMdp.klToReference(trained));
    figures.put("beta", coMdp.beta());
    return figures;
  }

  /** Closes the reference, then the policy. */
  @Override
  public void close() {
    toy.close();
  }
}
