package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.app.pipeline.StageReuse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif train --stage-store DIR} on a small generated MovieLens: a second run with the same
 * supervised settings and another RL learning rate reuses data, tokenizer, pretrain and sft (its
 * log, stage_reuse.json and symbolic links say so), trains RL, and evaluates the reused SFT model
 * to the same figures as the first run; {@code rlaif sweep --dry-run --stage-store} predicts it.
 */
class StageStoreRunTest {
  private static final List<String> SUPERVISED = List.of("data", "tokenizer", "pretrain", "sft");

  @TempDir Path dir;

  private Path config() throws Exception {
    return CliHarness.tinyMovieLensConfig(
        dir,
        "summary",
        String.join(
            "\n",
            "stages: [data, tokenizer, pretrain, sft, rl, eval]",
            "tokenizer: {vocab_size: 300}",
            "model: {context_length: 48, layers: 1, heads: 2, d_model: 16, adapter_hidden: 16}",
            "pretrain: {steps: 2, eval_every: 0, eval_batches: 1}",
            "sft: {stage1_steps: 1, stage2_steps: 2, eval_every: 0, eval_examples: 4}",
            "trainer: {batch_size: 4, warmup_steps: 1, checkpoint_every: 0, log_every: 1}",
            "rl: {algorithms: [reinforce], environment: domain, steps: 1, batch_contexts: 2,"
                + " checkpoint_every: 0, log_every: 1}",
            "reinforce: {samples_per_context: 2, max_new_tokens: 4, learning_rate: 1.0e-3}",
            "eval: {max_per_task: 2, max_new_tokens: 4, batch_size: 2, bc_candidates: 10,"
                + " bootstrap_resamples: 100}",
            "logging: {progress: \"off\", tensorboard: false}",
            ""));
  }

  private static Map<String, JsonNode> reuse(Path run) throws Exception {
    Map<String, JsonNode> byStage = new LinkedHashMap<>();
    new ObjectMapper()
        .readTree(run.resolve(StageReuse.FILE).toFile())
        .path("stages")
        .forEach(n -> byStage.put(n.path("stage").asText(), n));
    return byStage;
  }

  @Test
  void aSecondRunWithOtherRlSettingsReusesTheSupervisedStages() throws Exception {
    Path cfg = config();
    Path store = dir.resolve("store");
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    CliHarness.Result one =
        CliHarness.run(
            "train",
            cfg.toString(),
            "--run-dir",
            first.toString(),
            "--stage-store",
            store.toString());
    assertEquals(0, one.exitCode(), one.err());
    CliHarness.Result two =
        CliHarness.run(
            "train",
            cfg.toString(),
            "--set",
            "reinforce.learning_rate=2.0e-3",
            "--run-dir",
            second.toString(),
            "--stage-store",
            store.toString());
    assertEquals(0, two.exitCode(), two.err());

    // 1. the first run trained and published every stored stage, the second reused the supervised
    Map<String, JsonNode> firstReuse = reuse(first);
    Map<String, JsonNode> secondReuse = reuse(second);
    assertEquals(
        List.of("data", "tokenizer", "pretrain", "sft", "rl"), List.copyOf(firstReuse.keySet()));
    firstReuse
        .values()
        .forEach(n -> assertEquals(false, n.path("reused").asBoolean(), n.toString()));
    String log = Files.readString(second.resolve("run.log"));
    for (String stage : SUPERVISED) {
      JsonNode line = secondReuse.get(stage);
      assertTrue(line.path("reused").asBoolean(), line.toString());
      String key = firstReuse.get(stage).path("key").asText();
      assertEquals(key, line.path("key").asText(), stage);
      assertEquals(store.resolve(key).toAbsolutePath().toString(), line.path("from").asText());
      assertTrue(log.contains("stage " + stage + ": reused " + key + " from "), log);
      assertTrue(Files.isSymbolicLink(second.resolve(stage)), stage);
    }
    assertEquals(false, secondReuse.get("rl").path("reused").asBoolean());
    assertTrue(
        !secondReuse
            .get("rl")
            .path("key")
            .asText()
            .equals(firstReuse.get("rl").path("key").asText()),
        "another RL learning rate, another RL key");
    try (Stream<Path> entries = Files.list(store)) {
      assertEquals(
          6, entries.filter(Files::isDirectory).count(), "4 supervised entries, 2 RL entries");
    }

    // 2. the reused SFT model evaluates to the first run's figures
    JsonNode firstSft = EvalReport.readJson(first).path("stages").path("sft");
    JsonNode secondSft = EvalReport.readJson(second).path("stages").path("sft");
    assertTrue(firstSft.path("tasks").path("summary").path("n").asInt() > 0, firstSft.toString());
    assertEquals(firstSft, secondSft);

    // 3. a resume remembers the store without --stage-store
    Files.delete(second.resolve("stages/eval.json"));
    CliHarness.Result resumed = CliHarness.run("train", "--resume", second.toString());
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertTrue(
        Files.readString(second.resolve("run.log"))
            .contains("stage store " + store.toAbsolutePath()));

    // 4. the sweep's dry run names the stages each run would reuse, for the config each trial
    // really gets: the executor sets threads=1 (cpus_per_task), and threads is in the key of every
    // stage that trains, so against runs made with the config's threads: 0 only data and tokenizer
    // come from the store, and the second trial takes pretrain and sft from the first ...
    Path sweep =
        Files.writeString(
            dir.resolve("sweep.yaml"),
            "config: tiny.yaml\ngrid:\n  reinforce.learning_rate: [1.0e-3, 3.0e-3]\n");
    List<String> lines = dryRun(sweep, store);
    assertTrue(
        lines
            .get(0)
            .endsWith(
                "stage store: reuses data, tokenizer (in the store); trains pretrain, sft, rl"),
        lines.get(0));
    assertTrue(
        lines
            .get(1)
            .endsWith(
                "stage store: reuses data, tokenizer (in the store); reuses pretrain, sft (from"
                    + " p00); trains rl"),
        lines.get(1));
    // ... and a sweep that keeps threads: 0 reuses what the two runs above trained
    Path sameThreads =
        Files.writeString(
            dir.resolve("sweep-threads.yaml"),
            "config: tiny.yaml\ngrid:\n  threads: [0]\n  reinforce.learning_rate: [1.0e-3, 3.0e-3]\n");
    lines = dryRun(sameThreads, store);
    assertTrue(
        lines
            .get(0)
            .endsWith("stage store: reuses data, tokenizer, pretrain, sft, rl (in the store)"),
        lines.get(0));
    assertTrue(
        lines
            .get(1)
            .endsWith(
                "stage store: reuses data, tokenizer, pretrain, sft (in the store); trains rl"),
        lines.get(1));
  }

  /** The trial lines of {@code rlaif sweep SWEEP --dry-run --stage-store STORE}. */
  private static List<String> dryRun(Path sweep, Path store) {
    CliHarness.Result dry =
        CliHarness.run("sweep", sweep.toString(), "--dry-run", "--stage-store", store.toString());
    assertEquals(0, dry.exitCode(), dry.err());
    List<String> lines = dry.out().lines().filter(l -> !l.startsWith("#")).toList();
    assertEquals(2, lines.size(), dry.out());
    return lines;
  }
}
