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
import dev.elmrlaif.app.sweep.SweepPoint;
import dev.elmrlaif.app.sweep.SweepSpec;
import dev.elmrlaif.app.sweep.SweepSummary;
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
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif sweep SWEEP.yaml}: runs every point of a hyperparameter grid ({@link SweepSpec}) as
 * an ordinary {@code rlaif train} run in its own folder under the sweep folder, one after another,
 * and keeps {@code summary.csv} / {@code summary.md} ({@link SweepSummary}) up to date after each.
 *
 * <p>Every point's config is resolved before the first run starts, so a bad key or value stops the
 * sweep with exit code 2 and nothing written. A failed run is recorded and the sweep goes on; the
 * exit code is then 1. {@code rlaif sweep --resume SWEEP_DIR} continues a killed sweep: finished
 * runs are kept, an interrupted run resumes from its checkpoints, the rest start. SIGTERM or SIGINT
 * stops the running run with a checkpoint and ends the sweep with 143 / 130.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description =
        "Run a grid of training runs from a sweep file and tabulate their eval.json figures.")
public final class SweepCommand implements Callable<Integer> {
  /** The sweep folder's record of its spec and where the base config is. */
  static final String PLAN_FILE = "sweep.json";

  /** The sweep file as given, copied into the sweep folder. */
  static final String SPEC_COPY = "sweep.yaml";

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

  @Option(names = "--dry-run", description = "Resolve every run's config, print the runs and exit.")
  boolean dryRun;

  @Option(
      names = "--stage-store",
      paramLabel = "DIR",
      description =
          "Every run reuses and publishes stage outputs in DIR (rlaif train --stage-store), so"
              + " runs that differ only in later stages train the earlier ones once.")
  Path stageStore;

  /** The clock of sweep-folder names; tests replace it. */
  Clock clock = Clock.systemUTC();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    SweepSpec sweep = resume != null ? reopen(resume) : load();
    List<SweepPoint> points = sweep.points();
    List<LoadedConfig> configs = new ArrayList<>();
    for (SweepPoint point : points) {
      configs.add(resolve(sweep, point));
    }
    if (dryRun) {
      StageReusePlan reuse =
          stageStore == null
              ? null
              : new StageReusePlan(StageStore.lookIn(stageStore), System.getenv());
      for (SweepPoint point : points) {
        spec.commandLine()
            .getOut()
            .println(
                point.id()
                    + ": rlaif train "
                    + sweep.baseConfig()
                    + " "
                    + String.join(" ", point.overrides().stream().map(o -> "--set " + o).toList())
                    + (reuse == null
                        ? ""
                        : "; " + reuse.describe(point.id(), configs.get(points.indexOf(point)))));
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
    Path folder = resume != null ? resume : createFolder(sweep);
    if (resume == null) {
      AtomicFiles.copy(sweep.file(), folder.resolve(SPEC_COPY));
      ObjectNode plan = JSON.createObjectNode();
      plan.put("spec", sweep.file().toAbsolutePath().toString());
      plan.put("base_config", sweep.baseConfig().toString());
      plan.put("name", sweep.name());
      AtomicFiles.writeString(folder.resolve(PLAN_FILE), JSON.writeValueAsString(plan));
    }
    LOG.info("sweep {}: {} runs in {}", sweep.name(), points.size(), folder.toAbsolutePath());

    CommandLine train = spec.root().commandLine().getSubcommands().get("train");
    List<SweepSummary.Status> statuses = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      statuses.add(
          isFinished(folder.resolve(points.get(i).id()), configs.get(i))
              ? SweepSummary.Status.DONE
              : SweepSummary.Status.PENDING);
    }
    writeSummary(folder, sweep, points, statuses);
    for (int i = 0; i < points.size(); i++) {
      if (statuses.get(i) == SweepSummary.Status.DONE) {
        LOG.info("sweep run {}: finished earlier, kept", points.get(i).id());
        continue;
      }
      Path runDir = folder.resolve(points.get(i).id());
      List<String> args = new ArrayList<>();
      if (Files.isRegularFile(runDir.resolve(RunDirectory.CONFIG_FILE))) {
        args.addAll(List.of("--resume", runDir.toString()));
      } else {
        args.add(sweep.baseConfig().toString());
        points.get(i).overrides().forEach(o -> args.addAll(List.of("--set", o)));
        args.addAll(List.of("--run-dir", runDir.toString()));
      }
      if (stageStore != null) {
        args.addAll(List.of("--stage-store", stageStore.toString()));
      }
      LOG.info(
          "sweep run {} ({}/{}): {}",
          points.get(i).id(),
          i + 1,
          points.size(),
          points.get(i).overrides());
      int code = train.execute(args.toArray(String[]::new));
      if (code == StopRequest.exitCode("TERM") || code == StopRequest.exitCode("INT")) {
        writeSummary(
            folder, sweep, points,
            statuses); // this run stays pending: it resumes from its checkpoint
        LOG.warn(
            "sweep stopped by a signal during run {}; resume with: ./rlaif sweep --resume {}",
            points.get(i).id(),
            folder);
        return code;
      }
      statuses.set(i, code == 0 ? SweepSummary.Status.DONE : SweepSummary.Status.FAILED);
      if (code != 0) {
        LOG.error(
            "sweep run {} failed with exit code {}; see {}",
            points.get(i).id(),
            code,
            runDir.resolve(RunDirectory.LOG_FILE));
      }
      writeSummary(folder, sweep, points, statuses);
    }
    spec.commandLine().getOut().println(folder);
    spec.commandLine().getOut().flush();
    return statuses.contains(SweepSummary.Status.FAILED) ? 1 : 0;
  }

  private SweepSpec load() {
    if (sweepFile == null) {
      throw new UserInputException(
          "missing SWEEP: give a sweep YAML file, e.g. rlaif sweep configs/sweep-quickstart.yaml");
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
   * longer applies).
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
    return new SweepSpec(
        copy.file(),
        saved.path("name").asText(copy.name()),
        Path.of(saved.path("base_config").asText()),
        copy.grid(),
        copy.gridLines(),
        copy.seeds(),
        copy.metrics());
  }

  /**
   * The point's resolved config; a bad key or value names the sweep file's line of that grid key.
   */
  private static LoadedConfig resolve(SweepSpec sweep, SweepPoint point) {
    try {
      return new ConfigLoader().load(sweep.baseConfig(), point.overrides());
    } catch (UserInputException e) {
      String where = sweep.file().toString();
      for (Map.Entry<String, Integer> key : sweep.gridLines().entrySet()) {
        if (e.getMessage().contains(key.getKey())) {
          where += ", line " + key.getValue();
          break;
        }
      }
      throw new UserInputException(
          where + ": run " + point.id() + " " + point.overrides() + ": " + e.getMessage(), e);
    }
  }

  private Path createFolder(SweepSpec sweep) throws IOException {
    Path folder = sweepDir;
    if (folder == null) {
      Path base = runsRoot.resolve(sweep.name()).resolve(STAMP.format(clock.instant()));
      folder = base;
      for (int i = 2; Files.exists(folder); i++) {
        folder = Path.of(base + "-" + i);
      }
    }
    Files.createDirectories(folder);
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

  private static void writeSummary(
      Path folder, SweepSpec sweep, List<SweepPoint> points, List<SweepSummary.Status> statuses) {
    List<Path> evalFiles =
        points.stream().map(p -> folder.resolve(p.id()).resolve(EvalReport.JSON_FILE)).toList();
    List<String> paths = SweepSummary.metricPaths(sweep, evalFiles);
    List<SweepSummary.Row> rows = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      Map<String, Double> figures =
          statuses.get(i) == SweepSummary.Status.DONE
              ? SweepSummary.figures(evalFiles.get(i), paths)
              : Map.of();
      rows.add(new SweepSummary.Row(points.get(i), statuses.get(i), figures));
    }
    SweepSummary.write(folder, sweep, paths, rows);
  }
}
