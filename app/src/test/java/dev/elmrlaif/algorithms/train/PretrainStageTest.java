package dev.elmrlaif.algorithms.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.PretrainCorpusSource;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PretrainCorpus;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining from scratch on the tiny corpus: packing, the causal-LM loss, metrics and the saved
 * model.
 */
class PretrainStageTest {
  @TempDir Path dir;

  @Test
  void packingConcatenatesTextsWithEndTokensAndDropsTheTail() throws Exception {
    PreparedData data = TinyElmWorld.data(dir);
    RunContext context = TinyElmWorld.context(dir.resolve("run"), TinyElmWorld.writeConfig(dir));
    TinyElmWorld.writeTokenizer(context.run(), data);
    try (ElmTokenizer tokenizer = ElmTokenizer.load(RunArtifacts.tokenizerFile(context.run()))) {
      int end = (int) tokenizer.endId().getAsLong();
      String text = "a gloomy horror story";
      int[] ids = ElmExamples.toInts(tokenizer.encode(text));
      // the same text twice: whatever the shuffle, the stream is ids, end, ids, end
      int[] stream = new int[2 * (ids.length + 1)];
      System.arraycopy(ids, 0, stream, 0, ids.length);
      stream[ids.length] = end;
      System.arraycopy(ids, 0, stream, ids.length + 1, ids.length);
      stream[stream.length - 1] = end;
      int length = 5;
      List<int[]> packed = PretrainStage.pack(List.of(text, text), tokenizer, end, length, 3);
      assertEquals(
          stream.length / length, packed.size(), "only whole sequences; the tail is dropped");
      for (int s = 0; s < packed.size(); s++) {
        assertArrayEquals(
            java.util.Arrays.copyOfRange(stream, s * length, (s + 1) * length), packed.get(s));
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theTrainingTextsCorpusPacksEveryPartAndRecordsItsSize() throws Exception {
    PreparedData tiny = TinyElmWorld.data(dir);
    List<String> outside = List.of("a lighthouse keeper waits alone", "two sisters cross a desert");
    PreparedData data =
        new PreparedData(
            tiny.folder(),
            tiny.domain(),
            tiny.tasks(),
            tiny.trainExamples(),
            tiny.heldOutExamples(),
            tiny.textEncoder(),
            tiny.ranking(),
            tiny.timings(),
            tiny.datasetSummary(),
            tiny.teacher(),
            false,
            outside);
    RunContext context = TinyElmWorld.context(dir.resolve("run"), TinyElmWorld.writeConfig(dir));
    TinyElmWorld.writeTokenizer(context.run(), data);
    TrainingSetup setup =
        TrainingSetup.fixed(
            TinyElmWorld.model(),
            TinyElmWorld.pretrain()
                .with(b -> b.steps(2).corpus(PretrainCorpusSource.TRAINING_TEXTS)),
            TinyElmWorld.sft(),
            TinyElmWorld.eval(),
            c -> data);
    Map<String, Object> record = new PretrainStage(setup).run(context);
    context.metrics().close();

    assertEquals("training_texts", record.get("corpus"));
    Map<String, Map<String, Object>> parts =
        (Map<String, Map<String, Object>>) record.get("corpus_parts");
    assertEquals(
        List.of("teacher_texts", "entity_texts", "outside_texts"), List.copyOf(parts.keySet()));
    int examples = data.trainExamples().values().stream().mapToInt(List::size).sum();
    assertEquals(examples, parts.get("teacher_texts").get("texts"));
    assertEquals(2, parts.get("outside_texts").get("texts"));
    // every part's tokens (with one end token per text) are packed: whole sequences of 64
    long tokens = 0;
    try (ElmTokenizer tokenizer = ElmTokenizer.load(RunArtifacts.tokenizerFile(context.run()))) {
      PretrainCorpus corpus = PretrainCorpus.trainingTexts(data);
      assertTrue(corpus.parts().get(1).texts().size() > 0, "the tiny world has entity texts");
      for (PretrainCorpus.Part part : corpus.parts()) {
        long partTokens = 0;
        for (String text : part.texts()) {
          partTokens += tokenizer.encode(text).length + 1;
        }
        assertEquals(part.texts().size(), parts.get(part.source()).get("texts"), part.source());
        assertEquals(partTokens, parts.get(part.source()).get("tokens"), part.source());
        tokens += partTokens;
      }
    }
    assertEquals((int) (tokens / 64), record.get("train_sequences"));
  }

  @Test
  void pretrainingLowersTheHeldOutLossFromLnVAndWritesModelAndMetrics() throws Exception {
    PreparedData data = TinyElmWorld.data(dir);
    RunContext context = TinyElmWorld.context(dir.resolve("run"), TinyElmWorld.writeConfig(dir));
    TinyElmWorld.writeTokenizer(context.run(), data);
    Map<String, Object> record =
        new PretrainStage(TinyElmWorld.setup(data, TinyElmWorld.sft())).run(context);
    context.metrics().close();

    Path model = RunArtifacts.pretrainedModel(context.run());
    assertTrue(Files.isRegularFile(model.resolve(ElmCheckpoint.TOKENIZER_FILE)));
    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(context.run().metricsFile())) {
      lines.add(json.readTree(line));
    }
    JsonNode first = lines.stream().filter(l -> l.has("loss")).findFirst().orElseThrow();
    double lnV;
    try (ElmTokenizer tokenizer = ElmTokenizer.load(RunArtifacts.tokenizerFile(context.run()))) {
      lnV = Math.log(tokenizer.vocabSize());
    }
    // GPT-2 init (std 0.02) gives nearly uniform next-token distributions: the first loss is ln V
    assertEquals(lnV, first.get("loss").asDouble(), 0.05);
    for (String key : List.of("learning_rate", "grad_norm", "tokens_per_s")) {
      assertTrue(first.get(key).asDouble() > 0, key + " in " + first);
    }
    assertTrue(
        lines.stream().anyMatch(l -> l.has("memory_estimate_mib")), "memory estimate logged");
    double heldOut = (Double) record.get("held_out_loss");
    assertTrue(heldOut < lnV - 1.0, "held-out loss " + heldOut + " well below ln V = " + lnV);
    assertEquals(20, record.get("steps"));
    // the pretrained LM reloads, on the tokenizer's vocabulary, without an adapter
    try (Elm lm = ElmCheckpoint.load(model, context.compute().device(), DataType.FLOAT32)) {
      assertTrue(!lm.config().hasAdapter());
      assertEquals(300, lm.config().lm().vocabSize());
    }
    assertTrue(
        Files.isRegularFile(
            RunArtifacts.checkpoints(context.run(), "pretrain")
                .resolve(TrainingCheckpoints.LATEST)));
  }

  @Test
  void aConfiguredHuggingFaceFolderIsImportedInsteadOfPretrained() throws Exception {
    PreparedData data = TinyElmWorld.data(dir);
    Path config = TinyElmWorld.writeConfig(dir);
    Path lm = TinyElmWorld.pretrainBriefly(dir.resolve("source"), config, data);
    Files.delete(lm.resolve(ElmCheckpoint.ELM_FILE)); // now a plain Hugging Face GPT-2 folder
    Files.delete(lm.resolve(dev.elmrlaif.policy.io.FolderManifest.FILE));
    RunContext context = TinyElmWorld.context(dir.resolve("run"), config);
    dev.elmrlaif.algorithms.config.ModelConfig tiny = TinyElmWorld.model();
    dev.elmrlaif.algorithms.config.ModelConfig importing =
        new dev.elmrlaif.algorithms.config.ModelConfig(
            lm.toString(),
            tiny.contextLength(),
            tiny.layers(),
            tiny.heads(),
            tiny.dModel(),
            tiny.adapterHidden(),
            tiny.adapterInitStd());
    Map<String, Object> record =
        new PretrainStage(
                TrainingSetup.fixed(
                    importing,
                    TinyElmWorld.pretrain(),
                    TinyElmWorld.sft(),
                    TinyElmWorld.eval(),
                    c -> data))
            .run(context);
    context.metrics().close();
    assertEquals(lm.toString(), record.get("imported_from"));
    Path imported = RunArtifacts.pretrainedModel(context.run());
    try (Elm source = ElmCheckpoint.load(lm, context.compute().device(), DataType.FLOAT32);
        Elm copy = ElmCheckpoint.load(imported, context.compute().device(), DataType.FLOAT32);
        ElmTokenizer tokenizer =
            ElmTokenizer.load(imported.resolve(ElmCheckpoint.TOKENIZER_FILE))) {
      for (Map.Entry<String, ai.djl.ndarray.NDArray> p : source.parameters().entrySet()) {
        assertArrayEquals(
            p.getValue().toFloatArray(),
            copy.parameters().get(p.getKey()).toFloatArray(),
            p.getKey());
      }
      assertEquals(2, tokenizer.placeholderCount(), "the tokenizer carries the ELM's placeholders");
      assertTrue(ElmCheckpoint.isProjectCheckpoint(imported));
    }
    assertTrue(
        !Files.exists(RunArtifacts.checkpoints(context.run(), "pretrain")), "nothing was trained");
  }
}
