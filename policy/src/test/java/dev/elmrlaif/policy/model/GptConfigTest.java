package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config record's validation and its Hugging Face {@code config.json} form. */
class GptConfigTest {
  @Test
  void writesAndReadsHuggingFaceKeys(@TempDir Path dir) throws IOException {
    GptConfig config =
        GptConfig.builder()
            .vocabSize(300)
            .contextLength(64)
            .layers(3)
            .heads(4)
            .dModel(32)
            .mlpRatio(2)
            .layerNormEps(1e-6)
            .initStd(0.05)
            .tiedHead(false)
            .build();
    Path file = dir.resolve("config.json");
    config.write(file);
    var json = new ObjectMapper().readTree(file.toFile());
    assertEquals(32, json.get("n_embd").intValue());
    assertEquals(3, json.get("n_layer").intValue());
    assertEquals(4, json.get("n_head").intValue());
    assertEquals(64, json.get("n_positions").intValue());
    assertEquals(300, json.get("vocab_size").intValue());
    assertEquals(64, json.get("n_inner").intValue());
    assertEquals(1e-6, json.get("layer_norm_epsilon").doubleValue());
    assertEquals("gelu_new", json.get("activation_function").asText());
    assertEquals(config, GptConfig.read(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void gpt2DefaultsApplyWhenOptionalKeysAreAbsent() throws IOException {
    var json =
        new ObjectMapper()
            .readTree(
                "{\"n_embd\": 768, \"n_layer\": 12, \"n_head\": 12, \"n_ctx\": 1024, \"vocab_size\": 50257, \"n_inner\": null}");
    GptConfig config = GptConfig.fromHfJson(json, "gpt2/config.json");
    assertEquals(new GptConfig(50257, 1024, 12, 12, 768, 4, 1e-5, 0.02, true), config);
    assertEquals(64, config.headDim());
    assertEquals(3072, config.mlpDim());
  }

  @Test
  void invalidValuesAreRejectedNamingTheFieldOrKey() throws IOException {
    IllegalArgumentException heads =
        assertThrows(
            IllegalArgumentException.class, () -> GptConfig.builder().dModel(30).heads(4).build());
    assertEquals("GptConfig.dModel: found 30, expected a multiple of heads=4", heads.getMessage());
    var relu =
        new ObjectMapper()
            .readTree(
                "{\"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 8, \"vocab_size\": 5, \"activation_function\": \"relu\"}");
    CheckpointFormatException activation =
        assertThrows(
            CheckpointFormatException.class, () -> GptConfig.fromHfJson(relu, "m/config.json"));
    assertEquals(
        "m/config.json: key activation_function: found \"relu\", expected \"gelu_new\" (the tanh GELU of GPT-2)",
        activation.getMessage());
    var text =
        new ObjectMapper()
            .readTree(
                "{\"n_embd\": \"eight\", \"n_layer\": 1, \"n_head\": 2, \"n_positions\": 8, \"vocab_size\": 5}");
    CheckpointFormatException notInt =
        assertThrows(
            CheckpointFormatException.class, () -> GptConfig.fromHfJson(text, "m/config.json"));
    assertEquals(
        "m/config.json: key n_embd: found \"eight\", expected an integer", notInt.getMessage());
  }
}
