package dev.elmrlaif.rlaif.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elmrlaif.rlaif.config.EvalConfig;
import dev.elmrlaif.rlaif.config.ModelConfig;
import dev.elmrlaif.rlaif.config.PretrainConfig;
import dev.elmrlaif.rlaif.config.SftConfig;
import dev.elmrlaif.rlaif.config.SftSchedule;
import dev.elmrlaif.rlaif.config.Stage2Parameters;
import dev.elmrlaif.rlaif.eval.EvalReport;
import dev.elmrlaif.rlaif.eval.EvalStage;
import dev.elmrlaif.rlaif.movielens.TinyMovieLens;
import dev.elmrlaif.rlaif.pipeline.DataStage;
import dev.elmrlaif.rlaif.pipeline.ReportStage;
import dev.elmrlaif.rlaif.pipeline.StagePipeline;
import dev.elmrlaif.rlaif.pipeline.TokenizerStage;
import dev.elmrlaif.rlaif.train.PretrainStage;
import dev.elmrlaif.rlaif.train.SftStage;
import dev.elmrlaif.rlaif.train.TrainingSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif train} through data, tokenizer, pretrain, sft, eval and report on a small generated
 * MovieLens: the supervised stages read what the real data and tokenizer stages wrote.
 */
class SupervisedPipelineTest {
  @TempDir Path dir;

  @Test
  void dataTokenizerPretrainSftEvalReport() throws Exception {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, String.join("\n",
        "stages: [data, tokenizer, pretrain, sft, eval, report]",
        "device: cpu",
        "data:",
        "  root: " + root,
        "  cache_dir: " + dir.resolve("cache"),
        "  held_out_movies: 0.2",
        "  held_out_users: 0.2",
        "  semantic_dimension: 8",
        "  auto_download: false",
        "  wals:",
        "    dimension: 4",
        "    iterations: 4",
        "  tasks:",
        "    enabled: [summary, similarities, user_profile]",
        "tokenizer:",
        "  vocab_size: 400",
        "trainer:",
        "  batch_size: 4",
        "  warmup_steps: 1",
        "  checkpoint_every: 2",
        "  log_every: 1",
        "logging:",
        "  progress: \"off\"",
        "  tensorboard: false",
        ""));
    TrainingSetup setup = TrainingSetup.fixed(new ModelConfig("", 96, 1, 2, 16, 16, 0.02),
        new PretrainConfig(4, 0, 1, 0.1),
        new SftConfig(SftSchedule.TWO_STAGE, List.of("movie", "user"), 2, 3, 1e-2, 5e-3, Stage2Parameters.FULL, 4, 8,
            0, 8, 0.1),
        new EvalConfig(3, 8, 4, 10, 0.5), TrainingSetup.preparedData());
    picocli.CommandLine.IFactory factory = new picocli.CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K obj = picocli.CommandLine.defaultFactory().create(cls);
        if (obj instanceof TrainCommand train) {
          train.env = Map.of();
          train.pipelines = () -> new StagePipeline(List.of(new DataStage(), new TokenizerStage(),
              new PretrainStage(setup), new SftStage(setup), new EvalStage(setup), new ReportStage()));
        }
        return obj;
      }
    };
    picocli.CommandLine cli = RlaifCommand.commandLine(factory);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    Path run = dir.resolve("run");
    assertEquals(0, cli.execute("train", cfg.toString(), "--run-dir", run.toString()), err.toString());

    JsonNode eval = EvalReport.readJson(run);
    JsonNode tasks = eval.get("stages").get("sft").get("tasks");
    for (String task : List.of("summary", "similarities", "user_profile")) {
      assertEquals(3, tasks.get(task).get("n").asInt(), task);
    }
    assertTrue(tasks.get("user_profile").get("bc").isNumber());
    String report = Files.readString(run.resolve("report.md"));
    for (String stage : List.of("| pretrain |", "| sft |", "| eval |")) {
      assertTrue(report.contains(stage), stage + " in " + report);
    }
    assertTrue(Files.readString(run.resolve("metrics.jsonl")).contains("\"stage\":\"sft/user/stage2\""));
  }
}
