package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.policy.io.Safetensors;
import dev.elmrlaif.policy.lora.LoraConfig;
import dev.elmrlaif.policy.lora.LoraTarget;
import dev.elmrlaif.policy.tokenizer.BpeTrainerConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Project checkpoints round-trip exactly; Hugging Face GPT-2 folders load and score text. */
class ElmCheckpointTest {
  private static final List<ElmPrompt> PROMPTS =
      List.of(
          TinyModels.prompt(0.3f, -0.7f, 1.2f, 5, 6, 7),
          new ElmPrompt(new int[] {2, 9, 3}, new float[][] {{1f, 0f, 0f}, {0f, 1f, 0f}}));
  private static final List<int[]> CONTINUATIONS =
      List.of(new int[] {9, 10, 11, 1}, new int[] {12, 13});

  @Test
  void saveThenLoadIsExactAndScoresLikeTraining(@TempDir Path dir) throws IOException {
    Path tokenizerJson =
        Files.writeString(dir.resolve("source-tokenizer.json"), "{\"stand-in\": true}");
    try (Elm elm = TinyModels.elm(21);
        NDManager scope = elm.manager().newSubManager()) {
      elm.attachLora(
          new LoraConfig(2, 4.0, EnumSet.of(LoraTarget.ATTN_QKV, LoraTarget.MLP_OUT)), 3);
      SplittableRandom rng = new SplittableRandom(5);
      for (NDArray p : elm.lora().tensors().values()) {
        float[] v = p.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += (float) (0.1 * rng.nextGaussian());
        }
        p.set(v);
      }
      float[] trained =
          elm.continuationLogProbs(scope, PROMPTS, CONTINUATIONS, false)
              .tokenLogProbs()
              .toFloatArray();
      Path folder = dir.resolve("checkpoint");
      ElmCheckpoint.save(elm, folder, tokenizerJson);
      assertEquals("{\"stand-in\": true}", Files.readString(folder.resolve("tokenizer.json")));
      try (Elm loaded = ElmCheckpoint.load(folder, Device.cpu(), DataType.FLOAT32)) {
        assertEquals(elm.config(), loaded.config());
        assertEquals(elm.lora().config(), loaded.lora().config());
        assertEquals(
            List.copyOf(elm.parameters().keySet()), List.copyOf(loaded.parameters().keySet()));
        for (Map.Entry<String, NDArray> entry : elm.parameters().entrySet()) {
          assertArrayEquals(
              entry.getValue().toFloatArray(),
              loaded.parameters().get(entry.getKey()).toFloatArray(),
              entry.getKey());
        }
        try (NDManager other = loaded.manager().newSubManager()) {
          float[] scored =
              loaded
                  .continuationLogProbs(other, PROMPTS, CONTINUATIONS, false)
                  .tokenLogProbs()
                  .toFloatArray();
          assertArrayEquals(trained, scored);
        }
      }
      try (Elm loaded64 = ElmCheckpoint.load(folder, Device.cpu(), DataType.FLOAT64)) {
        assertEquals(DataType.FLOAT64, loaded64.dataType());
      }
    }
  }

  @Test
  void aHuggingFaceGpt2FolderLoadsAndScoresTextLikeANaiveGpt2(@TempDir Path dir)
      throws IOException {
    for (boolean prefixed : new boolean[] {true, false}) {
      Path folder = dir.resolve(prefixed ? "with-prefix" : "plain");
      ElmTokenizer tokenizer =
          ElmTokenizer.train(
              List.of(
                  "the movie is a quiet drama", "a funny movie about a dog", "the dog is quiet"),
              BpeTrainerConfig.builder().vocabSize(300).minPairFrequency(1).build());
      tokenizer.save(folder);
      int vocab = tokenizer.vocabSize();
      int end = Math.toIntExact(tokenizer.endId().getAsLong());
      GptConfig lm =
          GptConfig.builder()
              .vocabSize(vocab)
              .contextLength(32)
              .layers(2)
              .heads(2)
              .dModel(8)
              .mlpRatio(4)
              .initStd(0.3)
              .build();
      String configJson =
          """
          {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
           "bos_token_id": %d, "embd_pdrop": 0.1, "eos_token_id": %d, "initializer_range": 0.3,
           "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 32, "n_embd": 8, "n_head": 2,
           "n_inner": null, "n_layer": 2, "n_positions": 32, "resid_pdrop": 0.1, "vocab_size": %d}
          """
              .formatted(end, end, vocab);
      Files.writeString(folder.resolve("config.json"), configJson);
      Map<String, float[]> raw = new LinkedHashMap<>();
      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, NDArray> init = new CausalLm(lm).initialize(manager, DataType.FLOAT32, 99);
        for (Map.Entry<String, NDArray> entry : init.entrySet()) {
          tensors.put((prefixed ? "transformer." : "") + entry.getKey(), entry.getValue());
          raw.put(entry.getKey(), entry.getValue().toFloatArray());
          if (entry.getKey().endsWith("ln_1.bias")) {
            String block =
                entry.getKey().substring(0, entry.getKey().length() - "ln_1.bias".length());
            tensors.put(
                (prefixed ? "transformer." : "") + block + "attn.bias",
                manager.ones(new Shape(1, 1, 32, 32)));
            tensors.put(
                (prefixed ? "transformer." : "") + block + "attn.masked_bias",
                manager.create(-1e4f));
          }
        }
        tensors.put("lm_head.weight", init.get("wte.weight"));
        Safetensors.write(folder.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
      }

      try (Elm loaded = ElmCheckpoint.load(folder, Device.cpu(), DataType.FLOAT64);
          NDManager scope = loaded.manager().newSubManager()) {
        assertEquals(lm, loaded.config().lm());
        assertEquals(end, loaded.config().endTokenId());
        assertNull(loaded.config().adapter());
        long[] ids = tokenizer.encode("the funny dog");
        int[] tokens = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
          tokens[i] = (int) ids[i];
        }
        int begin = Math.toIntExact(tokenizer.beginId().getAsLong());
        ContinuationLogProbs scored =
            loaded.continuationLogProbs(
                scope, List.of(ElmPrompt.text(begin)), List.of(tokens), false);
        // Reference: the naive GPT-2 on the raw tensors, log-softmax by hand.
        Map<String, NDArray> rawArrays = new LinkedHashMap<>();
        raw.forEach(
            (name, values) ->
                rawArrays.put(
                    name,
                    scope
                        .create(values, loaded.parameters().get(name).getShape())
                        .toType(DataType.FLOAT64, false)));
        int[] sequence = new int[tokens.length + 1];
        sequence[0] = begin;
        System.arraycopy(tokens, 0, sequence, 1, tokens.length);
        double[][] logits = NaiveGpt2.logits(lm, rawArrays, sequence);
        double[] actual = scored.tokenLogProbs().toDoubleArray();
        for (int t = 0; t < tokens.length; t++) {
          double max = Double.NEGATIVE_INFINITY;
          for (double v : logits[t]) {
            max = Math.max(max, v);
          }
          double z = 0;
          for (double v : logits[t]) {
            z += Math.exp(v - max);
          }
          double expected = logits[t][tokens[t]] - max - Math.log(z);
          assertEquals(
              expected, actual[t], 1e-9, (prefixed ? "prefixed" : "plain") + " token " + t);
        }
        // The scoring entry point of the CLI: the text after the begin token, same numbers.
        try (ElmTokenizer saved = ElmTokenizer.load(folder.resolve("tokenizer.json"))) {
          TextScorer.TextScore score = TextScorer.score(loaded, saved, "the funny dog");
          assertArrayEquals(ids, score.tokenIds());
          assertArrayEquals(actual, score.logProbs(), 0.0);
          assertEquals(Arrays.stream(actual).sum(), score.sum(), 1e-12);
          assertEquals("the funny dog", String.join("", score.tokens()));
        }
      }
      tokenizer.close();
    }
  }

  @Test
  void aPretrainedLanguageModelBecomesAnElmWithGrownVocabulary() {
    ElmConfig plain =
        ElmConfig.languageModel(TinyModels.lmConfig(), TinyModels.END, TinyModels.PAD);
    try (Elm lm = Elm.initialize(plain, Device.cpu(), DataType.FLOAT32, 4);
        Elm elm = lm.withNewAdapter(new AdapterConfig(3, 8, 0.1), List.of(37, 38), 39, 5)) {
      assertEquals(39, elm.config().lm().vocabSize());
      NDArray wte = elm.parameters().get("wte.weight");
      assertEquals(new Shape(39, 16), wte.getShape());
      float[] old = lm.parameters().get("wte.weight").toFloatArray();
      float[] grown = wte.toFloatArray();
      for (int i = 0; i < old.length; i++) {
        assertEquals(old[i], grown[i], 0f);
      }
      assertTrue(elm.parameters().containsKey("adapter.fc1.weight"));
      try (NDManager scope = elm.manager().newSubManager()) {
        ContinuationLogProbs out =
            elm.continuationLogProbs(
                scope,
                List.of(
                    new ElmPrompt(
                        new int[] {5, 37, 38}, new float[][] {{1f, 2f, 3f}, {0f, 0f, 1f}})),
                List.of(new int[] {6, 7}),
                false);
        assertEquals(2, out.tokenLogProbs().getShape().get(1));
      }
    }
  }

  @Test
  void badFoldersFailWithMessagesNamingFileAndKey(@TempDir Path dir) throws IOException {
    CheckpointFormatException missing =
        assertThrows(
            CheckpointFormatException.class,
            () -> ElmCheckpoint.load(dir.resolve("nowhere"), Device.cpu(), DataType.FLOAT32));
    assertTrue(missing.getMessage().contains("not a folder"), missing.getMessage());

    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(broken.resolve("config.json"), "{\n  \"n_embd\": 8,\n  \"n_layer\": ,\n}");
    CheckpointFormatException syntax =
        assertThrows(
            CheckpointFormatException.class,
            () -> ElmCheckpoint.load(broken, Device.cpu(), DataType.FLOAT32));
    assertTrue(
        syntax.getMessage().startsWith(broken.resolve("config.json") + ": line 3, column"),
        syntax.getMessage());

    Files.writeString(
        broken.resolve("config.json"),
        "{\"n_embd\": 8, \"n_head\": 2, \"n_positions\": 8, \"vocab_size\": 5}");
    CheckpointFormatException key =
        assertThrows(
            CheckpointFormatException.class,
            () -> ElmCheckpoint.load(broken, Device.cpu(), DataType.FLOAT32));
    assertEquals(
        broken.resolve("config.json") + ": key n_layer is missing; expected an integer",
        key.getMessage());

    try (Elm elm = TinyModels.elm(1)) {
      Path folder = dir.resolve("shapes");
      ElmCheckpoint.save(elm, folder, null);
      LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>(elm.parameters());
      tensors.put("h.1.mlp.c_fc.weight", elm.manager().zeros(new Shape(16, 3)));
      Safetensors.write(folder.resolve("model.safetensors"), tensors, Map.of());
      CheckpointFormatException changed =
          assertThrows(
              CheckpointFormatException.class,
              () -> ElmCheckpoint.load(folder, Device.cpu(), DataType.FLOAT32));
      assertTrue(
          changed.getMessage().startsWith(folder.resolve("model.safetensors") + ": "),
          changed.getMessage());
      assertTrue(
          changed.getMessage().contains("(truncated or changed since it was written)"),
          changed.getMessage());
      // without its manifest (a folder from before manifests, or edited by hand) the reader checks
      // the tensors
      Files.delete(folder.resolve(dev.elmrlaif.policy.io.FolderManifest.FILE));
      CheckpointFormatException shape =
          assertThrows(
              CheckpointFormatException.class,
              () -> ElmCheckpoint.load(folder, Device.cpu(), DataType.FLOAT32));
      assertEquals(
          folder.resolve("model.safetensors")
              + ": tensor h.1.mlp.c_fc.weight: found shape (16, 3), expected (16, 64)",
          shape.getMessage());
    }
    Path elmJson = dir.resolve("shapes").resolve("elm.json");
    String saved = new String(Files.readAllBytes(elmJson), StandardCharsets.UTF_8);
    assertTrue(saved.contains("\"placeholder_token_ids\" : [ 2, 3 ]"), saved);
    Files.writeString(elmJson, saved.replace("\"hidden_dim\" : 8", "\"hidden_dim\" : \"eight\""));
    CheckpointFormatException adapterKey =
        assertThrows(
            CheckpointFormatException.class,
            () -> ElmCheckpoint.load(dir.resolve("shapes"), Device.cpu(), DataType.FLOAT32));
    assertEquals(
        elmJson + ": key adapter.hidden_dim: found \"eight\", expected an integer",
        adapterKey.getMessage());
  }
}
