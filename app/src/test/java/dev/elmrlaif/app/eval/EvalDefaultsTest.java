package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.app.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The evaluation's sample sizes: by default, and in every shipped config, at least 200 held-out
 * examples per task (0: every one), and 1,000 bootstrap resamples, so that the intervals are narrow
 * enough to tell an RL gain of a few hundredths of SC from noise.
 */
class EvalDefaultsTest {

  @Test
  void theDefaultsEvaluateTwoHundredExamplesPerTaskWithAThousandResamples() {
    assertEquals(200, EvalConfig.defaults().maxPerTask());
    assertEquals(1000, EvalConfig.defaults().bootstrapResamples());
  }

  @Test
  void everyShippedConfigEvaluatesAtLeastTwoHundredExamplesPerTask() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("..", "configs"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path file : files) {
      EvalConfig eval = new ConfigLoader().load(file, List.of()).config().eval();
      assertTrue(
          eval.maxPerTask() == 0 || eval.maxPerTask() >= 200,
          file + ": eval.max_per_task " + eval.maxPerTask());
      assertTrue(
          eval.bootstrapResamples() >= 1000,
          file + ": eval.bootstrap_resamples " + eval.bootstrapResamples());
    }
  }
}
