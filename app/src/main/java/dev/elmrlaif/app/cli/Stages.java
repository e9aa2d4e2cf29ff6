package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.pipeline.DataStage;
import dev.elmrlaif.algorithms.pipeline.TokenizerStage;
import dev.elmrlaif.algorithms.rl.stage.EvalByEnvironmentStage;
import dev.elmrlaif.algorithms.rl.stage.RlStage;
import dev.elmrlaif.algorithms.rl.stage.ToyEvalStage;
import dev.elmrlaif.algorithms.train.PretrainStage;
import dev.elmrlaif.algorithms.train.SftStage;
import dev.elmrlaif.algorithms.train.TrainingSetup;
import dev.elmrlaif.app.eval.EvalStage;
import dev.elmrlaif.app.eval.TwoStageToyStage;
import dev.elmrlaif.app.pipeline.ReportStage;
import dev.elmrlaif.app.pipeline.StagePipeline;
import java.util.List;

/** The stage implementations this build of {@code rlaif train} can run. */
final class Stages {
  private Stages() {}

  static StagePipeline pipeline() {
    TrainingSetup setup = TrainingSetup.fromRunConfig();
    return new StagePipeline(
        List.of(
            new DataStage(),
            new TokenizerStage(),
            new PretrainStage(setup),
            new TwoStageToyStage(new SftStage(setup)),
            new RlStage(setup.data()),
            new EvalByEnvironmentStage(new ToyEvalStage(), new EvalStage(setup)),
            new ReportStage()));
  }
}
