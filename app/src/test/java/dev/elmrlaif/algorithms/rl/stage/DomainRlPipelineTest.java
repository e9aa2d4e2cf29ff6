package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.domain.movielens.TinyMovieLens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif train} with the rl stage on a small generated MovieLens, from YAML alone: the rl
 * stage finds every supervised model (movie and user), trains each with REINFORCE against the
 * domain reward for its own number of steps ({@code rl.steps}, or {@code rl.steps_by_kind} for the
 * user model), logs the step metrics with the reward's components, writes each policy with its
 * tokenizer where the evaluation reads it, and a resume finds the stage done.
 */
class DomainRlPipelineTest {
  @TempDir Path dir;

  @Test
  void everySupervisedModelIsTrainedWithTheDomainReward() throws Exception {
    Path data = dir.resolve("data");
    TinyMovieLens.write(data);
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "device: cpu",
            "stages: [data, tokenizer, pretrain, sft, rl, report]",
            "data:",
            "  root: " + data,
            "  cache_dir: " + dir.resolve("cache"),
            "  held_out_movies: 0.2",
            "  held_out_users: 0.2",
            "  semantic_dimension: 8",
            "  text_encoder: tfidf",
            "  auto_download: false",
            "  wals: {dimension: 4, iterations: 4}",
            "  tasks: {enabled: [summary, user_profile]}",
            "tokenizer: {vocab_size: 400}",
            "model: {context_length: 96, layers: 1, heads: 2, d_model: 16, adapter_hidden: 16}",
            "pretrain: {steps: 2, eval_every: 0, eval_batches: 1}",
            "sft: {stage1_steps: 2, stage2_steps: 2, eval_every: 0, eval_examples: 4}",
            "trainer: {batch_size: 4, warmup_steps: 1, checkpoint_every: 0, log_every: 1}",
            "rl: {algorithms: [reinforce], environment: domain, steps: 3, steps_by_kind: {user: 2},"
                + " batch_contexts: 2, checkpoint_every: 2}",
            "reinforce: {samples_per_context: 2, max_new_tokens: 6, learning_rate: 1.0e-3}",
            "logging: {progress: \"off\", tensorboard: false}",
            ""));
    Path run = dir.resolve("run");
    RlCli.Result result = RlCli.run("train", config.toString(), "--run-dir", run.toString());
    assertEquals(0, result.exitCode(), result.err());

    JsonNode record = new ObjectMapper().readTree(run.resolve("stages/rl.json").toFile());
    for (String kind : List.of("movie", "user")) {
      String label = "rl/reinforce/" + kind;
      int steps = kind.equals("user") ? 2 : 3; // rl.steps_by_kind.user, else rl.steps
      assertEquals(steps, record.get(label).get("steps").asInt(), label);
      assertTrue(Files.isRegularFile(run.resolve(label + "/model/model.safetensors")), label);
      assertTrue(Files.isRegularFile(run.resolve(label + "/model/tokenizer.json")), label);
      assertEquals(steps, ToyRuns.metricSeries(run, label).size(), label + " logs every step");
    }
    String metrics = Files.readString(run.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"reward_sc\""), "reward components are logged");
    assertTrue(
        Files.isDirectory(run.resolve("checkpoints/rl/reinforce/movie")), "a checkpoint at step 2");

    long modelTime =
        Files.getLastModifiedTime(run.resolve("rl/reinforce/movie/model/model.safetensors"))
            .toMillis();
    RlCli.Result resumed = RlCli.run("train", "--resume", run.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(
        modelTime,
        Files.getLastModifiedTime(run.resolve("rl/reinforce/movie/model/model.safetensors"))
            .toMillis(),
        "the finished rl stage is skipped on resume");
  }
}
