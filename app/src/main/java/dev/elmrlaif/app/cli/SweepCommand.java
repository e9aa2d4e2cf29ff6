package dev.elmrlaif.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.run.StageStore;
import dev.elmrlaif.algorithms.run.StopRequest;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.app.pipeline.StageReusePlan;
import dev.elmrlaif.app.sweep.ExecutorSettings;
import dev.elmrlaif.app.sweep.JvmLauncher;
import dev.elmrlaif.app.sweep.LocalExecutor;
import dev.elmrlaif.app.sweep.SlurmExecutor;
import dev.elmrlaif.app.sweep.SweepLeaderboard;
import dev.elmrlaif.app.sweep.SweepPoint;
import dev.elmrlaif.app.sweep.SweepResults;
import dev.elmrlaif.app.sweep.SweepSpec;
import dev.elmrlaif.app.sweep.SweepState;
import dev.elmrlaif.app.sweep.Trial;
import dev.elmrlaif.app.sweep.TrialExecutor;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif sweep SWEEP.yaml}: runs every trial of a sweep ({@link SweepSpec}: a grid or random
 * draws, each once per seed) as an ordinary {@code rlaif train} run in its own folder under the
 * sweep folder, each in a separate process started by a {@link TrialExecutor} ({@code local}: as
 * many JVMs at once as the core budget allows; {@code slurm}: one {@code sbatch} job array), and
 * keeps {@code results.csv} / {@code results.jsonl} ({@link SweepResults}) and {@code
 * leaderboard.md} / {@code report.html} ({@link SweepLeaderboard}) up to date as trials start and
 * end.
 *
 * <p>Every trial's config is resolved, and the executor checked ({@code sbatch} there and
 * answering), before anything is written, so a bad key, value or cluster stops the sweep with exit
 * code 2 and nothing written or submitted. A failed trial is retried up to {@code executor.retries}
 * times, then recorded with its error and the sweep goes on; the exit code is then 1. {@code rlaif
 * sweep --resume SWEEP_DIR} continues a killed sweep (even {@code kill -9}): finished trials are
 * kept, trials still running (a process or an array task the killed sweep left) are followed, an
 * interrupted run resumes from its checkpoints, failed and cancelled trials start again, the rest
 * start. SIGTERM or SIGINT stops the running trials with a checkpoint and ends the sweep with 143 /
 * 130.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description =
        "Run a grid or random search of training runs (locally or on Slurm) and rank their"
            + " eval.json figures.")
public final class SweepCommand implements Callable<Integer> {
  /** The sweep folder's record of its spec and where the base config is. */
  static final String PLAN_FILE = "sweep.json";

  /** The sweep file as given, copied into the sweep folder. */
  static final String SPEC_COPY = "sweep.yaml";

  /** The folder of the trials' logs (their stdout and stderr) in the sweep folder. */
  static final String LOGS = "logs";

  private static final Logger LOG = LogManager.getLogger(SweepCommand.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SWEEP",
      description = "The sweep's YAML file.")
  Path sweepFile;

  @Option(
      names = "--sweep-dir",
      paramLabel = "DIR",
      description = "Write the sweep here instead of runs/<name>/<timestamp>/.")
  Path sweepDir;

  @Option(
      names = "--runs-root",
      paramLabel = "DIR",
      defaultValue = "runs",
      description = "Parent of the sweep folders (default: ${DEFAULT-VALUE}).")
  Path runsRoot;

  @Option(
      names = "--resume",
      paramLabel = "SWEEP_DIR",
      description = "Continue a killed sweep in its folder.")
  Path resume;

  @Option(
      names = "--executor",
      paramLabel = "KIND",
      description = "Run the trials with this executor (local or slurm) instead of the file's.")
  ExecutorSettings.Kind executorKind;

  @Option(
      names = "--dry-run",
      description = "Resolve every trial's config, print each trial's command and exit.")
  boolean dryRun;

  @Option(
      names = "--stage-store",
      paramLabel = "DIR",
      description =
          "Every trial reuses and publishes stage outputs in DIR (rlaif train --stage-store), so"
              + " trials that differ only in later stages train the earlier ones once (default:"
              + " SWEEP_DIR/stages; give a shared folder to reuse stages across sweeps).")
  Path stageStore;

  @Option(
      names = "--no-stage-store",
      description = "Every trial trains every stage itself (e.g. to time a sweep without reuse).")
  boolean noStageStore;

  /** The folder, inside a sweep folder, of its own stage store unless --stage-store names one. */
  static final String STAGES = "stages";

  /** The clock of sweep-folder names; tests replace it. */
  Clock clock = Clock.systemUTC();

  /** The environment of the Slurm commands (their PATH, SLURM_CONF); tests replace it. */
  Map<String, String> env = System.getenv();

  /** Makes the executor of a sweep (its settings, the sweep folder); tests replace it. */
  BiFunction<SweepSpec, Path, TrialExecutor> executors = this::executor;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    // 1. The sweep and every trial's resolved config: a mistake stops here, nothing written.
    SweepSpec sweep = resume != null ? reopen(resume) : load();
    if (executorKind != null) {
      sweep = sweep.withExecutor(sweep.executor().withKind(executorKind));
    }
    List<SweepPoint> points = sweep.points();
    List<LoadedConfig> configs = new ArrayList<>();
    for (SweepPoint point : points) {
      configs.add(resolve(sweep, point));
    }
    Path folder = resume != null ? resume : plannedFolder(sweep);
    Path store = stageStore(folder);
    List<Trial> trials = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      trials.add(trial(sweep, folder, i, points.get(i), store));
    }
    TrialExecutor executor = executors.apply(sweep, folder);
    if (dryRun) {
      // Each trial's line of the plan ends with what it would take from the stage store or from
      // an earlier trial of the sweep.
      StageReusePlan reuse =
          store == null ? null : new StageReusePlan(StageStore.lookIn(store), System.getenv());
      int next = 0;
      for (String line : executor.plan(trials)) {
        String id = next < trials.size() ? trials.get(next).id() : null;
        if (reuse != null
            && id != null
            && (line.startsWith(id + ":") || line.startsWith(id + " ("))) {
          line += "; " + reuse.describe(id, configs.get(next));
          next++;
        }
        spec.commandLine().getOut().println(line);
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
    // 2. The executor can start trials (sbatch there and answering): checked before writing.
    executor.preflight();

    // 3. The sweep folder, its plan and the trials' state.
    Files.createDirectories(folder);
    if (resume == null) {
      AtomicFiles.copy(sweep.file(), folder.resolve(SPEC_COPY));
      ObjectNode plan = JSON.createObjectNode();
      plan.put("spec", sweep.file().toAbsolutePath().toString());
      plan.put("base_config", sweep.baseConfig().toString());
      plan.put("name", sweep.name());
      plan.put("executor", sweep.executor().kind().name().toLowerCase(java.util.Locale.ROOT));
      plan.put("stage_store", store == null ? null : store.toString());
      AtomicFiles.writeString(folder.resolve(PLAN_FILE), JSON.writeValueAsString(plan));
    }
    SweepSpec finalSweep = sweep;
    SweepState state =
        SweepState.open(
            folder,
            points.stream().map(SweepPoint::id).toList(),
            changed -> writeResults(folder, finalSweep, points, changed));
    Map<String, LoadedConfig> configOf = new java.util.HashMap<>();
    for (int i = 0; i < points.size(); i++) {
      configOf.put(points.get(i).id(), configs.get(i));
    }
    Predicate<Trial> finished = t -> isFinished(t.runDir(), configOf.get(t.id()));
    List<Trial> todo = new ArrayList<>();
    for (Trial trial : trials) {
      if (finished.test(trial)) {
        if (state.get(trial.id()).status() != SweepState.Status.DONE) {
          SweepState.Entry e = state.get(trial.id());
          state.set(
              trial.id(),
              new SweepState.Entry(SweepState.Status.DONE, e.attempts(), null, 0, null));
        }
        LOG.info("sweep trial {}: finished earlier, kept", trial.id());
      } else {
        todo.add(trial);
      }
    }
    writeResults(folder, sweep, points, state);
    LOG.info(
        "sweep {}: {} trials ({} to run) in {}, executor {}",
        sweep.name(),
        trials.size(),
        todo.size(),
        folder.toAbsolutePath(),
        sweep.executor().kind().name().toLowerCase(java.util.Locale.ROOT));

    // 4. Run what is left; SIGTERM / SIGINT stops the trials with a checkpoint.
    StopRequest stop = new StopRequest();
    try (SignalStop signals = SignalStop.install(stop, code -> Runtime.getRuntime().halt(code))) {
      executor.run(todo, state, finished, stop);
    }
    writeResults(folder, sweep, points, state);
    if (stop.requested()) {
      String signal = stop.signal().orElse("TERM");
      LOG.warn("sweep stopped by SIG{}; resume with: ./rlaif sweep --resume {}", signal, folder);
      return StopRequest.exitCode(signal);
    }
    spec.commandLine().getOut().println(folder);
    spec.commandLine().getOut().flush();
    boolean allDone =
        state.snapshot().values().stream().allMatch(e -> e.status() == SweepState.Status.DONE);
    if (!allDone) {
      LOG.error(
          "sweep {}: some trials failed or were cancelled (see {}); ./rlaif sweep --resume {} runs"
              + " them again",
          sweep.name(),
          folder.resolve(SweepResults.CSV_FILE),
          folder);
    }
    return allDone ? 0 : 1;
  }

  /**
   * The trial of one point: its run folder, its log, and the {@code train} arguments of its first
   * attempt (later attempts resume the run folder).
   *
   * <p>This is the one place where arguments are added to every trial's {@code train} command:
   * {@code threads} from the executor (so trials running at once do not oversubscribe the cores)
   * and the sweep's stage store ({@code --stage-store}, null for none); {@link
   * SweepResults#reusedStages} reads what the store leaves in each run folder.
   */
  static Trial trial(SweepSpec sweep, Path folder, int index, SweepPoint point, Path store) {
    Path runDir = folder.resolve(point.id()).toAbsolutePath();
    List<String> args = new ArrayList<>(List.of("train", sweep.baseConfig().toString()));
    trialOverrides(sweep, point).forEach(o -> args.addAll(List.of("--set", o)));
    args.addAll(List.of("--run-dir", runDir.toString()));
    if (store != null) {
      args.addAll(List.of("--stage-store", store.toString()));
    }
    Path log = folder.resolve(LOGS).resolve(point.id() + ".log").toAbsolutePath();
    return new Trial(point.id(), index, runDir, log, args);
  }

  private TrialExecutor executor(SweepSpec sweep, Path folder) {
    JvmLauncher launcher = JvmLauncher.current(RlaifCommand.class);
    return switch (sweep.executor().kind()) {
      case LOCAL -> new LocalExecutor(sweep.executor(), launcher);
      case SLURM ->
          new SlurmExecutor(
              sweep, launcher, env, folder.toAbsolutePath(), Path.of("").toAbsolutePath());
    };
  }

  /**
   * The sweep's stage store: --no-stage-store gives none; --stage-store DIR that folder; else, on
   * --resume, the store the sweep started with, and for a new sweep SWEEP_DIR/stages.
   */
  private Path stageStore(Path folder) throws IOException {
    if (noStageStore && stageStore != null) {
      throw new UserInputException("--stage-store and --no-stage-store exclude each other");
    }
    if (noStageStore) {
      return null;
    }
    if (stageStore != null) {
      return stageStore.toAbsolutePath();
    }
    if (resume != null) {
      JsonNode saved = JSON.readTree(folder.resolve(PLAN_FILE).toFile()).path("stage_store");
      return saved.isTextual() ? Path.of(saved.asText()) : null;
    }
    return folder.resolve(STAGES).toAbsolutePath();
  }

  private SweepSpec load() {
    if (sweepFile == null) {
      throw new UserInputException(
          "missing SWEEP: give a sweep YAML file, e.g. rlaif sweep configs/sweeps/toy-reinforce-beta.yaml");
    }
    if (sweepDir != null && Files.exists(sweepDir.resolve(PLAN_FILE))) {
      throw new UserInputException(
          "--sweep-dir "
              + sweepDir
              + " already holds a sweep; use --resume "
              + sweepDir
              + " to continue it, or choose another folder");
    }
    return SweepSpec.load(sweepFile);
  }

  /**
   * The spec of a sweep folder, its base config taken from the plan (the copy's relative path no
   * longer applies) and its executor kind as first run unless --executor says otherwise.
   */
  private SweepSpec reopen(Path folder) throws IOException {
    if (sweepFile != null || sweepDir != null) {
      throw new UserInputException(
          "--resume continues a sweep with its own sweep.yaml; give no SWEEP or --sweep-dir with it");
    }
    Path plan = folder.resolve(PLAN_FILE);
    if (!Files.isRegularFile(plan)) {
      throw new UserInputException(
          "--resume " + folder + ": not a sweep folder (no " + PLAN_FILE + " in it)");
    }
    JsonNode saved = JSON.readTree(plan.toFile());
    SweepSpec copy = SweepSpec.load(folder.resolve(SPEC_COPY));
    SweepSpec reopened =
        copy.withBaseConfig(
            saved.path("name").asText(copy.name()), Path.of(saved.path("base_config").asText()));
    if (saved.has("executor")) {
      reopened =
          reopened.withExecutor(
              reopened
                  .executor()
                  .withKind(
                      ExecutorSettings.Kind.valueOf(
                          saved.path("executor").asText().toUpperCase(java.util.Locale.ROOT))));
    }
    return reopened;
  }

  /** The point's resolved config; a bad key or value names the sweep file's line of that key. */
  /**
   * The {@code --set} overrides of a point's {@code train} command: the point's own, then {@code
   * threads} from the executor unless the point sets it. The trial's command and the config the
   * sweep resolves for it (its checks, the stage-store plan of {@code --dry-run}, whether a resumed
   * trial is finished) both come from here, so they cannot disagree.
   */
  static List<String> trialOverrides(SweepSpec sweep, SweepPoint point) {
    List<String> overrides = new ArrayList<>(point.overrides());
    if (!point.settings().containsKey("threads")) {
      overrides.add("threads=" + sweep.executor().cpusPerTask());
    }
    return overrides;
  }

  private static LoadedConfig resolve(SweepSpec sweep, SweepPoint point) {
    try {
      return new ConfigLoader().load(sweep.baseConfig(), trialOverrides(sweep, point));
    } catch (UserInputException e) {
      String where = sweep.file().toString();
      search:
      for (Map.Entry<String, Integer> key : sweep.gridLines().entrySet()) {
        for (String part : key.getKey().split(",")) {
          if (e.getMessage().contains(part.strip())) {
            where += ", line " + key.getValue();
            break search;
          }
        }
      }
      throw new UserInputException(
          where + ": run " + point.id() + " " + point.overrides() + ": " + e.getMessage(), e);
    }
  }

  /** The new sweep's folder: --sweep-dir, or runs/<name>/<timestamp>/ (not yet created). */
  private Path plannedFolder(SweepSpec sweep) {
    if (sweepDir != null) {
      return sweepDir;
    }
    Path base = runsRoot.resolve(sweep.name()).resolve(STAMP.format(clock.instant()));
    Path folder = base;
    for (int i = 2; Files.exists(folder); i++) {
      folder = Path.of(base + "-" + i);
    }
    return folder;
  }

  /** A run is finished when its config's last stage has its completion marker. */
  private static boolean isFinished(Path runDir, LoadedConfig config) {
    List<StageName> stages = config.config().stages();
    if (stages.isEmpty() || !Files.isRegularFile(runDir.resolve(RunDirectory.CONFIG_FILE))) {
      return false;
    }
    return RunDirectory.open(runDir).isStageDone(stages.get(stages.size() - 1));
  }

  private static void writeResults(
      Path folder, SweepSpec sweep, List<SweepPoint> points, SweepState state) {
    List<Path> runDirs = points.stream().map(p -> folder.resolve(p.id()).toAbsolutePath()).toList();
    List<Path> evalFiles = runDirs.stream().map(d -> d.resolve(EvalReport.JSON_FILE)).toList();
    List<String> paths = SweepResults.metricPaths(sweep, evalFiles);
    List<SweepResults.Row> rows = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      SweepState.Entry entry = state.get(points.get(i).id());
      boolean done = entry.status() == SweepState.Status.DONE;
      rows.add(
          new SweepResults.Row(
              points.get(i),
              entry,
              done ? SweepResults.figures(evalFiles.get(i), paths) : Map.of(),
              runDirs.get(i),
              SweepResults.reusedStages(runDirs.get(i)),
              done ? SweepResults.paired(evalFiles.get(i)) : List.of()));
    }
    SweepResults.write(folder, sweep, paths, rows);
    SweepLeaderboard.write(folder, sweep, paths, rows);
  }
}
