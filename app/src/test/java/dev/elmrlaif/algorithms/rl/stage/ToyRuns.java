package dev.elmrlaif.algorithms.rl.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small synthetic RL runs for the stage's tests: configs, contexts, and what a run left behind. */
public final class ToyRuns {
  private ToyRuns() {}

  /**
   * A synthetic config (vocabulary 4, horizon 2, width 8) training {@code algorithm} (a YAML name)
   * for {@code steps} steps with a checkpoint every {@code checkpointEvery} and metrics every step:
   * REINFORCE with K = 16, an adaptive β and a moving-average baseline; soft-Q with K = 8, a small
   * separate critic and a replay buffer; SAC with K = 8, an adaptive α and separate critics.
   */
  static Path writeConfig(Path dir, String algorithm, int steps, int checkpointEvery)
      throws IOException {
    return writeConfig(dir, algorithm, steps, checkpointEvery, "threads: 1", 2, 8);
  }

  /**
   * The same with a horizon (every trainer's max_new_tokens) and width of one's own, and a {@code
   * threads} line (empty: the default, one intra-op thread per core).
   */
  static Path writeConfig(
      Path dir,
      String algorithm,
      int steps,
      int checkpointEvery,
      String threads,
      int horizon,
      int dModel)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("toy.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            header(algorithm, steps, checkpointEvery, threads, horizon, dModel),
            "reinforce:",
            "  samples_per_context: 16",
            "  max_new_tokens: " + horizon,
            "  learning_rate: 0.01",
            "  kl: {estimator: k3, level: token, placement: reward, controller: {kind: adaptive, beta: 0.5, target: 0.05,"
                + " horizon: 100, gain: 0.1}}",
            "  baseline: {kind: moving_average, decay: 0.8}",
            "soft_q:",
            "  samples_per_context: 8",
            "  max_new_tokens: " + horizon,
            "  replay: {capacity: 64}",
            "  batch_trajectories: 8",
            "  q_updates_per_step: 2",
            "  distill_updates_per_step: 1",
            "  alpha: 0.5",
            "  q_learning_rate: 0.02",
            "  policy_learning_rate: 0.01",
            "  critic: {trunk: separate, layers: 1, heads: 1, d_model: 8}",
            "sac:",
            "  samples_per_context: 8",
            "  max_new_tokens: " + horizon,
            "  replay: {capacity: 64}",
            "  batch_trajectories: 8",
            "  alpha: {kind: adaptive, beta: 0.5, target: 0.05, horizon: 100, gain: 0.1}",
            "  policy_learning_rate: 0.01",
            "  critic_learning_rate: 0.02",
            "  critic: {trunk: separate, layers: 1, heads: 1, d_model: 8}",
            ""));
    return file;
  }

  /**
   * The first lines of a synthetic run's config (seed 5, CPU, the rl stage only, no progress bar or
   * TensorBoard; vocabulary 4, 2 contexts a step, metrics every step, reward random with scale 2),
   * training {@code algorithm} for {@code steps} steps with a checkpoint every {@code
   * checkpointEvery}; the trainer's own section follows.
   *
   * @param threads the {@code threads} line, e.g. {@code "threads: 1"}; empty for the default
   */
  public static String header(
      String algorithm, int steps, int checkpointEvery, String threads, int horizon, int dModel) {
    return String.join(
        "\n",
        "seed: 5",
        "device: cpu",
        threads,
        "stages: [rl]",
        "logging: {progress: \"off\", tensorboard: false}",
        "rl: {algorithms: ["
            + algorithm
            + "], environment: synthetic, steps: "
            + steps
            + ", batch_contexts: 2,"
            + " checkpoint_every: "
            + checkpointEvery
            + ", log_every: 1, kl_budget: 5.0}",
        "synthetic: {vocab_size: 4, horizon: "
            + horizon
            + ", beta: 0.5, seed: 3, d_model: "
            + dModel
            + ", reward: {kind: random, scale: 2.0}}");
  }

  /** A run context in {@code runDir} for {@code config} (a new run, or the run already there). */
  static RunContext context(Path runDir, Path config) {
    return TinyElmWorld.context(runDir, config);
  }

  /** Every parameter of a saved model, by name. */
  static Map<String, float[]> weights(Path modelFolder) {
    Map<String, float[]> values = new TreeMap<>();
    try (Elm elm = ElmCheckpoint.load(modelFolder, ai.djl.Device.cpu(), DataType.FLOAT32)) {
      for (Map.Entry<String, NDArray> p : elm.parameters().entrySet()) {
        values.put(p.getKey(), p.getValue().toFloatArray());
      }
    }
    return values;
  }

  /**
   * The metric lines of one stage label, each without time, wall-time and throughput keys (which
   * differ between runs), in file order.
   */
  static List<Map<String, String>> metricSeries(Path runDir, String stage) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Map<String, String>> series = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
      JsonNode node = json.readTree(line);
      if (!node.path("stage").asText().equals(stage)) {
        continue;
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (!key.equals("time")
            && !key.startsWith("time_")
            && !key.endsWith("_per_s")
            && !key.equals("step_seconds")) {
          values.put(key, e.getValue().asText());
        }
      }
      series.add(values);
    }
    return series;
  }
}
