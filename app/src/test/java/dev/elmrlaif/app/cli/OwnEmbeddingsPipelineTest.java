package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.app.eval.EvalReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code configs/own-embeddings-example.yaml} end to end from the command line (own
 * embeddings): {@code rlaif data make-example --size tiny} writes the invented recipe domain, then
 * {@code rlaif train} runs data, tokenizer, pretrain, sft, rl (REINFORCE), eval and report on it,
 * with only the sizes shrunk. Every task of both models (recipe, user) is evaluated after sft and
 * after rl, and behavioral consistency is scored where the interactions give it (the cook profile).
 */
class OwnEmbeddingsPipelineTest {
  @TempDir Path dir;

  @Test
  void exampleDatasetTrainsAndEvaluatesEndToEnd() throws Exception {
    Path files = dir.resolve("recipes");
    CliHarness.Result made =
        CliHarness.run("data", "make-example", files.toString(), "--size", "tiny");
    assertEquals(0, made.exitCode(), made.err());
    assertTrue(Files.isRegularFile(files.resolve("user_taste.npy")), made.out());

    Path config = dir.resolve("tiny.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "extends: " + Path.of("..", "configs", "own-embeddings-example.yaml").toAbsolutePath(),
            "device: cpu",
            "data:",
            "  files: {folder: " + files + "}",
            "  cache_dir: " + dir.resolve("cache"),
            "  semantic_dimension: 12",
            "  text_encoder: tfidf",
            "tokenizer: {vocab_size: 300}",
            "model: {context_length: 96, layers: 1, heads: 2, d_model: 16, adapter_hidden: 16}",
            "pretrain: {steps: 4, eval_every: 0, eval_batches: 1}",
            "sft: {stage1_steps: 2, stage2_steps: 3, eval_every: 0, eval_examples: 8}",
            "rl: {steps: 2, batch_contexts: 2, checkpoint_every: 0, log_every: 1}",
            "reinforce: {samples_per_context: 2, max_new_tokens: 8}",
            "eval: {max_per_task: 3, max_new_tokens: 8, batch_size: 4, bc_candidates: 10}",
            "trainer: {batch_size: 4, warmup_steps: 1, checkpoint_every: 2, log_every: 1}",
            "logging: {progress: \"off\", tensorboard: false}",
            ""));
    Path run = dir.resolve("run");
    CliHarness.Result result =
        CliHarness.run("train", config.toString(), "--run-dir", run.toString());
    assertEquals(0, result.exitCode(), result.err());

    JsonNode data = new ObjectMapper().readTree(run.resolve("stages/data.json").toFile());
    assertEquals(
        List.of("sc", "bc"),
        List.of(
            data.get("rewards_available").get(0).asText(),
            data.get("rewards_available").get(1).asText()));
    String summary = Files.readString(run.resolve("data/summary.txt"));
    assertTrue(summary.contains("recipe_text") && summary.contains("taste"), summary);

    for (String kind : List.of("recipe", "user")) {
      assertTrue(Files.isDirectory(run.resolve("sft").resolve(kind).resolve("model")), kind);
    }
    for (String kind : List.of("recipe", "user")) {
      assertTrue(
          Files.isDirectory(run.resolve("rl").resolve("reinforce").resolve(kind).resolve("model")),
          kind);
    }
    for (String stage : List.of("sft", "rl_reinforce")) {
      JsonNode tasks = EvalReport.readJson(run).get("stages").get(stage).get("tasks");
      for (String task : List.of("describe", "serve", "compare", "cook_profile")) {
        assertEquals(3, tasks.get(task).get("n").asInt(), stage + " " + task);
        assertTrue(tasks.get(task).get("sc").isNumber(), stage + " " + task);
      }
      assertTrue(tasks.get("cook_profile").get("bc").isNumber(), tasks.toString());
      assertTrue(
          tasks.get("describe").path("bc").isMissingNode()
              || tasks.get("describe").get("bc").isNull(),
          "BC applies to the interactions' row kind (users) only: " + tasks);
    }
    assertTrue(Files.readString(run.resolve("report.md")).contains("| sft |"));
  }
}
