package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.rl.TrainerStateFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Run folders from before the one trainer-state format still resume: for each trainer, the
 * checkpoint at step 4 of {@link ToyRuns}' 8-step config that the previous version wrote in its own
 * layout (checked in under {@code src/test/resources/legacy-checkpoints/}, see its README) is put
 * into a run folder and the rl stage resumes from it; the trained policy equals, bit for bit, the
 * one this version trains without interruption, and steps 5–8 log the same metrics. So the old
 * names map to the new ones and the old state files convert to the records exactly (an α controller
 * or a generator restored wrongly would change the weights).
 */
class LegacyCheckpointResumeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"reinforce, reinforce-state.json", "sac, sac_state.json", "soft_q, trainer.json"})
  void aCheckpointInTheOldLayoutResumesToTheUninterruptedRun(String algorithm, String oldStateFile)
      throws Exception {
    String label = "rl/" + algorithm + "/toy";
    Path config = ToyRuns.writeConfig(dir, algorithm, 8, 4);
    Path straight = dir.resolve("straight");
    RunContext first = ToyRuns.context(straight, config);
    new RlStage(data()).run(first);
    first.metrics().close();

    Path old = dir.resolve("old");
    RunContext resumed = ToyRuns.context(old, config);
    Path checkpoints = old.resolve("checkpoints").resolve(label);
    copy(Path.of(getClass().getResource("/legacy-checkpoints/" + algorithm).toURI()), checkpoints);
    Path trainer = checkpoints.resolve("step-00000004/trainer");
    assertTrue(Files.isRegularFile(trainer.resolve(oldStateFile)), "the old layout");
    assertFalse(Files.exists(trainer.resolve(TrainerStateFolder.STATE)), "the old layout");

    Map<String, Object> record = new RlStage(data()).run(resumed);
    resumed.metrics().close();
    @SuppressWarnings("unchecked")
    Map<String, Object> training = (Map<String, Object>) record.get(label);
    assertEquals(4L, ((Number) training.get("resumed_from_step")).longValue());

    Map<String, float[]> expected = ToyRuns.weights(straight.resolve(label).resolve("model"));
    Map<String, float[]> actual = ToyRuns.weights(old.resolve(label).resolve("model"));
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach(
        (name, values) -> assertArrayEquals(values, actual.get(name), name + ", bit for bit"));
    List<Map<String, String>> series = ToyRuns.metricSeries(straight, label);
    assertEquals(8, series.size());
    assertEquals(series.subList(4, 8), ToyRuns.metricSeries(old, label), "steps 5-8's metrics");
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static Function<RunContext, dev.elmrlaif.domain.data.PreparedData> data() {
    return context -> {
      throw new IllegalStateException("the synthetic environment reads no prepared data");
    };
  }
}
