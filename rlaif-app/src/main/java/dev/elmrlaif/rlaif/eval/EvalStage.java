package dev.elmrlaif.rlaif.eval;

import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.SftConfig;
import dev.elmrlaif.rlaif.config.StageName;
import dev.elmrlaif.rlaif.data.PreparedData;
import dev.elmrlaif.rlaif.pipeline.RunContext;
import dev.elmrlaif.rlaif.pipeline.Stage;
import dev.elmrlaif.rlaif.train.RunArtifacts;
import dev.elmrlaif.rlaif.train.TrainingSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code eval} stage: semantic and behavioral consistency of the supervised models on held-out
 * entities beside the baselines ({@link ConsistencyEvaluator}), written to {@code eval.json} and
 * {@code eval.md} in the run folder and to the metrics (stage {@code eval}, one series per task).
 * {@code rlaif eval RUN_DIR} runs the same code on a finished run.
 */
public final class EvalStage implements Stage {
  private final TrainingSetup setup;

  public EvalStage(TrainingSetup setup) {
    this.setup = setup;
  }

  @Override
  public StageName name() {
    return StageName.EVAL;
  }

  @Override
  public Map<String, Object> run(RunContext context) {
    Map<String, Path> models = new LinkedHashMap<>();
    for (String kind : SftConfig.MODEL_KINDS.stream().sorted().toList()) {
      Path folder = RunArtifacts.sftModel(context.run(), kind);
      if (Files.isRegularFile(folder.resolve(ElmCheckpoint.WEIGHTS_FILE))) {
        models.put(kind, folder);
      }
    }
    if (models.isEmpty()) {
      throw new UserInputException(context.run().path().resolve(StageName.SFT.key())
          + ": holds no trained model (movie/model or user/model); expected the output of the 'sft' stage");
    }
    PreparedData data = setup.data().apply(context);
    ConsistencyEvaluator evaluator =
        new ConsistencyEvaluator(data, setup.eval().apply(context.config()), context.config().seed() + 77);
    EvalReport report = evaluator.evaluate(models, context.compute().device());
    report.write(context.run().path());
    Map<String, Object> record = new LinkedHashMap<>();
    report.stages().forEach((stage, table) -> {
      table.tasks().forEach((task, score) -> {
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("sc_" + task, score.sc());
        if (score.bc() != null) {
          metrics.put("bc_" + task, score.bc());
        }
        context.metrics().log(StageName.EVAL.key() + "/" + stage, 0, metrics);
      });
      record.put(stage + "_mean_sc", table.meanSc());
      if (table.meanBc() != null) {
        record.put(stage + "_mean_bc", table.meanBc());
      }
    });
    report.baselines().forEach((name, table) -> record.put(name + "_mean_sc", table.meanSc()));
    record.put("eval_json", context.run().path().resolve(EvalReport.JSON_FILE).toString());
    return record;
  }
}
