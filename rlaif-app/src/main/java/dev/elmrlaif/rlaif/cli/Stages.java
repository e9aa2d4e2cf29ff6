package dev.elmrlaif.rlaif.cli;

import dev.elmrlaif.rlaif.pipeline.DataStage;
import dev.elmrlaif.rlaif.pipeline.ReportStage;
import dev.elmrlaif.rlaif.pipeline.StagePipeline;
import dev.elmrlaif.rlaif.pipeline.TokenizerStage;
import dev.elmrlaif.rlaif.eval.EvalStage;
import dev.elmrlaif.rlaif.rl.stage.EvalByEnvironmentStage;
import dev.elmrlaif.rlaif.rl.stage.RlStage;
import dev.elmrlaif.rlaif.rl.stage.ToyEvalStage;
import dev.elmrlaif.rlaif.train.PretrainStage;
import dev.elmrlaif.rlaif.train.SftStage;
import dev.elmrlaif.rlaif.train.TrainingSetup;
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
            new SftStage(setup),
            new RlStage(setup.data()),
            new EvalByEnvironmentStage(new ToyEvalStage(), new EvalStage(setup)),
            new ReportStage()));
  }
}
