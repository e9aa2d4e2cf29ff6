package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif train configs/toy-comdp-reinforce.yaml} end to end (stages rl, eval, report; no
 * data): the trained toy policy is within total variation 0.05 of the closed-form optimum, and
 * eval.json, the rl stage's toy.json, the model folders, the metrics and the report say so.
 */
class ToyConfigRunTest {
  @TempDir Path dir;

  /** {@code rlaif train configs/toy-comdp-reinforce.yaml} into {@code run}, with {@code sets}. */
  private static RlCli.Result trainToy(Path run, String... sets) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "../configs/toy-comdp-reinforce.yaml",
                "--run-dir",
                run.toString(),
                "--set",
                "logging.progress=\"off\""));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    return RlCli.run(args.toArray(String[]::new));
  }

  @Test
  void theReinforceToyConfigReachesTheOptimumAndWritesEvalJson() throws Exception {
    Path run = dir.resolve("run");
    RlCli.Result result = trainToy(run, "rl.steps=80", "rl.checkpoint_every=40");
    assertEquals(0, result.exitCode(), result.err());

    JsonNode eval = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
    assertEquals("synthetic", eval.get("environment").asText());
    JsonNode toy = eval.get("algorithms").get("reinforce").get("toy");
    double tv = toy.get("tv_to_optimum").asDouble();
    assertEquals(
        "reinforce",
        eval.get("toy").get("algorithm").asText(),
        "the top-level toy is the config's algorithm");
    assertEquals(tv, eval.get("toy").get("tv_to_optimum").asDouble(), 0.0);
    assertTrue(tv <= 0.05, "TV to the optimum " + tv);
    assertEquals(1.0, toy.get("beta").asDouble(), 0.0);
    double trained = toy.get("objective_trained").asDouble();
    double optimal = toy.get("objective_optimal").asDouble();
    assertTrue(
        trained <= optimal + 1e-9 && trained > optimal - 0.05,
        "J " + trained + " vs optimum " + optimal);

    JsonNode figures = new ObjectMapper().readTree(run.resolve("rl/reinforce/toy.json").toFile());
    assertEquals(
        tv, figures.get("tv_to_optimum").asDouble(), 1e-9, "eval recomputes what rl measured");

    RlCli.Result again = RlCli.run("eval", run.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(
        again.out().contains("| reinforce | "), "rlaif eval prints the toy table:\n" + again.out());
    assertEquals(
        tv,
        new ObjectMapper()
            .readTree(run.resolve("eval.json").toFile())
            .get("toy")
            .get("tv_to_optimum")
            .asDouble(),
        1e-9,
        "rlaif eval RUN_DIR on a synthetic run recomputes the same figures");
    assertTrue(Files.isRegularFile(run.resolve("rl/reinforce/toy/model/model.safetensors")));
    String metrics = Files.readString(run.resolve("metrics.jsonl"));
    for (String key :
        List.of(
            "\"stage\":\"rl/reinforce/toy\"",
            "\"distinct_2\"",
            "\"samples_per_s\"",
            "\"tokens_per_s\"",
            "\"time_generate_s\"",
            "\"kl_k3\"",
            "\"grad_norm\"")) {
      assertTrue(metrics.contains(key), key);
    }
    JsonNode record =
        new ObjectMapper().readTree(run.resolve("stages/rl.json").toFile()).get("rl/reinforce/toy");
    assertEquals(0, record.get("warnings").get("negative_k1").asInt());
    String report = Files.readString(run.resolve("report.md"));
    assertTrue(
        report.contains("## Evaluation")
            && report.contains("| reinforce | " + String.format(java.util.Locale.ROOT, "%.4f", tv)),
        "the toy table in the report:\n" + report);
  }

  @Test
  void aStepCountForAKindTheRunDoesNotTrainIsRefusedInOneLine() throws Exception {
    Path run = dir.resolve("unknown-kind");
    RlCli.Result result = trainToy(run, "rl.steps_by_kind={movie: 3}");
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(
        result.err().contains("rl.steps_by_kind.movie")
            && result.err().contains("expected one of [toy]"),
        result.err());
    assertTrue(!result.err().contains("\tat "), "no stack trace:\n" + result.err());
    assertTrue(
        !Files.exists(run.resolve("rl/reinforce/toy/model")), "no model is written for the run");
  }
}
