package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.StageKeys;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.algorithms.run.MetricsLog;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.run.RunStopped;
import dev.elmrlaif.algorithms.run.StageStore;
import dev.elmrlaif.algorithms.run.StopRequest;
import dev.elmrlaif.algorithms.run.TensorBoardWriter;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.config.ConfigPrinter;
import dev.elmrlaif.app.pipeline.StagePipeline;
import dev.elmrlaif.app.pipeline.StageReuse;
import dev.elmrlaif.domain.base.Provenance;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataRoot;
import dev.elmrlaif.domain.data.TextEncoderFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif train CONFIG}: resolves the config, makes (or reopens) the run folder, records how
 * the run was made, and runs the stage pipeline. A killed run continues with {@code --resume
 * RUN_DIR}: finished stages are skipped, the interrupted one resumes from its checkpoints. SIGTERM
 * or SIGINT stops the run after the current step with a checkpoint, says how to resume and exits
 * with 143 / 130 ({@link SignalStop}).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Run the stage pipeline of a config: data, tokenizer, pretrain, sft, rl, eval, report.")
public final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LogManager.getLogger(TrainCommand.class);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "The run's YAML config.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set trainer.learning_rate=1e-4 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--print-config",
      description = "Print every key with its value, default and description, then exit.")
  boolean printConfig;

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      description = "Write the run here instead of runs/<name>/<timestamp>/.")
  Path runDir;

  @Option(
      names = "--runs-root",
      paramLabel = "DIR",
      defaultValue = "runs",
      description = "Parent of the run folders (default: ${DEFAULT-VALUE}).")
  Path runsRoot;

  @Option(
      names = "--resume",
      paramLabel = "RUN_DIR",
      description = "Continue a killed or finished run in its folder.")
  Path resume;

  @Option(
      names = "--stage-store",
      paramLabel = "DIR",
      description =
          "Reuse finished stage outputs (data, tokenizer, pretrain, sft, rl) from DIR when their"
              + " config, data and upstream stages match, and publish new ones there; a resumed"
              + " run remembers it.")
  Path stageStore;

  /** The process environment; tests replace it. */
  Map<String, String> env = System.getenv();

  /** The clock of run-folder names and metric times; tests replace it. */
  Clock clock = Clock.systemUTC();

  /** The stages this command can run; tests replace it. */
  Supplier<StagePipeline> pipelines = Stages::pipeline;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LoadedConfig loaded = loadConfig();
    if (printConfig) {
      spec.commandLine().getOut().print(new ConfigPrinter().toYaml(loaded.config()));
      spec.commandLine().getOut().flush();
      return 0;
    }
    StagePipeline pipeline = pipelines.get();
    pipeline.plan(loaded); // unknown stages fail before anything is written
    DataRoot dataRoot = DataRoot.resolve(loaded.config().data(), env, loaded.originOf("data.root"));
    // a device the engine cannot give (device: gpu on a CPU build) fails before the run folder is
    // made
    ComputeEnvironment.requireDevice(
        DeviceSpec.parse(loaded.config().device()), loaded.config().threads());

    RunDirectory resumed = resume != null ? RunDirectory.open(resume) : null;
    // keys, endpoints: a run that cannot finish stops here, before the run folder is written
    pipeline.preflight(loaded, env, stage -> resumed != null && resumed.isStageDone(stage));
    StageReuse reuse = stageReuse(loaded, resumed);
    RunDirectory run =
        resumed != null
            ? resumed
            : runDir != null
                ? RunDirectory.createAt(runDir)
                : RunDirectory.createUnder(runsRoot, loaded.config().name(), clock);
    StopRequest stop = new StopRequest();
    try (RunLogFile log = RunLogFile.attach(run.logFile());
        SignalStop signals = SignalStop.install(stop, code -> Runtime.getRuntime().halt(code))) {
      try {
        return runPipeline(loaded, run, dataRoot, pipeline, reuse, stop);
      } catch (RunStopped e) {
        String how = "resume with: ./rlaif train --resume " + run.path();
        LOG.warn("{}; {}", e.getMessage(), how); // on the terminal and in run.log
        return e.exitCode();
      } catch (UserInputException e) {
        LOG.error("stopped: {}", e.getMessage());
        throw e;
      } catch (Exception | Error e) {
        String userError = RlaifCommand.userErrorMessage(e);
        if (userError
            != null) { // an I/O failure or a damaged file: the user's to fix, no stack trace
          LOG.error("stopped: {}", userError);
          LOG.debug("the failure", e);
          throw e;
        }
        LOG.error("internal failure", e);
        throw new LoggedFailure(run.logFile(), e);
      }
    }
  }

  private int runPipeline(
      LoadedConfig loaded,
      RunDirectory run,
      DataRoot dataRoot,
      StagePipeline pipeline,
      StageReuse reuse,
      StopRequest stop)
      throws Exception {
    RlaifConfig config = loaded.config();
    LOG.info("run {} in {}", config.name(), run.path().toAbsolutePath());
    if (resume == null) {
      run.writeConfig(new ConfigPrinter().toYaml(config));
    }
    if (reuse != null) {
      LOG.info("stage store {}", reuse.store().root());
    }
    ComputeEnvironment compute =
        ComputeEnvironment.select(DeviceSpec.parse(config.device()), config.threads());
    run.writeProvenance(provenance(loaded, dataRoot, compute));
    String host = hostName();
    TensorBoardWriter tb =
        config.logging().tensorboard()
            ? new TensorBoardWriter(run.path(), host, clock.instant().getEpochSecond())
            : null;
    try (MetricsLog metrics = new MetricsLog(run.metricsFile(), tb, clock)) {
      RunContext context =
          new RunContext(
              loaded, run, compute, metrics, ProgressReporter.of(config.logging(), env), env, stop);
      pipeline.run(context, reuse);
    }
    LOG.info("run finished: {}", run.path().toAbsolutePath());
    spec.commandLine().getOut().println(run.path());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * The stage store of {@code --stage-store}, else the one a resumed run remembers, with the keys
   * of this config and data; null when there is none. Computed before the run folder is written, so
   * data that cannot be found stops the run with nothing written.
   */
  private StageReuse stageReuse(LoadedConfig loaded, RunDirectory resumed) {
    Path dir = stageStore;
    if (dir == null && resumed != null) {
      dir = StageReuse.rememberedStore(resumed.path()).orElse(null);
    }
    if (dir == null) {
      return null;
    }
    String fingerprint = StageReuse.dataFingerprint(loaded, env);
    return new StageReuse(StageStore.at(dir), StageKeys.of(loaded, fingerprint));
  }

  private LoadedConfig loadConfig() {
    ConfigLoader loader = new ConfigLoader();
    if (resume != null) {
      if (configFile != null || !overrides.isEmpty() || runDir != null) {
        throw new UserInputException(
            "--resume continues a run with its own config.yaml; give no CONFIG, --set or --run-dir with it");
      }
      Path saved = resume.resolve(RunDirectory.CONFIG_FILE);
      if (!Files.isRegularFile(saved)) {
        throw new UserInputException(
            "--resume " + resume + ": not a run folder (no config.yaml in it)");
      }
      return loader.load(saved, List.of());
    }
    if (configFile == null) {
      if (printConfig) {
        return loader.defaults();
      }
      throw new UserInputException(
          "missing CONFIG: give a YAML file, e.g. rlaif train configs/quickstart.yaml");
    }
    return loader.load(configFile, overrides);
  }

  private Provenance provenance(
      LoadedConfig loaded, DataRoot dataRoot, ComputeEnvironment compute) {
    RlaifConfig config = loaded.config();
    List<Path> dataFiles = dataRoot.filesOf(config.data().dataset());
    Path cwd = Path.of("").toAbsolutePath();
    return new Provenance(
        Provenance.gitCommit(cwd).orElse(null),
        Provenance.gitDirty(cwd).orElse(null),
        loaded.hash(),
        loaded.file() == null ? null : loaded.file().toString(),
        dataFiles.isEmpty() ? null : Provenance.fingerprint(dataRoot.path(), dataFiles),
        dataFiles.stream().map(p -> dataRoot.path().relativize(p).toString()).toList(),
        config.seed(),
        System.getProperty("java.version"),
        compute.djlVersion(),
        compute.engineName(),
        compute.engineVersion(),
        compute.device().toString(),
        compute.intraOpThreads(),
        Runtime.getRuntime().availableProcessors(),
        hostName(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Instant.now(clock).toString(),
        ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()),
        Map.of(
            "data_root",
            dataRoot.path().toAbsolutePath().toString(),
            "data_root_source",
            dataRoot.source(),
            "text_encoder",
            TextEncoderFactory.signature(config.data())));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
