package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.config.TwoStageToyConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.TwoStageToyStage;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.domain.base.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * App. D's two-stage toy at a size that runs in seconds: the pretraining language, both trainings
 * starting from the same pretrained model, the iteration counts' bookkeeping, and the stage's
 * eval.json and figures; configs/toy-two-stage.yaml runs it over three seeds.
 */
class TwoStageToyTest {
  @TempDir Path dir;

  private static final String TINY =
      String.join(
          "\n",
          "seed: 1",
          "device: cpu",
          "threads: 1",
          "stages: [sft, report]",
          "logging: {progress: \"off\", tensorboard: false}",
          "two_stage_toy:",
          "  seeds: [4, 5]",
          "  vocab_size: 6",
          "  d_model: 8",
          "  layers: 1",
          "  heads: 1",
          "  adapter_hidden: 4",
          "  pretrain_steps: 10",
          "  learning_rate: 0.01",
          "  max_iterations: 30",
          "  stage1_max_iterations: 10",
          "  batch_size: 4",
          "");

  @Test
  void theLanguageFollowsEachWordByItsSuccessorAndTheLastWordByOne() {
    assertEquals(3, TwoStageToy.successor(2, 12));
    assertEquals(11, TwoStageToy.successor(10, 12));
    assertEquals(TwoStageToy.ONE, TwoStageToy.successor(11, 12));
    assertEquals(TwoStageToy.TWO, TwoStageToy.successor(TwoStageToy.ONE, 12));
  }

  @Test
  void bothTrainingsStartFromTheSamePretrainedModelAndCountTheirIterations() throws Exception {
    TwoStageToyConfig config = new ConfigLoader().load(write(), List.of()).config().twoStageToy();
    TwoStageToy.SeedResult result = TwoStageToy.run(config, 4);
    TwoStageToy.Training one = result.oneStage();
    TwoStageToy.Training two = result.twoStage();
    assertEquals(
        one.curve().get(0)[1], two.curve().get(0)[1], 0.0, "identical copies before training");
    assertEquals(0, one.stage1Iterations());
    assertTrue(two.stage1Iterations() <= 10 && two.stage1Iterations() <= two.iterations());
    for (TwoStageToy.Training t : List.of(one, two)) {
      assertTrue(t.iterations() <= 30, "at most max_iterations");
      assertEquals(t.fitted(), t.finalLoss() < config.fitLoss());
      double[] last = t.curve().get(t.curve().size() - 1);
      assertEquals(t.iterations(), (int) last[0], "the curve ends at the last iteration");
      assertEquals(t.finalLoss(), last[1], 0.0);
    }
    // deterministic: the same seed gives the same trainings
    TwoStageToy.SeedResult again = TwoStageToy.run(config, 4);
    assertEquals(one.iterations(), again.oneStage().iterations());
    assertEquals(two.finalLoss(), again.twoStage().finalLoss(), 0.0);
  }

  @Test
  void theSftStageRunsTheToyForEverySeedAndWritesEvalJsonAndTheFigures() throws Exception {
    Path config = write();
    Path runDir = dir.resolve("run");
    RunContext context = TinyElmWorld.context(runDir, config);
    Stage notCalled =
        new Stage() {
          @Override
          public StageName name() {
            return StageName.SFT;
          }

          @Override
          public Map<String, Object> run(RunContext c) {
            throw new AssertionError("the ELM's sft must not run in a toy run");
          }
        };
    Map<String, Object> record = new TwoStageToyStage(notCalled).run(context);
    context.metrics().close();
    assertEquals(2, record.get("seeds"));
    JsonNode eval = new ObjectMapper().readTree(runDir.resolve("eval.json").toFile());
    assertEquals("two_stage_toy", eval.get("environment").asText());
    JsonNode seeds = eval.get("two_stage").get("seeds");
    assertEquals(2, seeds.size());
    assertEquals(4, seeds.get(0).get("seed").asLong());
    assertTrue(seeds.get(0).get("one_stage").has("iterations"));
    assertTrue(seeds.get(0).get("two_stage").has("stage1_iterations"));
    ExperimentFigures figures = ExperimentFigures.readAll(runDir).get(0);
    assertEquals(TwoStageToyStage.NAME, figures.experiment());
    assertEquals(4, figures.figures().get(0).series().size(), "two methods x two seeds");
    assertTrue(Files.readString(runDir.resolve("eval.md")).contains("| 5 |"));
  }

  @Test
  void theShippedConfigComparesBothTrainingsOverThreeSeedsAndBadKeysNameThemselves()
      throws Exception {
    TwoStageToyConfig shipped =
        new ConfigLoader()
            .load(Path.of("..", "configs", "toy-two-stage.yaml"), List.of())
            .config()
            .twoStageToy();
    assertTrue(shipped.seeds().size() >= 3, shipped.seeds().toString());
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () -> new ConfigLoader().load(write(), List.of("two_stage_toy.heads=3")));
    assertTrue(e.getMessage().contains("two_stage_toy.heads"), e.getMessage());
  }

  private Path write() throws Exception {
    Path file = dir.resolve("toy.yaml");
    Files.writeString(file, TINY);
    return file;
  }
}
