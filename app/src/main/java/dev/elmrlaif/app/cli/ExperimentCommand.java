package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.ExperimentName;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.LoggingConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.algorithms.run.MetricsLog;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.train.TrainingSetup;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.EvalStage;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif experiment NAME RUN_DIR}: runs one experiment on hypothetical vectors ({@code
 * interpolation} or {@code concepts}, paper Sec. 4) on a finished run's trained models with the
 * run's own config (its {@code eval} section sets pairs, weights, steps and concepts), without
 * training or evaluating again; writes {@code RUN_DIR/experiments/NAME.json} and the figures under
 * {@code experiments.NAME} in {@code eval.json}, then prints the files' paths.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description =
        "Run an experiment on hypothetical vectors (interpolation, concepts) on a finished run.")
public final class ExperimentCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "interpolation or concepts")
  String name;

  @Parameters(
      index = "1",
      paramLabel = "RUN_DIR",
      description = "A run folder made by `rlaif train` whose sft stage finished.")
  Path runDir;

  /** The process environment; tests replace it. */
  Map<String, String> env = System.getenv();

  /** Where the experiment finds its config sections and the prepared data; tests replace it. */
  Supplier<TrainingSetup> setups = TrainingSetup::fromRunConfig;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // 1. the arguments, checked before anything is read or written
    ExperimentName experiment =
        Arrays.stream(ExperimentName.values())
            .filter(e -> e.key().equals(name.toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(
                () ->
                    new UserInputException(
                        "experiment NAME: unknown experiment '"
                            + name
                            + "'; expected one of "
                            + Arrays.stream(ExperimentName.values())
                                .map(ExperimentName::key)
                                .toList()));
    RunDirectory.requireRunFolder(runDir, runDir.toString());
    // 2. the run's config, data and models
    LoadedConfig loaded =
        new ConfigLoader().load(runDir.resolve(RunDirectory.CONFIG_FILE), List.of());
    RunDirectory run = RunDirectory.open(runDir);
    ComputeEnvironment compute =
        ComputeEnvironment.select(
            DeviceSpec.parse(loaded.config().device()), loaded.config().threads());
    Map<String, Path> files;
    try (MetricsLog metrics = new MetricsLog(run.metricsFile(), null, Clock.systemUTC())) {
      ProgressReporter progress =
          ProgressReporter.of(
              loaded
                  .config()
                  .logging()
                  .with(b -> b.progress(LoggingConfig.ProgressMode.OFF).tensorboard(false)),
              env);
      RunContext context = new RunContext(loaded, run, compute, metrics, progress, env);
      TrainingSetup setup = setups.get();
      PreparedData data = setup.data().apply(context);
      EvalConfig config = setup.eval().apply(context.config());
      // 3. the experiment, its files
      files =
          EvalStage.runExperiments(
              context,
              data,
              config,
              List.of(experiment),
              EvalStage.modelsByStage(run.path(), data));
    }
    files.values().forEach(file -> spec.commandLine().getOut().println(file));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
