package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif bench} at a tiny size: one table row and one JSON result per width; bad sizes exit
 * 2.
 */
class BenchCommandTest {
  private static final String[] TINY = {
    "bench",
    "--vocab",
    "64",
    "--context",
    "16",
    "--layers",
    "1",
    "--heads",
    "2",
    "--batch",
    "2",
    "--prompt-tokens",
    "4",
    "--warmups",
    "0",
    "--runs",
    "1",
    "--threads",
    "1"
  };

  @Test
  void measuresEachWidthAndWritesJson(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("bench.json");
    String[] args =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(TINY),
                java.util.stream.Stream.of(
                    "--d-model", "8,16", "--new-tokens", "4", "--out", out.toString()))
            .toArray(String[]::new);
    CliHarness.Result result = CliHarness.run(args);
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("\n| 8 | 1 | "), result.out());
    assertTrue(result.out().contains("\n| 16 | 1 | "), result.out());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertEquals(2, json.get("results").size());
    assertEquals(16, json.get("results").get(1).get("workload").get("dModel").asInt());
    for (JsonNode node : json.get("results")) {
      for (String figure :
          new String[] {
            "train_tokens_per_s", "train_adamw_tokens_per_s", "sampling_tokens_per_s"
          }) {
        double rate = node.get(figure).asDouble();
        assertTrue(rate > 0 && Double.isFinite(rate), figure + " = " + rate);
      }
    }
  }

  @Test
  void impossibleSizesExitTwoNamingTheOption() {
    String[] notMultiple =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(TINY),
                java.util.stream.Stream.of("--d-model", "9", "--new-tokens", "4"))
            .toArray(String[]::new);
    CliHarness.Result result = CliHarness.run(notMultiple);
    assertEquals(2, result.exitCode());
    assertTrue(
        result.err().contains("--d-model: found 9, expected a multiple of --heads 2"),
        result.err());

    String[] tooLong =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(TINY),
                java.util.stream.Stream.of("--d-model", "8", "--new-tokens", "20"))
            .toArray(String[]::new);
    result = CliHarness.run(tooLong);
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("exceed the context length 16"), result.err());
  }
}
