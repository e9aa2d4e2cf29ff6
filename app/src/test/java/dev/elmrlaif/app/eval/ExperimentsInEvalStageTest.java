package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.ExperimentName;
import dev.elmrlaif.algorithms.config.PretrainConfig;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.train.PretrainStage;
import dev.elmrlaif.algorithms.train.SftStage;
import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.algorithms.train.TrainingSetup;
import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.domain.data.PreparedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval.experiments} in the eval stage with trained tiny models: both experiments write
 * {@code experiments/<name>.json} and the same figures under {@code experiments} in {@code
 * eval.json}; no training entity reaches the evaluation's generations, and every held-out figure's
 * points lie inside their intervals.
 */
class ExperimentsInEvalStageTest {
  @TempDir Path dir;

  @Test
  void theEvalStageRunsTheListedExperimentsAndWritesTheirFiguresTwice() throws Exception {
    // 1. a tiny run whose movie and user models are trained, with concepts in its data
    PreparedData data = ExperimentWorld.data(dir);
    Path config = TinyElmWorld.writeConfig(dir);
    Path runDir = dir.resolve("run");
    RunContext context = TinyElmWorld.context(runDir, config);
    TinyElmWorld.writeTokenizer(context.run(), data);
    TinyElmWorld.saveData(context.run(), data);
    SftConfig sft =
        SftConfig.defaults()
            .with(
                b ->
                    b.models(List.of("movie", "user"))
                        .stage1Steps(2)
                        .stage2Steps(4)
                        .loraRank(4)
                        .loraAlpha(8)
                        .evalEvery(0)
                        .evalExamples(8));
    EvalConfig eval =
        TinyElmWorld.eval()
            .with(
                b ->
                    b.bootstrapResamples(100)
                        .maxNewTokens(8)
                        .experiments(List.of(ExperimentName.INTERPOLATION, ExperimentName.CONCEPTS))
                        .interpolationPairs(2)
                        .interpolationWeights(List.of(0.0, 0.5, 1.0))
                        .conceptSteps(List.of(1.0))
                        .conceptEntities(2));
    TrainingSetup setup =
        TrainingSetup.fixed(
            TinyElmWorld.model(),
            PretrainConfig.defaults().with(b -> b.steps(4).evalEvery(0).evalBatches(1)),
            sft,
            eval,
            c -> data);
    new PretrainStage(setup).run(context);
    new SftStage(setup).run(context);

    // 2. the eval stage with both experiments
    Map<String, Object> record = new EvalStage(setup).run(context);
    assertTrue(record.containsKey("experiments"), record.toString());
    JsonNode withExperiments = EvalReport.readJson(runDir).get(Experiments.EVAL_JSON_KEY);
    // an evaluation without experiments (`rlaif eval` on this run) keeps their figures in eval.json
    TrainingSetup plain =
        TrainingSetup.fixed(
            setup.model().apply(null),
            setup.pretrain().apply(null),
            sft,
            eval.withExperiments(List.of()),
            c -> data);
    new EvalStage(plain).run(context);
    context.metrics().close();
    assertEquals(withExperiments, EvalReport.readJson(runDir).get(Experiments.EVAL_JSON_KEY));

    // 3. both files, and the same figures in eval.json
    List<ExperimentFigures> files = ExperimentFigures.readAll(runDir);
    assertEquals(
        List.of("concepts", "interpolation"),
        files.stream().map(ExperimentFigures::experiment).toList());
    JsonNode evalJson = EvalReport.readJson(runDir);
    assertTrue(evalJson.get("stages").has("sft"), "the tables are still there");
    ObjectMapper json = new ObjectMapper();
    for (ExperimentFigures figures : files) {
      assertEquals(
          json.valueToTree(figures),
          evalJson.get(Experiments.EVAL_JSON_KEY).get(figures.experiment()),
          figures.experiment());
      assertFalse(figures.figures().isEmpty(), figures.experiment());
      for (CurveFigure figure : figures.figures()) {
        for (CurveSeries series : figure.series()) {
          if (series.hasIntervals()) {
            for (int i = 0; i < series.y().length; i++) {
              assertTrue(
                  series.lo()[i] <= series.y()[i] + 1e-12
                      && series.y()[i] <= series.hi()[i] + 1e-12,
                  figure.id() + " " + series.name() + " point " + i);
            }
          }
        }
      }
    }
    ExperimentFigures interpolation =
        files.stream()
            .filter(f -> f.experiment().equals("interpolation"))
            .findFirst()
            .orElseThrow();
    List<String> ids = interpolation.figures().stream().map(CurveFigure::id).toList();
    assertTrue(
        ids.contains("heldout-summary") && ids.contains("heldout-user_profile"), ids.toString());
    assertEquals(
        List.of("ELM (sft)", "nearest-neighbour text"),
        interpolation.figures().get(0).series().stream().map(CurveSeries::name).toList());

    // 4. the evaluation's own generations are about held-out entities only
    for (String line : Files.readAllLines(runDir.resolve(EvalReport.GENERATIONS_FILE))) {
      for (JsonNode entity : json.readTree(line).get("entities")) {
        assertTrue(
            data.domain().split(entity.get("kind").asText()).isHeldOut(entity.get("index").asInt()),
            line);
      }
    }
  }
}
