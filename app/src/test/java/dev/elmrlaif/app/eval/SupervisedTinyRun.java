package dev.elmrlaif.app.eval;

import dev.elmrlaif.algorithms.config.PretrainConfig;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.train.PretrainStage;
import dev.elmrlaif.algorithms.train.SftStage;
import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.algorithms.train.TrainingSetup;
import dev.elmrlaif.domain.data.PreparedData;
import java.nio.file.Path;
import java.util.List;

/**
 * A run folder of the tiny world whose pretrain and sft stages ran (a movie and a user model, a few
 * steps each), ready for the eval stage: what the evaluation tests start from.
 *
 * @param data the tiny world's prepared data
 * @param runDir the run folder
 * @param context the run's context (close its metrics when done)
 * @param setup the stages' fixed sections
 */
public record SupervisedTinyRun(
    PreparedData data, Path runDir, RunContext context, TrainingSetup setup) {

  /**
   * Generates the tiny world under {@code dir} and trains its supervised models in {@code dir/run}.
   */
  public static SupervisedTinyRun train(Path dir) throws Exception {
    PreparedData data = TinyElmWorld.data(dir);
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
                        .stage1Steps(4)
                        .stage2Steps(8)
                        .stage1LearningRate(0.01)
                        .stage2LearningRate(0.005)
                        .loraRank(4)
                        .loraAlpha(8)
                        .evalEvery(0)
                        .evalExamples(8));
    TrainingSetup setup =
        TrainingSetup.fixed(
            TinyElmWorld.model(),
            PretrainConfig.defaults().with(b -> b.steps(8).evalEvery(0).evalBatches(1)),
            sft,
            TinyElmWorld.eval(),
            c -> data);
    new PretrainStage(setup).run(context);
    new SftStage(setup).run(context);
    return new SupervisedTinyRun(data, runDir, context, setup);
  }
}
