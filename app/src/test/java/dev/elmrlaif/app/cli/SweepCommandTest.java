package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.app.pipeline.StagePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif sweep}: the grid times the seeds as train runs, the summary's figures and
 * per-setting mean ± std computed by hand, resume after a failure, and errors before anything is
 * written.
 */
class SweepCommandTest {
  @TempDir Path dir;
  private Path base;
  private final AtomicInteger evalRuns = new AtomicInteger();

  /** Learning rates whose eval stage fails (a crash to resume from). */
  private final Set<Double> failing = ConcurrentHashMap.newKeySet();

  /**
   * An eval stage whose figure is a known function of the run's config: sc = 1000·lr + seed/100.
   */
  private final Stage fakeEval =
      new Stage() {
        @Override
        public StageName name() {
          return StageName.EVAL;
        }

        @Override
        public Map<String, Object> run(RunContext context) throws IOException {
          evalRuns.incrementAndGet();
          double lr = context.config().trainer().learningRate();
          if (failing.contains(lr)) {
            throw new IllegalStateException("simulated crash at learning rate " + lr);
          }
          double sc = 1000 * lr + context.config().seed() / 100.0;
          Files.writeString(
              context.run().path().resolve("eval.json"),
              "{\"split\": \"test\", \"stages\": {\"sft\": {\"mean\": {\"sc\": "
                  + sc
                  + ", \"bc\": null}}}}");
          return Map.of("sc", sc);
        }
      };

  @BeforeEach
  void baseConfig() throws IOException {
    Path data = dir.resolve("data/movielens/ml-latest-small");
    Files.createDirectories(data);
    Files.writeString(
        data.resolve("ratings.csv"), "userId,movieId,rating,timestamp\r\n1,1,4.0,1\r\n");
    base =
        Files.writeString(
            dir.resolve("base.yaml"),
            "data:\n  root: " + dir.resolve("data") + "\nstages: [eval]\n");
  }

  private CliHarness.Result sweep(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "sweep";
    System.arraycopy(args, 0, full, 1, args.length);
    return runSweep(
        new InProcessTrials(() -> new StagePipeline(List.of(fakeEval))), Map.of(), full);
  }

  /**
   * Runs {@code rlaif ARGS} with the sweep's trials run by {@code trials} (null: the real ones).
   */
  static CliHarness.Result runSweep(
      dev.elmrlaif.app.sweep.TrialExecutor trials, Map<String, String> env, String... args) {
    picocli.CommandLine.IFactory factory =
        new picocli.CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K obj = picocli.CommandLine.defaultFactory().create(cls);
            if (obj instanceof SweepCommand sweep) {
              sweep.env = env;
              if (trials != null) {
                sweep.executors = (spec, folder) -> trials;
              }
            }
            return obj;
          }
        };
    picocli.CommandLine cli = RlaifCommand.commandLine(factory);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliHarness.Result(code, out.toString(), err.toString());
  }

  private Path sweepFile(String yaml) throws IOException {
    return Files.writeString(dir.resolve("lr.yaml"), "config: base.yaml\n" + yaml);
  }

  @Test
  void runsEveryGridPointPerSeedAndRanksMeanAndStd() throws IOException {
    Path file =
        sweepFile(
            "grid:\n  trainer.learning_rate: [1.0e-3, 2.0e-3]\nseeds: [1, 2]\n"
                + "metric: {name: stages.sft.mean.sc, goal: maximize}\n");
    Path folder = dir.resolve("sweep");
    CliHarness.Result result = sweep(file.toString(), "--sweep-dir", folder.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(4, evalRuns.get());
    for (String id : List.of("p00-s1", "p00-s2", "p01-s1", "p01-s2")) {
      assertTrue(Files.isRegularFile(folder.resolve(id).resolve("stages/eval.json")), id);
    }
    assertTrue(Files.readString(folder.resolve("p01-s2/config.yaml")).contains("seed: 2"));
    List<String> csv = Files.readAllLines(folder.resolve("results.csv"));
    assertEquals(
        "id,status,attempts,seed,trainer.learning_rate,stages.sft.mean.sc,run_dir,reused_stages,error",
        csv.get(0));
    assertEquals(
        "p00-s1,done,1,1,1.0e-3,"
            + (1000 * 1.0e-3 + 0.01)
            + ","
            + folder.resolve("p00-s1").toAbsolutePath()
            + ",,",
        csv.get(1));
    assertTrue(
        csv.get(4).startsWith("p01-s2,done,1,2,2.0e-3," + (1000 * 2.0e-3 + 0.02)), csv.get(4));
    assertEquals(4, Files.readAllLines(folder.resolve("results.jsonl")).size());
    String md = Files.readString(folder.resolve("leaderboard.md"));
    // p00: 1.01 and 1.02 -> mean 1.015, sample std sqrt(2 * 0.005^2 / 1) = 0.00707; p01 is
    // better (maximize), so it ranks first
    assertTrue(md.contains("| 1 | 2.0e-3 | 2/2 | 2.0150 ± 0.0071 |"), md);
    assertTrue(md.contains("| 2 | 1.0e-3 | 2/2 | 1.0150 ± 0.0071 |"), md);
    assertTrue(Files.readString(folder.resolve("report.html")).contains("2.0150 ± 0.0071"));
  }

  @Test
  void aFailedRunIsRecordedAndResumeRerunsOnlyWhatIsUnfinished() throws IOException {
    Path file = sweepFile("grid:\n  trainer.learning_rate: [1.0e-3, 2.0e-3, 3.0e-3]\n");
    Path folder = dir.resolve("sweep");
    failing.add(2.0e-3);
    CliHarness.Result first = sweep(file.toString(), "--sweep-dir", folder.toString());
    assertEquals(1, first.exitCode(), "a failed run makes the sweep exit 1");
    assertEquals(3, evalRuns.get(), "the sweep goes on after a failure");
    List<String> csv = Files.readAllLines(folder.resolve("results.csv"));
    assertTrue(csv.get(2).startsWith("p01,failed,1,,2.0e-3,,"), csv.get(2));
    assertTrue(csv.get(2).contains("exit code 1"), csv.get(2));
    assertTrue(csv.get(3).startsWith("p02,done,1,"), csv.toString());

    failing.clear();
    CliHarness.Result resumed = sweep("--resume", folder.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(4, evalRuns.get(), "only the failed run runs again");
    assertTrue(
        Files.readAllLines(folder.resolve("results.csv"))
            .get(2)
            .startsWith("p01,done,2,,2.0e-3," + (1000 * 2.0e-3 + 0.42) + ","),
        "seed 42 comes from the defaults; a second attempt");
    assertEquals(0, sweep("--resume", folder.toString()).exitCode());
    assertEquals(4, evalRuns.get(), "a finished sweep runs nothing");
  }

  @Test
  void mistakesStopTheSweepBeforeAnyRunWithFileAndLine() throws IOException {
    Path runs = dir.resolve("runs");
    Path badKey =
        sweepFile("grid:\n  trainer.learning_rate: [1.0e-3]\n  trainer.learnin_rate: [1, 2]\n");
    CliHarness.Result result = sweep(badKey.toString(), "--runs-root", runs.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains(badKey + ", line 4: run p00"), result.err());
    assertTrue(result.err().contains("trainer.learnin_rate"), result.err());
    assertFalse(Files.exists(runs), "nothing written");

    Path badRange = sweepFile("grid:\n  trainer.learning_rate: [-1.0]\n");
    result = sweep(badRange.toString(), "--runs-root", runs.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains(badRange + ", line 3: run p00"), result.err());

    Path unknown = sweepFile("seeds: [1]\ngrdi: {}\n");
    result = sweep(unknown.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains(unknown + ", line 3: unknown key `grdi`"), result.err());

    Path noConfig = Files.writeString(dir.resolve("nocfg.yaml"), "seeds: [1, 2]\n");
    result = sweep(noConfig.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains(noConfig + ": missing key `config`"), result.err());

    Path seedInGrid = sweepFile("grid:\n  seed: [1, 2]\n");
    result = sweep(seedInGrid.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("line 3: grid: use the top-level `seeds`"), result.err());
    assertEquals(0, evalRuns.get());
    assertFalse(Files.exists(runs));
  }

  @Test
  void dryRunPrintsEachTrialsCommand() throws IOException {
    Path file =
        sweepFile("grid:\n  trainer.learning_rate: [1.0e-3, 2.0e-3]\n  trainer.batch_size: [8]\n");
    Path runs = dir.resolve("runs");
    CliHarness.Result result =
        runSweep(
            null, Map.of(), "sweep", file.toString(), "--dry-run", "--runs-root", runs.toString());
    assertEquals(0, result.exitCode(), result.err());
    List<String> lines = result.out().lines().toList();
    assertEquals(3, lines.size(), result.out());
    assertTrue(lines.get(0).startsWith("# local: "), lines.get(0));
    assertTrue(lines.get(2).startsWith("p01: "), lines.get(2));
    assertTrue(
        lines
            .get(2)
            .contains(
                " train "
                    + base.toAbsolutePath().normalize()
                    + " --set trainer.learning_rate=2.0e-3 --set trainer.batch_size=8"
                    + " --set threads=1 --run-dir "),
        lines.get(2));
    assertTrue(
        lines.get(2).contains("/p01 --stage-store ") && lines.get(2).contains("; stage store: "),
        "the sweep's own store by default: " + lines.get(2));

    CliHarness.Result none =
        runSweep(
            null,
            Map.of(),
            "sweep",
            file.toString(),
            "--dry-run",
            "--no-stage-store",
            "--runs-root",
            runs.toString());
    assertEquals(0, none.exitCode(), none.err());
    assertFalse(none.out().contains("--stage-store"), none.out());
    assertFalse(none.out().contains("stage store:"), none.out());
    CliHarness.Result both =
        runSweep(
            null,
            Map.of(),
            "sweep",
            file.toString(),
            "--dry-run",
            "--no-stage-store",
            "--stage-store",
            dir.resolve("store").toString());
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("--stage-store and --no-stage-store exclude each other"));
    assertEquals(0, evalRuns.get());
    assertFalse(Files.exists(runs), "a dry run writes nothing");
  }

  @Test
  void aRandomSearchDrawsTheSameTrialsFromTheSameFileWithinTheirRanges() throws IOException {
    Path file =
        sweepFile(
            "method: random\ntrials: 5\nsampler_seed: 7\nparameters:\n"
                + "  trainer.learning_rate: {distribution: loguniform, low: 1.0e-4, high: 1.0e-2}\n"
                + "  trainer.batch_size: {distribution: int, low: 2, high: 4}\n"
                + "  trainer.grad_clip: {distribution: uniform, low: 0.5, high: 1.5}\n"
                + "  data.dataset: {distribution: choice, values: [ml-latest-small]}\n"
                + "seeds: [1, 2]\n");
    String folder = dir.resolve("random").toString();
    CliHarness.Result first = sweep(file.toString(), "--dry-run", "--sweep-dir", folder);
    CliHarness.Result second = sweep(file.toString(), "--dry-run", "--sweep-dir", folder);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(first.out(), second.out(), "the same file gives the same trials");
    List<String> lines = first.out().lines().toList();
    assertEquals(10, lines.size(), first.out());
    assertTrue(lines.get(0).startsWith("t00-s1: "), lines.get(0));
    assertTrue(lines.get(9).startsWith("t04-s2: "), lines.get(9));
    java.util.Set<String> rates = new java.util.HashSet<>();
    for (String line : lines) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "learning_rate=(\\S+) --set trainer.batch_size=(\\S+)"
                      + " --set trainer.grad_clip=(\\S+) --set data.dataset=ml-latest-small")
              .matcher(line);
      assertTrue(m.find(), line);
      double rate = Double.parseDouble(m.group(1));
      assertTrue(rate >= 1.0e-4 && rate < 1.0e-2, line);
      assertTrue(List.of("2", "3", "4").contains(m.group(2)), line);
      double clip = Double.parseDouble(m.group(3));
      assertTrue(clip >= 0.5 && clip < 1.5, line);
      rates.add(m.group(1));
    }
    assertEquals(5, rates.size(), "5 draws, each run with both seeds");
    Path reseeded =
        sweepFile(
            Files.readString(file)
                .replace("config: base.yaml\n", "")
                .replace("sampler_seed: 7", "sampler_seed: 8"));
    assertFalse(
        sweep(reseeded.toString(), "--dry-run", "--sweep-dir", folder).out().equals(first.out()));
    assertEquals(0, evalRuns.get());
  }

  @Test
  void badSearchSpacesStopWithTheirFileAndLine() throws IOException {
    Path runs = dir.resolve("runs");
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put(
        "  trainer.learnin_rate: {distribution: uniform, low: 0.1, high: 0.2}\n",
        ", line 5: run t00-s1 ");
    cases.put(
        "  trainer.learning_rate: {distribution: uniform, low: 0.2, high: 0.1}\n",
        ", line 5: parameters.trainer.learning_rate: impossible range: low 0.2 is above high 0.1");
    cases.put(
        "  trainer.learning_rate: {distribution: loguniform, low: 0, high: 0.1}\n",
        ", line 5: parameters.trainer.learning_rate: impossible range: loguniform needs low > 0");
    cases.put(
        "  trainer.batch_size: {distribution: int, low: 1.5, high: 4}\n",
        ", line 5: parameters.trainer.batch_size: impossible range: int needs integer low and high");
    cases.put(
        "  trainer.batch_size: {distribution: int, low: 1, high: 4, step: 2}\n",
        ", line 5: parameters.trainer.batch_size: unknown key `step`");
    cases.put(
        "  trainer.batch_size: {distribution: normal, low: 1, high: 4}\n",
        ", line 5: parameters.trainer.batch_size: distribution 'normal' is not one of");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file =
          sweepFile("method: random\ntrials: 2\nparameters:\n" + c.getKey() + "seeds: [1]\n");
      CliHarness.Result result = sweep(file.toString(), "--runs-root", runs.toString());
      assertEquals(2, result.exitCode(), c.getKey() + result.err());
      assertTrue(result.err().contains(file + c.getValue()), c.getKey() + result.err());
      assertEquals(1, result.err().strip().lines().count(), result.err());
    }
    Path badMetric = sweepFile("seeds: [1]\nmetric: {name: stages.sft.mean.scc, goal: maximize}\n");
    CliHarness.Result result = sweep(badMetric.toString(), "--runs-root", runs.toString());
    assertEquals(2, result.exitCode());
    assertTrue(
        result
            .err()
            .contains(badMetric + ", line 3: metric: 'stages.sft.mean.scc' is not a figure"),
        result.err());
    Path badGoal = sweepFile("seeds: [1]\nmetric: {name: stages.sft.mean.sc, goal: up}\n");
    result = sweep(badGoal.toString(), "--runs-root", runs.toString());
    assertTrue(
        result.err().contains(badGoal + ", line 3: metric: goal 'up' is not a direction"),
        result.err());
    Path badExecutor = sweepFile("seeds: [1]\nexecutor:\n  kind: local\n  core: 4\n");
    result = sweep(badExecutor.toString(), "--runs-root", runs.toString());
    assertEquals(2, result.exitCode());
    assertTrue(
        result.err().contains(badExecutor + ", line 5: executor: unknown key `core`"),
        result.err());
    assertEquals(0, evalRuns.get());
    assertFalse(Files.exists(runs), "nothing written");
  }

  @Test
  void aSlurmThatCannotSubmitStopsTheSweepBeforeAnythingIsWritten() throws IOException {
    Path runs = dir.resolve("runs");
    Path file = sweepFile("seeds: [1, 2]\nexecutor: {kind: slurm, mem: 1G}\n");
    // an sbatch that cannot reach its controller, as a real one answers then
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path sbatch = bin.resolve("sbatch");
    Files.writeString(
        sbatch,
        "#!/bin/sh\necho \"$@\" >> "
            + dir.resolve("sbatch-calls")
            + "\necho 'sbatch: error: Batch job submission failed: Unable to contact slurm"
            + " controller (connect failure)' >&2\nexit 1\n");
    sbatch.toFile().setExecutable(true);
    CliHarness.Result result =
        runSweep(
            null,
            Map.of("PATH", bin.toString()),
            "sweep",
            file.toString(),
            "--runs-root",
            runs.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: "
            + file
            + ", line 3: executor.kind slurm: sbatch cannot submit (sbatch: error: Batch job"
            + " submission failed: Unable to contact slurm controller (connect failure)); check"
            + " the cluster or the executor keys, or use --executor local",
        result.err().strip());
    assertTrue(
        Files.readString(dir.resolve("sbatch-calls")).startsWith("--test-only "),
        "only a test submission was tried");
    assertFalse(Files.exists(runs), "nothing written");

    result =
        runSweep(
            null,
            Map.of("PATH", dir.resolve("empty").toString()),
            "sweep",
            file.toString(),
            "--runs-root",
            runs.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(
        result.err().contains(file + ", line 3: executor.kind slurm: `sbatch` is not on PATH"),
        result.err());
    assertFalse(Files.exists(runs), "nothing written");
  }

  @Test
  void everyShippedSweepResolvesEveryRun() throws IOException {
    Path sweeps = Path.of("..", "configs", "sweeps");
    assertTrue(Files.isDirectory(sweeps), "tests run in the module folder, beside ../configs");
    List<Path> files;
    try (var listing = Files.list(sweeps)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path file : files) {
      CliHarness.Result result = sweep(file.toString(), "--dry-run");
      assertEquals(0, result.exitCode(), file + ": " + result.err());
      assertFalse(result.out().isBlank(), file.toString());
    }
  }
}
