package dev.elmrlaif.algorithms.train;

import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.ModelConfig;
import dev.elmrlaif.algorithms.config.PretrainConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.DataStage;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.prepare.DataPreparer;
import java.util.function.Function;

/**
 * How the supervised stages ({@code pretrain}, {@code sft}, {@code eval}) find their config
 * sections and the prepared data. The stages receive this instead of reading fixed accessors, so
 * the CLI wires the sections of {@link RlaifConfig} and tests hand in tiny configs and generated
 * data.
 *
 * @param model the {@code model} section
 * @param pretrain the {@code pretrain} section
 * @param sft the {@code sft} section
 * @param eval the {@code eval} section
 * @param data the prepared data of the run (domain, tasks, examples, text encoder)
 */
public record TrainingSetup(
    Function<RlaifConfig, ModelConfig> model,
    Function<RlaifConfig, PretrainConfig> pretrain,
    Function<RlaifConfig, SftConfig> sft,
    Function<RlaifConfig, EvalConfig> eval,
    Function<RunContext, PreparedData> data) {

  /** The same sections for every run (tests, benchmarks), with the given data. */
  public static TrainingSetup fixed(
      ModelConfig model,
      PretrainConfig pretrain,
      SftConfig sft,
      EvalConfig eval,
      Function<RunContext, PreparedData> data) {
    return new TrainingSetup(c -> model, c -> pretrain, c -> sft, c -> eval, data);
  }

  /**
   * The sections of the run's own config and the run's prepared data: what {@code rlaif train} and
   * {@code rlaif eval} use.
   */
  public static TrainingSetup fromRunConfig() {
    return new TrainingSetup(
        RlaifConfig::model,
        RlaifConfig::pretrain,
        RlaifConfig::sft,
        RlaifConfig::eval,
        preparedData());
  }

  /**
   * The run's prepared data: what this run's {@code data} stage prepared ({@link DataStage#load}),
   * or, when the run has no finished data stage, the prepared-data cache of the {@code data}
   * section (built on first use, reused afterwards).
   */
  public static Function<RunContext, PreparedData> preparedData() {
    return context ->
        context.run().isStageDone(StageName.DATA)
            ? DataStage.load(context)
            : new DataPreparer(context.config().data(), context.config().seed(), context.env())
                .prepare(false);
  }
}
