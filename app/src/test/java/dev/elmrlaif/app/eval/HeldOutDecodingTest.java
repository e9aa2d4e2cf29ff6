package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.BestOfEncoder;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.EvalConfigBuilder;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.algorithms.train.RunArtifacts;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.text.MiniLmTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation's decoding ({@code eval.temperature}, {@code eval.top_p}, {@code eval.best_of}) on
 * the tiny world's supervised movie model: greedy and one sample are the sampler's own rows, and
 * best-of-N keeps, for each prompt, the sample whose SC against the prompt's own slot vector
 * (computed here by hand: the cosine of the encoder's vector and the slot) is the highest, through
 * the quantized MiniLM when {@code eval.best_of_encoder} says so. The experiments' {@link
 * ElmTextSource} writes the texts of those same rows.
 */
class HeldOutDecodingTest {
  @TempDir Path dir;

  private static final long SEED = 7;
  private static final int NEW_TOKENS = 8;

  @Test
  void greedyOneSampleAndBestOfNAreTheSamplersRowsAndTheBestByHand() throws Exception {
    SupervisedTinyRun trained = SupervisedTinyRun.train(dir);
    trained.context().metrics().close();
    PreparedData data = trained.data();
    Path folder = RunArtifacts.sftModel(trained.context().run(), "movie");
    try (Elm elm = ElmCheckpoint.load(folder, Device.cpu(), DataType.FLOAT32);
        ElmTokenizer tokenizer = ElmTokenizer.load(folder.resolve(ElmCheckpoint.TOKENIZER_FILE))) {
      ElmExamples encoder = ElmExamples.forModel(data, elm.config(), tokenizer);
      TaskSpec task =
          data.tasks().stream().filter(t -> t.name().equals("summary")).findFirst().orElseThrow();
      List<TaskExample> examples = data.heldOutExamples().get("summary");
      List<float[][]> slots = examples.stream().map(encoder::entities).toList();
      List<ElmPrompt> prompts = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        prompts.add(encoder.prompt(examples.get(i), slots.get(i)));
      }

      // 1. temperature 0: the sampler's greedy rows
      assertRowsEqual(
          rows(Sampler.sample(elm, prompts, SamplingConfig.greedy(NEW_TOKENS), SEED)),
          decoding(data, b -> b).decode(elm, tokenizer, task, prompts, slots, SEED));

      // 2. one sample at temperature 0.7, top-p 0.9: the sampler's rows at those settings
      SamplingConfig sampling = new SamplingConfig(NEW_TOKENS, false, 0.7, 0, 0.9);
      assertRowsEqual(
          rows(Sampler.sample(elm, prompts, sampling, SEED)),
          decoding(data, b -> b.temperature(0.7).topP(0.9))
              .decode(elm, tokenizer, task, prompts, slots, SEED));

      // 2b. the same with top-k 5 first: the sampler's rows at those settings, not those of 2
      SamplingConfig topK = new SamplingConfig(NEW_TOKENS, false, 0.7, 5, 0.9);
      List<int[]> withTopK =
          decoding(data, b -> b.temperature(0.7).topK(5).topP(0.9))
              .decode(elm, tokenizer, task, prompts, slots, SEED);
      assertRowsEqual(rows(Sampler.sample(elm, prompts, topK, SEED)), withTopK);
      assertFalse(
          sameRows(rows(Sampler.sample(elm, prompts, sampling, SEED)), withTopK),
          "top_k reaches the sampler");

      // 3. best of 5: the 5 rows of each prompt drawn in one batch, the highest cosine kept
      int n = 5;
      List<ElmPrompt> repeated = new ArrayList<>();
      prompts.forEach(
          p -> {
            for (int k = 0; k < n; k++) {
              repeated.add(p);
            }
          });
      List<int[]> drawn = rows(Sampler.sample(elm, repeated, sampling, SEED));
      List<int[]> expected = bestByHand(drawn, n, tokenizer, data.textEncoder(), slots);
      List<int[]> firsts = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        firsts.add(drawn.get(i * n));
      }
      assertFalse(sameRows(expected, firsts), "some prompt keeps a sample other than its first");
      assertRowsEqual(
          expected,
          decoding(data, b -> b.temperature(0.7).topP(0.9).bestOf(n))
              .decode(elm, tokenizer, task, prompts, slots, SEED));

      // 4. in batches of 3 prompts: each batch is what decoding it alone, with seed + its start,
      // gives (scoring the samples of every batch together changes no choice)
      assertTrue(prompts.size() > 3, "several batches: " + prompts.size());
      HeldOutDecoding inThrees =
          decoding(data, b -> b.temperature(0.7).topP(0.9).bestOf(n).batchSize(3));
      List<int[]> batchByBatch = new ArrayList<>();
      for (int start = 0; start < prompts.size(); start += 3) {
        int end = Math.min(prompts.size(), start + 3);
        batchByBatch.addAll(
            inThrees.decode(
                elm,
                tokenizer,
                task,
                prompts.subList(start, end),
                slots.subList(start, end),
                SEED + start));
      }
      assertRowsEqual(batchByBatch, inThrees.decode(elm, tokenizer, task, prompts, slots, SEED));

      // 5. the experiments' ELM (any vectors, here the held-out ones) decodes as the evaluation:
      // its texts are best-of-N's kept rows, not greedy ones
      HeldOutDecoding bestOf = decoding(data, b -> b.temperature(0.7).topP(0.9).bestOf(n));
      List<String> kept =
          texts(tokenizer, bestOf.decode(elm, tokenizer, task, prompts, slots, SEED));
      try (ElmTextSource source = new ElmTextSource(data, folder, Device.cpu(), bestOf, SEED)) {
        assertEquals(kept, source.texts(examples, slots));
      }
      assertFalse(
          kept.equals(
              texts(
                  tokenizer,
                  decoding(data, b -> b).decode(elm, tokenizer, task, prompts, slots, SEED))),
          "best-of-N's texts differ from greedy ones");

      // 6. eval.best_of_encoder minilm_q: the samples are ranked by the quantized MiniLM's cosine
      // to the slot. Slots on which the two encoders disagree: the direction in which quantization
      // moved the vector of each prompt's first sample (that sample's cosine to it is > 0 through
      // the quantized model, < 0 through the full one)
      MiniLmTextEncoder full = MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.FULL);
      MiniLmTextEncoder quantized = MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED);
      List<float[][]> moved = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        String first = tokenizer.decodeGenerated(drawn.get(i * n));
        float[] q = quantized.encode(first);
        float[] f = full.encode(first);
        float[] d = new float[q.length];
        for (int j = 0; j < d.length; j++) {
          d[j] = q[j] - f[j];
        }
        moved.add(new float[][] {d});
      }
      List<int[]> byQuantized = bestByHand(drawn, n, tokenizer, quantized, moved);
      assertFalse(
          sameRows(byQuantized, bestByHand(drawn, n, tokenizer, full, moved)),
          "the two encoders choose differently somewhere");
      assertRowsEqual(
          byQuantized,
          decoding(
                  data,
                  b -> b.temperature(0.7).topP(0.9).bestOf(n).bestOfEncoder(BestOfEncoder.MINILM_Q))
              .decode(elm, tokenizer, task, prompts, moved, SEED));
    }
  }

  /** For each prompt, the sample of {@code drawn} whose text's cosine to its slot is highest. */
  private static List<int[]> bestByHand(
      List<int[]> drawn,
      int n,
      ElmTokenizer tokenizer,
      TextEncoder encoder,
      List<float[][]> slots) {
    List<int[]> kept = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      int best = -1;
      double bestSc = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < n; k++) {
        String text = tokenizer.decodeGenerated(drawn.get(i * n + k));
        double sc = text.isEmpty() ? 0 : Vectors.cosine(encoder.encode(text), slots.get(i)[0]);
        if (sc > bestSc) {
          bestSc = sc;
          best = k;
        }
      }
      kept.add(drawn.get(i * n + best));
    }
    return kept;
  }

  private static List<String> texts(ElmTokenizer tokenizer, List<int[]> continuations) {
    return continuations.stream().map(tokenizer::decodeGenerated).toList();
  }

  @Test
  void bestOfMoreThanOneNeedsATemperature() {
    ConfigException error =
        assertThrows(ConfigException.class, () -> EvalConfig.defaults().with(b -> b.bestOf(4)));
    assertTrue(error.getMessage().contains("best_of"), error.getMessage());
    assertTrue(error.getMessage().contains("temperature"), error.getMessage());
  }

  @Test
  void theDecodingIsDescribedForTheTables() {
    assertEquals(
        "greedy (the most likely token at each step)",
        new HeldOutDecoding(EvalConfig.defaults(), null, null, null).describe());
    assertTrue(
        new HeldOutDecoding(
                EvalConfig.defaults().with(b -> b.temperature(0.6).topP(0.9).bestOf(4)),
                null,
                null,
                null)
            .describe()
            .startsWith("best of 4 samples per prompt (temperature 0.6, top-p 0.9)"));
    assertTrue(
        new HeldOutDecoding(
                EvalConfig.defaults().with(b -> b.temperature(0.5).topK(50).topP(0.9)),
                null,
                null,
                null)
            .describe()
            .startsWith("one sample per prompt (temperature 0.5, top-k 50, top-p 0.9)"));
    assertTrue(
        new HeldOutDecoding(
                EvalConfig.defaults()
                    .with(b -> b.temperature(0.5).bestOf(8).bestOfEncoder(BestOfEncoder.MINILM_Q)),
                null,
                null,
                null)
            .describe()
            .contains("the samples encoded by the quantized MiniLM"));
  }

  private static HeldOutDecoding decoding(
      PreparedData data, UnaryOperator<EvalConfigBuilder> settings) {
    // one batch unless the settings say otherwise: the rows compare with one sampler call
    EvalConfig config =
        EvalConfig.defaults().with(b -> settings.apply(b.batchSize(1024)).maxNewTokens(NEW_TOKENS));
    RewardTargets targets =
        new RewardTargets(
            data, data.textEncoder(), RewardTargets.CandidatePool.ALL_ENTITIES, 4, 0.5, SEED);
    return HeldOutDecoding.of(config, targets, data.textEncoder());
  }

  private static List<int[]> rows(SampleResult result) {
    List<int[]> rows = new ArrayList<>();
    for (int row = 0; row < result.rows(); row++) {
      rows.add(result.continuation(row));
    }
    return rows;
  }

  private static void assertRowsEqual(List<int[]> expected, List<int[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "row " + i);
    }
  }

  private static boolean sameRows(List<int[]> a, List<int[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
