package dev.elmrlaif.app.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.movielens.TinyMovieLens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two identical runs of every stage (data, tokenizer, pretrain, sft, rl with REINFORCE and SAC,
 * eval) at the default settings, in child JVMs started as a user would start them (no thread
 * property, no OpenMP/MKL variable: {@code threads: 0}, one intra-op thread per core), write the
 * same eval.json byte for byte and the same bytes for every model.
 *
 * <p>Sized so that the token lookups' gradients in pretraining have 8 x 64 x 64 = 32,768 elements,
 * where PyTorch's CPU backward of advanced indexing switches to atomic additions across threads (in
 * thread order): with that lookup the two runs' pretrained weights already differ. On a one-core
 * machine there is nothing to check, and the test is skipped.
 */
@Tag("reliability")
class DefaultThreadsReproducibilityTest {
  @TempDir Path dir;

  @Test
  void twoRunsAtTheDefaultThreadCountWriteTheSameEvalJsonAndModels() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    Assumptions.assumeTrue(cores > 1, "one core: the default is one intra-op thread");
    Path data = dir.resolve("data");
    TinyMovieLens.write(data);
    Path first = run("first", data);
    Path second = run("second", data);

    Map<String, String> firstFiles = digests(first);
    Map<String, String> secondFiles = digests(second);
    assertTrue(
        firstFiles.containsKey("eval.json")
            && firstFiles.containsKey("rl/sac/movie/model/model.safetensors")
            && firstFiles.containsKey("pretrain/model/model.safetensors"),
        firstFiles.keySet().toString());
    assertEquals(firstFiles.keySet(), secondFiles.keySet());
    // in pipeline order: the first one names the stage where the runs parted
    List<String> differing =
        firstFiles.keySet().stream()
            .filter(file -> !firstFiles.get(file).equals(secondFiles.get(file)))
            .toList();
    assertEquals(List.of(), differing, "files that differ between two identical runs");
    assertEquals(
        Files.readString(first.resolve("eval.json")),
        Files.readString(second.resolve("eval.json")));
  }

  /** One run in its own folder, with its own data cache; checks it ran with one thread per core. */
  private Path run(String name, Path data) throws Exception {
    Path work = dir.resolve(name);
    Files.createDirectories(work);
    Path config = work.resolve("tiny.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "seed: 11",
            "device: cpu",
            "stages: [data, tokenizer, pretrain, sft, rl, eval]",
            "data:",
            "  root: " + data,
            "  cache_dir: " + work.resolve("cache"),
            "  held_out_movies: 0.2",
            "  held_out_users: 0.2",
            "  semantic_dimension: 8",
            "  auto_download: false",
            "  wals: {dimension: 4, iterations: 4}",
            "  tasks: {enabled: [summary, user_profile]}",
            "tokenizer: {vocab_size: 400}",
            "model: {context_length: 64, layers: 1, heads: 2, d_model: 64, adapter_hidden: 16}",
            "pretrain: {steps: 3, eval_every: 0, eval_batches: 1}",
            "sft: {stage1_steps: 2, stage2_steps: 2, eval_every: 0, eval_examples: 4}",
            "trainer: {batch_size: 8, warmup_steps: 1, checkpoint_every: 0, log_every: 1}",
            "rl: {algorithms: [reinforce, sac], environment: domain, steps: 2, batch_contexts: 2, checkpoint_every: 0,"
                + " log_every: 1}",
            "reinforce: {samples_per_context: 4, max_new_tokens: 8, learning_rate: 1.0e-3}",
            "sac: {samples_per_context: 4, max_new_tokens: 8, replay: {capacity: 32}, batch_trajectories: 8,"
                + " warmup_steps: 0}",
            "eval: {max_per_task: 3, max_new_tokens: 8, batch_size: 4, bc_candidates: 10}",
            "logging: {progress: \"off\", tensorboard: false}",
            ""));
    Path run = work.resolve("run");
    try (ChildCli child =
        ChildCli.startAtDefaultThreads(
            work, "train", config.toString(), "--run-dir", run.toString())) {
      assertEquals(0, child.finish(), child.output());
      assertTrue(
          child
              .output()
              .contains("intra-op threads " + Runtime.getRuntime().availableProcessors() + ","),
          "the child ran with one intra-op thread per core:\n" + child.output());
    }
    return run;
  }

  /** SHA-256 of eval.json and of every model, by path in the run folder, in pipeline order. */
  private static Map<String, String> digests(Path run) throws Exception {
    Map<String, String> digests =
        new TreeMap<>(
            (a, b) ->
                Integer.compare(order(a), order(b)) != 0
                    ? Integer.compare(order(a), order(b))
                    : a.compareTo(b));
    try (Stream<Path> files = Files.walk(run)) {
      for (Path file :
          files
              .filter(
                  f ->
                      f.getFileName().toString().equals("model.safetensors")
                          && !run.relativize(f).startsWith("checkpoints"))
              .toList()) {
        digests.put(run.relativize(file).toString(), sha256(file));
      }
    }
    digests.put("eval.json", sha256(run.resolve("eval.json")));
    return digests;
  }

  private static int order(String path) {
    String[] stages = {"pretrain", "sft", "rl", "eval.json"};
    for (int i = 0; i < stages.length; i++) {
      if (path.startsWith(stages[i])) {
        return i;
      }
    }
    return stages.length;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
