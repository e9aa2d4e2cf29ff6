package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.algorithms.config.RlConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import java.util.Map;

/**
 * The {@code eval} stage as the pipeline sees it: {@link ToyEvalStage} when the run's RL
 * environment is the synthetic CoMDP ({@code rl.environment = synthetic}), the domain evaluation
 * otherwise. The choice is made per run, from its config, because the pipeline is assembled before
 * any config is read.
 */
public final class EvalByEnvironmentStage implements Stage {
  private final Stage toy;
  private final Stage domain;

  public EvalByEnvironmentStage(Stage toy, Stage domain) {
    if (toy.name() != StageName.EVAL || domain.name() != StageName.EVAL) {
      throw new IllegalArgumentException(
          "EvalByEnvironmentStage: found stages "
              + toy.name()
              + " and "
              + domain.name()
              + ", expected two eval stages");
    }
    this.toy = toy;
    this.domain = domain;
  }

  @Override
  public StageName name() {
    return StageName.EVAL;
  }

  @Override
  public Map<String, Object> run(RunContext context) throws Exception {
    return context.config().rl().environment() == RlConfig.Environment.SYNTHETIC
        ? toy.run(context)
        : domain.run(context);
  }
}
