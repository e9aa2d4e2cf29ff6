package dev.elmrlaif.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the executors derive from the {@code executor:} keys without running anything: the Slurm job
 * array script (resources, one case per trial with its resume branch, shell quoting) and the local
 * executor's number of trials at once.
 */
class SlurmScriptTest {
  @TempDir Path dir;

  @Test
  void theArrayScriptHoldsEachTrialsResourcesAndCommands() throws IOException {
    Files.writeString(dir.resolve("base.yaml"), "seed: 1\n");
    SweepSpec spec =
        SweepSpec.load(
            Files.writeString(
                dir.resolve("it's.yaml"),
                "config: base.yaml\nseeds: [1, 2, 3]\nexecutor: {kind: slurm, cpus_per_task: 2,"
                    + " mem: 8G, time: '02:00:00', partition: gpu, max_parallel: 3}\n"));
    assertEquals(ExecutorSettings.Kind.SLURM, spec.executor().kind());
    JvmLauncher launcher = new JvmLauncher(List.of("java", "-jar", "rlaif.jar"));
    SlurmExecutor executor = new SlurmExecutor(spec, launcher, Map.of(), dir.resolve("sweep"), dir);
    List<Trial> trials =
        List.of(
            new Trial(
                "s1",
                0,
                dir.resolve("sweep/s1"),
                dir.resolve("sweep/logs/s1.log"),
                List.of("train", "a b")),
            new Trial(
                "s3",
                2,
                dir.resolve("sweep/s3"),
                dir.resolve("sweep/logs/s3.log"),
                List.of("train", "it's")));
    String script = executor.script(trials);
    for (String line :
        List.of(
            "#SBATCH --array=0,2%3",
            "#SBATCH --cpus-per-task=2",
            "#SBATCH --mem=8G",
            "#SBATCH --time=02:00:00",
            "#SBATCH --partition=gpu",
            "#SBATCH --job-name='rlaif-it''s'".replace("''", "'\\''"),
            "  2)",
            "      set -- 'java' '-jar' 'rlaif.jar' 'train' '--resume' '"
                + dir.resolve("sweep/s3")
                + "'",
            "      set -- 'java' '-jar' 'rlaif.jar' 'train' 'it'\\''s'",
            "      set -- 'java' '-jar' 'rlaif.jar' 'train' 'a b'",
            "exec \"$@\" >> \"$log\" 2>&1")) {
      assertTrue(script.lines().anyMatch(l -> l.equals(line)), line + "\nnot in\n" + script);
    }
    List<String> plan = executor.plan(trials);
    assertEquals(3, plan.size());
    assertTrue(
        plan.get(0).startsWith("# slurm: sbatch --array=0,2%3 --cpus-per-task=2"), plan.get(0));
  }

  @Test
  void theLocalExecutorRunsTheCoreBudgetOverEachTrialsThreads() {
    ExecutorSettings five =
        new ExecutorSettings(ExecutorSettings.Kind.LOCAL, 5, 2, 0, "1G", "1", "", 0, 1);
    assertEquals(2, five.parallelTrials());
    ExecutorSettings tooFew =
        new ExecutorSettings(ExecutorSettings.Kind.LOCAL, 1, 4, 0, "1G", "1", "", 0, 1);
    assertEquals(1, tooFew.parallelTrials(), "at least one trial runs");
  }
}
