package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.LoggingConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.rl.stage.EvalByEnvironmentStage;
import dev.elmrlaif.algorithms.rl.stage.ToyEvalStage;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.algorithms.run.MetricsLog;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.train.TrainingSetup;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.app.eval.EvalStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif eval RUN_DIR}: evaluates a run's trained models with the run's own config (the same
 * code as the pipeline's {@code eval} stage): on a domain, the supervised and RL models on held-out
 * entities beside the baselines; on the synthetic CoMDP, each algorithm's policy against the exact
 * optimum. Writes {@code eval.json} and {@code eval.md} into the run folder, then prints the table.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a run's checkpoints on held-out entities and write eval.json and eval.md.")
public final class EvalCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "RUN_DIR",
      description = "A run folder made by `rlaif train`.")
  Path runDir;

  /** The process environment; tests replace it. */
  Map<String, String> env = System.getenv();

  /** Where the evaluation finds its config sections and the prepared data; tests replace it. */
  Supplier<TrainingSetup> setups = TrainingSetup::fromRunConfig;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunDirectory.requireRunFolder(runDir, runDir.toString());
    LoadedConfig loaded =
        new ConfigLoader().load(runDir.resolve(RunDirectory.CONFIG_FILE), List.of());
    RunDirectory run = RunDirectory.open(runDir);
    ComputeEnvironment compute =
        ComputeEnvironment.select(
            DeviceSpec.parse(loaded.config().device()), loaded.config().threads());
    try (MetricsLog metrics = new MetricsLog(run.metricsFile(), null, Clock.systemUTC())) {
      ProgressReporter progress =
          ProgressReporter.of(
              loaded
                  .config()
                  .logging()
                  .with(b -> b.progress(LoggingConfig.ProgressMode.OFF).tensorboard(false)),
              env);
      RunContext context = new RunContext(loaded, run, compute, metrics, progress, env);
      new EvalByEnvironmentStage(new ToyEvalStage(), new EvalStage(setups.get())).run(context);
    }
    spec.commandLine()
        .getOut()
        .print(Files.readString(run.path().resolve(EvalReport.MARKDOWN_FILE)));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
