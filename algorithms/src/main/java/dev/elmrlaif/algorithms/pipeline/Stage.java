package dev.elmrlaif.algorithms.pipeline;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import java.util.Map;

/**
 * One step of a training run (data, tokenizer, pretrain, sft, rl, eval, report). A stage reads what
 * earlier stages wrote into the run folder and writes its outputs into {@code
 * run.stageDir(name())}. A stage that can be interrupted resumes from its own checkpoints when run
 * again in the same folder; once it returns, the pipeline marks it done and skips it on resume.
 */
public interface Stage {
  /** Which stage this is. */
  StageName name();

  /**
   * Runs the stage.
   *
   * @return what the completion marker should remember (sizes, figures, output paths)
   */
  Map<String, Object> run(RunContext context) throws Exception;

  /**
   * Checks, before the run folder is written, what this stage needs from outside the config
   * (environment variables, endpoints that must answer), so a run that cannot finish stops at once
   * with one line; by default nothing.
   *
   * @param env the process environment
   * @throws dev.elmrlaif.domain.base.UserInputException naming the config key at fault
   */
  default void preflight(LoadedConfig loaded, Map<String, String> env) {}
}
