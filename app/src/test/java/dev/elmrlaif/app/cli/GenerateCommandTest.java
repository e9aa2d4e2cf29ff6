package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.tokenizer.BpeTrainerConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif generate}: deterministic generations whose reported log-probs the model confirms,
 * and input errors.
 */
class GenerateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "describe <|entity_0|> please";

  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void writeModel() throws IOException {
    Path source = dir.resolve("tokenizer");
    try (ElmTokenizer tokenizer =
        ElmTokenizer.train(
            List.of(
                "a quiet drama about a dog",
                "a funny movie",
                "the dog is quiet and funny",
                "describe please"),
            BpeTrainerConfig.builder().vocabSize(300).minPairFrequency(1).build())) {
      tokenizer.save(source);
      int vocab = tokenizer.vocabSize();
      GptConfig lm =
          GptConfig.builder()
              .vocabSize(vocab)
              .contextLength(24)
              .layers(1)
              .heads(2)
              .dModel(16)
              .mlpRatio(2)
              .initStd(0.3)
              .build();
      List<Integer> placeholders = new ArrayList<>();
      for (long id : tokenizer.placeholderIds()) {
        placeholders.add(Math.toIntExact(id));
      }
      int end = Math.toIntExact(tokenizer.endId().getAsLong());
      int pad = Math.toIntExact(tokenizer.padId().getAsLong());
      ElmConfig config = new ElmConfig(lm, new AdapterConfig(3, 8, 0.5), placeholders, end, pad);
      model = dir.resolve("model");
      try (Elm elm = Elm.initialize(config, Device.cpu(), DataType.FLOAT32, 11)) {
        ElmCheckpoint.save(elm, model, source.resolve("tokenizer.json"));
      }
    }
  }

  private static List<JsonNode> lines(String out) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void samplesAreSeededAndTheirLogProbsAreTheModels() throws IOException {
    String[] args = {
      "generate",
      "--model",
      model.toString(),
      "--prompt",
      PROMPT,
      "--vector",
      "0.5,-1,2",
      "--samples",
      "3",
      "--max-new-tokens",
      "6",
      "--seed",
      "5"
    };
    CliHarness.Result first = CliHarness.run(args);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(first.out(), CliHarness.run(args).out(), "same seed, same generations");
    List<JsonNode> generations = lines(first.out());
    assertEquals(3, generations.size());

    try (ElmTokenizer tokenizer = ElmTokenizer.load(model.resolve("tokenizer.json"));
        Elm elm = ElmCheckpoint.load(model, Device.cpu(), DataType.FLOAT32);
        NDScope arrays = new NDScope();
        NDManager scope = elm.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      long[] promptIds = tokenizer.encode(PROMPT);
      int[] prompt = new int[promptIds.length];
      for (int i = 0; i < prompt.length; i++) {
        prompt[i] = Math.toIntExact(promptIds[i]);
      }
      List<ElmPrompt> prompts = new ArrayList<>();
      List<int[]> continuations = new ArrayList<>();
      for (JsonNode generation : generations) {
        int[] ids = new int[generation.get("token_ids").size()];
        for (int t = 0; t < ids.length; t++) {
          ids[t] = generation.get("token_ids").get(t).asInt();
        }
        assertEquals(ids.length, generation.get("tokens").asInt());
        assertTrue(ids.length >= 1 && ids.length <= 6, "length " + ids.length);
        prompts.add(new ElmPrompt(prompt, new float[][] {{0.5f, -1f, 2f}}));
        continuations.add(ids);
      }
      double[] expected =
          elm.continuationLogProbs(scope, prompts, continuations, false)
              .sequenceLogProbs()
              .toType(DataType.FLOAT64, false)
              .toDoubleArray();
      for (int i = 0; i < generations.size(); i++) {
        assertEquals(i, generations.get(i).get("sample").asInt());
        assertEquals(
            expected[i],
            generations.get(i).get("logprob").asDouble(),
            1e-4,
            "log pi(y|c) of sample " + i);
      }
    }
  }

  @Test
  void aVectorsFileGivesOneGroupPerLineAndGreedyMatchesTheCommandLineVector() throws IOException {
    Path vectors =
        Files.writeString(
            dir.resolve("two.jsonl"),
            "{\"id\": \"a\", \"entities\": [[0.5, -1, 2]]}\n\n{\"id\": \"b\", \"entities\": [[-3, 0, 1]]}\n");
    Path out = dir.resolve("out.jsonl");
    CliHarness.Result result =
        CliHarness.run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            PROMPT,
            "--vectors",
            vectors.toString(),
            "--greedy",
            "--max-new-tokens",
            "5",
            "--out",
            out.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertEquals("", result.out(), "--out writes the file, not standard output");
    List<JsonNode> fromFile = lines(Files.readString(out));
    assertEquals(List.of("a", "b"), fromFile.stream().map(n -> n.get("id").asText()).toList());

    CliHarness.Result single =
        CliHarness.run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            PROMPT,
            "--vector",
            "0.5,-1,2",
            "--greedy",
            "--max-new-tokens",
            "5");
    JsonNode alone = lines(single.out()).get(0);
    assertEquals(alone.get("token_ids"), fromFile.get(0).get("token_ids"));
    assertNotEquals(
        fromFile.get(0).get("logprob").asDouble(),
        fromFile.get(1).get("logprob").asDouble(),
        "the embedding reaches the model");
  }

  @Test
  void badInputNamesTheFileLineOrOptionAndExitsTwo() throws IOException {
    Path wrongDimension =
        Files.writeString(
            dir.resolve("dim.jsonl"),
            "{\"id\": \"ok\", \"entities\": [[1, 2, 3]]}\n{\"id\": \"short\", \"entities\": [[1, 2]]}\n");
    Path notJson =
        Files.writeString(
            dir.resolve("bad.jsonl"), "{\"id\": \"ok\", \"entities\": [[1, 2, 3]]}\n{oops\n");
    Path nan = Files.writeString(dir.resolve("nan.jsonl"), "{\"entities\": [[1, \"NaN\", 3]]}\n");
    String m = model.toString();
    expectError(
        List.of(
            "generate", "--model", m, "--prompt", PROMPT, "--vectors", wrongDimension.toString()),
        wrongDimension + ", line 2 (id short): vector 0 has 2 components, expected 3");
    expectError(
        List.of("generate", "--model", m, "--prompt", PROMPT, "--vectors", notJson.toString()),
        notJson + ", line 2: invalid JSON");
    expectError(
        List.of("generate", "--model", m, "--prompt", PROMPT, "--vectors", nan.toString()),
        nan + ", line 1: entities[0], component 1: found NaN, expected a finite number");
    expectError(
        List.of("generate", "--model", m, "--prompt", "describe please", "--vector", "1,2,3"),
        "--prompt: has no placeholder");
    expectError(
        List.of("generate", "--model", m, "--prompt", PROMPT, "--vector", "1,x,3"),
        "--vector #1, component 1: 'x' is not a number");
    expectError(List.of("generate", "--model", m, "--prompt", PROMPT), "either with --vector");
    expectError(
        List.of("generate", "--model", m, "--prompt", PROMPT, "--vector", "1,2,3", "--top-p", "0"),
        "sampling options");
    expectError(
        List.of(
            "generate",
            "--model",
            dir.resolve("missing").toString(),
            "--prompt",
            PROMPT,
            "--vector",
            "1,2,3"),
        "tokenizer.json: file not found");
  }

  @Test
  @org.junit.jupiter.api.Tag("reliability")
  void damagedModelsWrongVectorsAndAFolderAsOutAreOneLineNamingTheFile() throws IOException {
    String m = model.toString();
    Path twoVectors =
        Files.writeString(
            dir.resolve("count.jsonl"),
            "{\"id\": \"ok\", \"entities\": [[1, 2, 3]]}\n\n{\"entities\": [[1, 2, 3], [4, 5, 6]]}\n");
    expectOneLine(
        List.of("generate", "--model", m, "--prompt", PROMPT, "--vectors", twoVectors.toString()),
        "error: "
            + twoVectors
            + ", line 3: found 2 vector(s), expected 1, one per placeholder <|entity_k|> in --prompt");
    expectOneLine(
        List.of("generate", "--model", m, "--prompt", PROMPT, "--vector", "1,2"),
        "error: --vector: vector 0 has 2 components, expected 3 (the model's adapter input dimension)");
    Path folder = Files.createDirectories(dir.resolve("out-folder"));
    expectOneLine(
        List.of(
            "generate",
            "--model",
            m,
            "--prompt",
            PROMPT,
            "--vector",
            "1,2,3",
            "--out",
            folder.toString()),
        "error: --out "
            + folder
            + ": is a folder; expected the name of the file to write the JSON lines to");

    Path damaged = dir.resolve("damaged");
    Files.createDirectories(damaged);
    for (String file :
        List.of(
            "config.json", "elm.json", "model.safetensors", "tokenizer.json", "manifest.json")) {
      Files.copy(model.resolve(file), damaged.resolve(file));
    }
    byte[] weights = Files.readAllBytes(damaged.resolve("model.safetensors"));
    Files.write(
        damaged.resolve("model.safetensors"),
        java.util.Arrays.copyOf(weights, weights.length - 100));
    expectOneLine(
        List.of("generate", "--model", damaged.toString(), "--prompt", PROMPT, "--vector", "1,2,3"),
        "error: "
            + damaged.resolve("model.safetensors")
            + ": "
            + (weights.length - 100)
            + " bytes, expected "
            + weights.length
            + " (truncated or changed since it was written); expected the model folder as training"
            + " wrote it");

    Files.delete(damaged.resolve("manifest.json"));
    Files.delete(damaged.resolve("elm.json"));
    Files.write(damaged.resolve("model.safetensors"), weights);
    CliHarness.Result noElmJson =
        CliHarness.run(
            "generate", "--model", damaged.toString(), "--prompt", PROMPT, "--vector", "1,2,3");
    assertEquals(2, noElmJson.exitCode(), noElmJson.err());
    assertEquals(1, noElmJson.err().lines().count(), noElmJson.err());
    assertTrue(
        noElmJson.err().contains("model.safetensors: holds the adapter tensor adapter.")
            && noElmJson.err().contains(" has no elm.json; expected elm.json beside it"),
        noElmJson.err());
  }

  private static void expectOneLine(List<String> args, String line) {
    CliHarness.Result result = CliHarness.run(args.toArray(String[]::new));
    assertEquals(2, result.exitCode(), args + "\n" + result.err());
    assertEquals(line, result.err().strip());
  }

  private static void expectError(List<String> args, String message) {
    CliHarness.Result result = CliHarness.run(args.toArray(String[]::new));
    assertEquals(2, result.exitCode(), args + "\n" + result.err());
    assertTrue(result.err().contains(message), "expected '" + message + "' in:\n" + result.err());
    assertTrue(!result.err().contains("\tat "), "no stack trace:\n" + result.err());
  }
}
