package dev.elmrlaif.algorithms.train;

import ai.djl.Device;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.LoggingConfig;
import dev.elmrlaif.algorithms.config.ModelConfig;
import dev.elmrlaif.algorithms.config.PretrainConfig;
import dev.elmrlaif.algorithms.config.SftConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.algorithms.run.MetricsLog;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.app.eval.EvalStage;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.prepare.DataPreparer;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.tokenizer.BpeTrainerConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times data -> tokenizer -> pretrain -> sft -> eval on real MovieLens data at a quickstart size,
 * and prints eval.md (whether the supervised ELM beats the random baselines). Not a test: run
 *
 * <pre>
 *   java -cp ... dev.elmrlaif.algorithms.train.SupervisedPipelineBenchmark RUN_DIR DATA_ROOT \
 *       PRETRAIN_STEPS STAGE1_STEPS STAGE2_STEPS [TASKS=summary,positive_review,user_profile]
 * </pre>
 *
 * System properties {@code bench.vocab}, {@code bench.context}, {@code bench.layers}, {@code
 * bench.dModel}, {@code bench.stage1Rate}, {@code bench.stage2Rate} change the size. The tokenizer
 * step stands in for the pipeline's tokenizer stage (BPE, 2048 tokens, training texts).
 */
public final class SupervisedPipelineBenchmark {
  private SupervisedPipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path runDir = Path.of(args[0]);
    String dataRoot = args[1];
    int pretrainSteps = Integer.parseInt(args[2]);
    int stage1 = Integer.parseInt(args[3]);
    int stage2 = Integer.parseInt(args[4]);
    String tasks = args.length > 5 ? args[5] : "summary,positive_review,user_profile";
    Files.createDirectories(runDir);
    Path config = runDir.resolve("bench.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "seed: 42",
            "device: cpu",
            "data:",
            "  root: " + dataRoot,
            "  tasks:",
            "    enabled: [" + tasks + "]",
            "    movies_per_task: 1000",
            "trainer:",
            "  learning_rate: 1.0e-3",
            "  batch_size: 16",
            "  warmup_steps: 20",
            "  checkpoint_every: 200",
            "  log_every: 20",
            "logging:",
            "  progress: \"off\"",
            ""));
    LoadedConfig loaded = new ConfigLoader().load(config, List.of());
    RunDirectory run = RunDirectory.createAt(runDir.resolve("run"));
    run.writeConfig(Files.readString(config));
    ComputeEnvironment compute =
        ComputeEnvironment.select(dev.elmrlaif.algorithms.config.DeviceSpec.parse("cpu"), 0);
    Map<String, Double> seconds = new LinkedHashMap<>();
    try (MetricsLog metrics = new MetricsLog(run.metricsFile(), null, Clock.systemUTC())) {
      RunContext context =
          new RunContext(
              loaded,
              run,
              compute,
              metrics,
              ProgressReporter.of(
                  LoggingConfig.defaults()
                      .with(b -> b.progress(LoggingConfig.ProgressMode.OFF).tensorboard(false)),
                  Map.of()),
              System.getenv());
      long t = System.nanoTime();
      PreparedData data =
          new DataPreparer(loaded.config().data(), 42, System.getenv()).prepare(false);
      seconds.put("data", (System.nanoTime() - t) / 1e9);

      t = System.nanoTime();
      List<String> corpus = new ArrayList<>();
      for (List<TaskExample> examples : data.trainExamples().values()) {
        for (TaskExample example : examples) {
          corpus.add(example.target());
        }
      }
      int vocabulary = Integer.getInteger("bench.vocab", 2048);
      try (ElmTokenizer tokenizer =
          ElmTokenizer.train(corpus, BpeTrainerConfig.builder().vocabSize(vocabulary).build())) {
        Files.createDirectories(RunArtifacts.tokenizerFile(run).getParent());
        tokenizer.save(RunArtifacts.tokenizerFile(run));
      }
      seconds.put("tokenizer", (System.nanoTime() - t) / 1e9);

      ModelConfig model =
          ModelConfig.defaults()
              .with(
                  b ->
                      b.contextLength(Integer.getInteger("bench.context", 160))
                          .layers(Integer.getInteger("bench.layers", 4))
                          .dModel(Integer.getInteger("bench.dModel", 128)));
      PretrainConfig pretrain = PretrainConfig.defaults().withSteps(pretrainSteps);
      double stage1Rate = Double.parseDouble(System.getProperty("bench.stage1Rate", "3e-3"));
      double stage2Rate = Double.parseDouble(System.getProperty("bench.stage2Rate", "1e-3"));
      SftConfig sft =
          SftConfig.defaults()
              .with(
                  b ->
                      b.models(List.of("movie", "user"))
                          .stage1Steps(stage1)
                          .stage2Steps(stage2)
                          .stage1LearningRate(stage1Rate)
                          .stage2LearningRate(stage2Rate)
                          .evalEvery(0));
      EvalConfig eval = EvalConfig.defaults().with(b -> b.maxNewTokens(96).batchSize(25));
      TrainingSetup setup = TrainingSetup.fixed(model, pretrain, sft, eval, c -> data);

      t = System.nanoTime();
      System.out.println("pretrain: " + new PretrainStage(setup).run(context));
      seconds.put("pretrain", (System.nanoTime() - t) / 1e9);
      t = System.nanoTime();
      System.out.println("sft: " + new SftStage(setup).run(context));
      seconds.put("sft", (System.nanoTime() - t) / 1e9);
      t = System.nanoTime();
      System.out.println("eval: " + new EvalStage(setup).run(context));
      seconds.put("eval", (System.nanoTime() - t) / 1e9);
    }
    System.out.println("seconds per stage: " + seconds);
    System.out.println(Files.readString(run.path().resolve(EvalReport.MARKDOWN_FILE)));
    System.out.println("device: " + Device.cpu() + ", threads " + compute.intraOpThreads());
  }
}
