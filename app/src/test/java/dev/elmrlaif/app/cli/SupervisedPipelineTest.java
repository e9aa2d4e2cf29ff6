package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif train} through every stage this build has (data, tokenizer, pretrain, sft, eval,
 * report) on a small generated MovieLens, configured by YAML alone; then a resume that finds every
 * stage done and redoes none.
 */
class SupervisedPipelineTest {
  @TempDir Path dir;

  @Test
  void dataTokenizerPretrainSftEvalReportThenResume() throws Exception {
    Path cfg =
        CliHarness.tinyMovieLensConfig(
            dir,
            "summary, similarities, user_profile",
            String.join(
                "\n",
                "stages: [data, tokenizer, pretrain, sft, eval, report]",
                "tokenizer: {vocab_size: 400}",
                "model: {context_length: 96, layers: 1, heads: 2, d_model: 16, adapter_hidden: 16}",
                "pretrain: {steps: 4, eval_every: 0, eval_batches: 1}",
                "sft: {stage1_steps: 2, stage2_steps: 3, stage1_learning_rate: 1.0e-2,"
                    + " stage2_learning_rate: 5.0e-3, eval_every: 0, eval_examples: 8}",
                "eval: {max_per_task: 3, max_new_tokens: 8, batch_size: 4, bc_candidates: 10}",
                "trainer: {batch_size: 4, warmup_steps: 1, checkpoint_every: 2, log_every: 1}",
                "logging: {progress: \"off\", tensorboard: false}",
                ""));
    Path run = dir.resolve("run");
    CliHarness.Result result = CliHarness.run("train", cfg.toString(), "--run-dir", run.toString());
    assertEquals(0, result.exitCode(), result.err());

    JsonNode data = new ObjectMapper().readTree(run.resolve("stages/data.json").toFile());
    assertTrue(data.get("train_examples").asInt() > 0);
    assertTrue(Files.readString(run.resolve("data/summary.txt")).contains("entities"));

    try (ElmTokenizer tok = ElmTokenizer.load(run.resolve("tokenizer/tokenizer.json"))) {
      assertEquals(400, tok.vocabSize());
      assertEquals(1, tok.encode("<|entity_0|>").length);
      assertEquals(
          1, tok.encode("<|entity_1|>").length, "two-movie tasks need a second placeholder");
      String s = "A movie about love, loss and time travel.";
      assertEquals(s, tok.decode(tok.encode(s)));
    }

    JsonNode tasks = EvalReport.readJson(run).get("stages").get("sft").get("tasks");
    for (String task : List.of("summary", "similarities", "user_profile")) {
      assertEquals(3, tasks.get(task).get("n").asInt(), task);
    }
    assertTrue(tasks.get("user_profile").get("bc").isNumber());
    String report = Files.readString(run.resolve("report.md"));
    for (String stage : List.of("| tokenizer |", "| pretrain |", "| sft |", "| eval |")) {
      assertTrue(report.contains(stage), stage + " in " + report);
    }
    assertTrue(report.contains("vocab_size = 400"), report);
    // report.md carries eval.md's tables, headings nested, every SC and BC figure with its interval
    assertTrue(report.contains("\n#### Semantic consistency (SC)\n"), report);
    assertTrue(report.contains("\n#### Behavioral consistency (BC)\n"), report);
    assertTrue(report.contains("\n#### Text figures\n"), report);
    String figure = "-?\\d\\.\\d{3}";
    assertTrue(
        java.util.regex.Pattern.compile(
                "\\| user_profile \\| 3 \\| "
                    + figure
                    + " \\["
                    + figure
                    + ", "
                    + figure
                    + "\\] \\|")
            .matcher(report)
            .find(),
        report);
    // report.html beside it: the same evaluation with intervals, a plot per training curve
    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("<h3>Behavioral consistency (BC)</h3>"), html);
    assertTrue(html.contains("alt=\"sft/user/stage2: loss\""), html);
    java.util.regex.Matcher image =
        java.util.regex.Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    while (image.find()) {
      assertTrue(Files.isRegularFile(run.resolve(image.group(1))), image.group(1));
    }
    assertEquals(
        3 * 3,
        Files.readAllLines(run.resolve("generations.jsonl")).size(),
        "every held-out generation");
    assertTrue(
        Files.readString(run.resolve("metrics.jsonl")).contains("\"stage\":\"sft/user/stage2\""));

    // A resume finds every stage done and leaves their outputs untouched.
    long tokenizerTime =
        Files.getLastModifiedTime(run.resolve("tokenizer/tokenizer.json")).toMillis();
    long evalTime = Files.getLastModifiedTime(run.resolve("eval.json")).toMillis();
    Files.delete(run.resolve("report.md"));
    Files.delete(run.resolve("stages/report.json"));
    CliHarness.Result resumed = CliHarness.run("train", "--resume", run.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(
        tokenizerTime,
        Files.getLastModifiedTime(run.resolve("tokenizer/tokenizer.json")).toMillis());
    assertEquals(evalTime, Files.getLastModifiedTime(run.resolve("eval.json")).toMillis());
    assertTrue(Files.exists(run.resolve("report.md")));
  }
}
