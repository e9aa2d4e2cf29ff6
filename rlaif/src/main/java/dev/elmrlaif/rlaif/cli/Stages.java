package dev.elmrlaif.rlaif.cli;

import dev.elmrlaif.rlaif.pipeline.DataStage;
import dev.elmrlaif.rlaif.pipeline.ReportStage;
import dev.elmrlaif.rlaif.pipeline.StagePipeline;
import dev.elmrlaif.rlaif.pipeline.TokenizerStage;
import java.util.List;

/** The stage implementations this build of {@code rlaif train} can run. */
final class Stages {
  private Stages() {}

  static StagePipeline pipeline() {
    return new StagePipeline(List.of(new DataStage(), new TokenizerStage(), new ReportStage()));
  }
}
