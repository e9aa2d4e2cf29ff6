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
    return CliHarness.run(() -> new StagePipeline(List.of(fakeEval)), full);
  }

  private Path sweepFile(String yaml) throws IOException {
    return Files.writeString(dir.resolve("lr.yaml"), "config: base.yaml\n" + yaml);
  }

  @Test
  void runsEveryGridPointPerSeedAndSummarisesMeanAndStd() throws IOException {
    Path file = sweepFile("grid:\n  trainer.learning_rate: [1.0e-3, 2.0e-3]\nseeds: [1, 2]\n");
    Path folder = dir.resolve("sweep");
    CliHarness.Result result = sweep(file.toString(), "--sweep-dir", folder.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(4, evalRuns.get());
    for (String id : List.of("p00-s1", "p00-s2", "p01-s1", "p01-s2")) {
      assertTrue(Files.isRegularFile(folder.resolve(id).resolve("stages/eval.json")), id);
    }
    assertTrue(Files.readString(folder.resolve("p01-s2/config.yaml")).contains("seed: 2"));
    List<String> csv = Files.readAllLines(folder.resolve("summary.csv"));
    assertEquals("id,status,seed,trainer.learning_rate,stages.sft.mean.sc", csv.get(0));
    assertEquals("p00-s1,done,1,1.0e-3," + (1000 * 1.0e-3 + 0.01), csv.get(1));
    assertEquals("p01-s2,done,2,2.0e-3," + (1000 * 2.0e-3 + 0.02), csv.get(4));
    String md = Files.readString(folder.resolve("summary.md"));
    // p00: 1.01 and 1.02 -> mean 1.015, sample std sqrt(2 * 0.005^2 / 1) = 0.00707
    assertTrue(md.contains("| 1.0e-3 | 2/2 | 1.0150 ± 0.0071 |"), md);
    assertTrue(md.contains("| 2.0e-3 | 2/2 | 2.0150 ± 0.0071 |"), md);
  }

  @Test
  void aFailedRunIsRecordedAndResumeRerunsOnlyWhatIsUnfinished() throws IOException {
    Path file = sweepFile("grid:\n  trainer.learning_rate: [1.0e-3, 2.0e-3, 3.0e-3]\n");
    Path folder = dir.resolve("sweep");
    failing.add(2.0e-3);
    CliHarness.Result first = sweep(file.toString(), "--sweep-dir", folder.toString());
    assertEquals(1, first.exitCode(), "a failed run makes the sweep exit 1");
    assertEquals(3, evalRuns.get(), "the sweep goes on after a failure");
    List<String> csv = Files.readAllLines(folder.resolve("summary.csv"));
    assertEquals("p01,failed,,2.0e-3,", csv.get(2));
    assertTrue(csv.get(3).startsWith("p02,done,"), csv.toString());

    failing.clear();
    CliHarness.Result resumed = sweep("--resume", folder.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(4, evalRuns.get(), "only the failed run runs again");
    assertEquals(
        "p01,done,,2.0e-3," + (1000 * 2.0e-3 + 0.42),
        Files.readAllLines(folder.resolve("summary.csv")).get(2),
        "seed 42 comes from the defaults");
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
  void dryRunPrintsEachRunsCommand() throws IOException {
    Path file =
        sweepFile("grid:\n  trainer.learning_rate: [1.0e-3, 2.0e-3]\n  trainer.batch_size: [8]\n");
    CliHarness.Result result = sweep(file.toString(), "--dry-run");
    assertEquals(0, result.exitCode(), result.err());
    List<String> lines = result.out().lines().toList();
    assertEquals(2, lines.size(), result.out());
    assertTrue(
        lines.get(1).startsWith("p01: rlaif train " + base.toAbsolutePath().normalize()),
        lines.get(1));
    assertTrue(
        lines.get(1).endsWith("--set trainer.learning_rate=2.0e-3 --set trainer.batch_size=8"),
        lines.get(1));
    assertEquals(0, evalRuns.get());
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
