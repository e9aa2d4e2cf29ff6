package dev.elmrlaif.policy.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.PromptBatch;
import dev.elmrlaif.policy.model.TinyModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batched KV-cache sampling: reproducibility, greedy equivalences, log-probs, distribution. */
class SamplerTest {
  private static final List<ElmPrompt> PROMPTS =
      List.of(
          TinyModels.prompt(0.3f, -0.7f, 1.2f, 5, 6, 7, 8),
          TinyModels.prompt(-1f, 0.4f, 0.9f, 9),
          new ElmPrompt(new int[] {2, 5, 3}, new float[][] {{0f, 1f, 0f}, {1f, 0f, 1f}}));

  @Test
  void newTokensThatFitCapsTheRequestAtTheContextLeftByTheLongestPrompt() {
    try (Elm elm = TinyModels.elm(6)) {
      // context 40; prompts of 5 and 10 tokens: 40 - 10 + 1 = 31 new tokens fit for sampling (the
      // last sampled token is never fed back), which the sampler accepts and one more it refuses;
      // 30 when prompt and completion are scored afterwards in one pass
      List<ElmPrompt> prompts =
          List.of(
              new ElmPrompt(new int[] {5, 6, 7, 8, 9}, new float[0][]),
              new ElmPrompt(new int[] {5, 6, 7, 8, 9, 5, 6, 7, 8, 9}, new float[0][]));
      assertEquals(31, Sampler.newTokensThatFit(elm, prompts, 96, false));
      assertEquals(30, Sampler.newTokensThatFit(elm, prompts, 96, true));
      assertEquals(12, Sampler.newTokensThatFit(elm, prompts, 12, true));
      assertEquals(
          31, Sampler.sample(elm, prompts, SamplingConfig.greedy(31), 1).tokens()[0].length);
      assertThrows(
          IllegalArgumentException.class,
          () -> Sampler.sample(elm, prompts, SamplingConfig.greedy(32), 1));
    }
  }

  @Test
  void smallBatchesOnTheCpuDecodeOnOneThread() {
    // rows x d_model <= 2048: one thread; above, the configured count; never on a GPU
    assertEquals(1, Sampler.decodeThreads(true, 1, 64, 2));
    assertEquals(1, Sampler.decodeThreads(true, 32, 64, 2));
    assertEquals(2, Sampler.decodeThreads(true, 33, 64, 2));
    assertEquals(1, Sampler.decodeThreads(true, 16, 128, 2));
    assertEquals(2, Sampler.decodeThreads(true, 17, 128, 2));
    assertEquals(4, Sampler.decodeThreads(false, 1, 64, 4));
  }

  @Test
  void samplingRestoresTheEngineThreadCount() {
    int before = JniUtils.getNumThreads();
    try (Elm elm = TinyModels.elm(7)) {
      JniUtils.setNumThreads(2); // a small batch: the sampler decodes on one thread, then restores
      Sampler.sample(elm, PROMPTS, SamplingConfig.ancestral(4), 1);
      assertEquals(2, JniUtils.getNumThreads());
    } finally {
      JniUtils.setNumThreads(before);
    }
  }

  @Test
  void aSeedReproducesTheSamplesAndAnotherSeedChangesThem() {
    try (Elm elm = TinyModels.elm(7)) {
      SamplingConfig config = SamplingConfig.ancestral(12).withTemperature(1.3);
      SampleResult first = Sampler.sample(elm, PROMPTS, config, 42);
      SampleResult again = Sampler.sample(elm, PROMPTS, config, 42);
      SampleResult other = Sampler.sample(elm, PROMPTS, config, 43);
      assertTrue(Arrays.deepEquals(first.tokens(), again.tokens()));
      assertTrue(Arrays.deepEquals(first.samplingLogProbs(), again.samplingLogProbs()));
      assertFalse(Arrays.deepEquals(first.tokens(), other.tokens()));
    }
  }

  @Test
  void topKOneAndATinyTopPEqualGreedy() {
    try (Elm elm = TinyModels.elm(8)) {
      SampleResult greedy = Sampler.sample(elm, PROMPTS, SamplingConfig.greedy(10), 1);
      SampleResult topOne =
          Sampler.sample(elm, PROMPTS, SamplingConfig.ancestral(10).withTopK(1), 2);
      SampleResult nucleus =
          Sampler.sample(elm, PROMPTS, SamplingConfig.ancestral(10).withTopP(1e-6), 3);
      assertTrue(Arrays.deepEquals(greedy.tokens(), topOne.tokens()));
      assertTrue(Arrays.deepEquals(greedy.tokens(), nucleus.tokens()));
      for (int row = 0; row < greedy.rows(); row++) {
        for (int t = 0; t < greedy.lengths()[row]; t++) {
          assertEquals(0f, greedy.samplingLogProbs()[row][t], 0f);
          assertEquals(0f, topOne.samplingLogProbs()[row][t], 1e-6);
        }
      }
    }
  }

  @Test
  void batchedGreedyRowsEqualTheirUnbatchedGenerations() {
    try (Elm elm = TinyModels.elm(9)) {
      SampleResult batched = Sampler.sample(elm, PROMPTS, SamplingConfig.greedy(10), 0);
      for (int row = 0; row < PROMPTS.size(); row++) {
        SampleResult alone =
            Sampler.sample(elm, List.of(PROMPTS.get(row)), SamplingConfig.greedy(10), 0);
        assertArrayEquals(alone.continuation(0), batched.continuation(row), "row " + row);
        assertEquals(
            0.0,
            TinyModels.maxAbsDiff(alone.policyLogProbs()[0], batched.policyLogProbs()[row]),
            1e-4);
        assertEquals(
            0.0, TinyModels.maxAbsDiff(alone.entropies()[0], batched.entropies()[row]), 1e-4);
      }
    }
  }

  @Test
  void policyLogProbsAndEntropiesEqualTheTrainingFunctionOnTheSampledTokens() {
    try (Elm elm = TinyModels.elm(10);
        NDManager scope = elm.manager().newSubManager()) {
      SampleResult sampled =
          Sampler.sample(
              elm, PROMPTS, SamplingConfig.ancestral(15).withTemperature(0.7).withTopK(20), 5);
      List<int[]> continuations = new ArrayList<>();
      for (int row = 0; row < sampled.rows(); row++) {
        continuations.add(sampled.continuation(row));
      }
      ContinuationLogProbs scored = elm.continuationLogProbs(scope, PROMPTS, continuations, true);
      NDArray entropy = scored.logSoftmax().exp().mul(scored.logSoftmax()).sum(new int[] {2}).neg();
      for (int row = 0; row < sampled.rows(); row++) {
        int length = sampled.lengths()[row];
        float[] expected = scored.tokenLogProbs().get(row).toFloatArray();
        float[] expectedEntropy = entropy.get(row).toFloatArray();
        for (int t = 0; t < length; t++) {
          assertEquals(
              expected[t], sampled.policyLogProbs()[row][t], 1e-4, "row " + row + " step " + t);
          assertEquals(
              expectedEntropy[t],
              sampled.entropies()[row][t],
              1e-4,
              "entropy row " + row + " step " + t);
          // The behaviour distribution is sharper (T = 0.7 and top-20), so its log-prob is larger
          // here
          // only on average; it must be a log-probability though.
          assertTrue(sampled.samplingLogProbs()[row][t] <= 1e-6);
        }
      }
    }
  }

  @Test
  void finishedRowsStopAtTheEndTokenAndArePadded() {
    try (Elm elm = TinyModels.elm(12)) {
      // Make the end token overwhelmingly likely after any input: a large bias on its logit.
      NDArray wte = elm.parameters().get("wte.weight");
      float[] values = wte.toFloatArray();
      int d = 16;
      float[] lnBias = elm.parameters().get("ln_f.bias").toFloatArray();
      for (int i = 0; i < d; i++) {
        values[TinyModels.END * d + i] = 50f;
        lnBias[i] = 1f;
      }
      wte.set(values);
      elm.parameters().get("ln_f.bias").set(lnBias);
      SampleResult result = Sampler.sample(elm, PROMPTS, SamplingConfig.ancestral(6), 3);
      for (int row = 0; row < result.rows(); row++) {
        assertTrue(result.ended()[row]);
        assertEquals(1, result.lengths()[row]);
        assertEquals(TinyModels.END, result.tokens()[row][0]);
        for (int t = 1; t < 6; t++) {
          assertEquals(TinyModels.PAD, result.tokens()[row][t]);
          assertEquals(0f, result.policyLogProbs()[row][t], 0f);
        }
      }
    }
  }

  @Test
  void samplingFrequenciesFollowTheTemperedTopKDistribution() {
    checkFrequencies(1.5, 4, 1.0, 77);
  }

  @Test
  void samplingFrequenciesFollowTheTemperedNucleusDistribution() {
    checkFrequencies(0.8, 0, 0.7, 78);
  }

  /**
   * Draws the first token 3000 times and compares frequencies and sampling log-probs with the
   * distribution computed by hand: softmax(logits / T) over the top-k tokens, then the most likely
   * tokens until the mass before the next one reaches top-p, renormalised.
   */
  private static void checkFrequencies(double temperature, int topK, double topP, long seed) {
    try (Elm elm = TinyModels.elm(13);
        NDManager scope = elm.manager().newSubManager()) {
      int draws = 3000;
      List<ElmPrompt> same = new ArrayList<>();
      for (int i = 0; i < draws; i++) {
        same.add(PROMPTS.get(1));
      }
      SampleResult result =
          Sampler.sample(
              elm,
              same,
              SamplingConfig.ancestral(1)
                  .withTemperature(temperature)
                  .withTopK(topK)
                  .withTopP(topP),
              seed);
      PromptBatch batch = PromptBatch.forScoring(List.of(PROMPTS.get(1)), null, elm.config());
      float[] logits =
          elm.logits(
                  elm.hiddenStates(
                          elm.embed(scope, batch), elm.positionIds(scope, batch), null, null)
                      .get(new NDIndex("0, -1, :")))
              .toFloatArray();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < logits.length; i++) {
        order.add(i);
      }
      order.sort((a, b) -> Float.compare(logits[b], logits[a]));
      int k = topK == 0 ? logits.length : topK;
      double[] p = new double[k];
      double z = 0;
      for (int i = 0; i < k; i++) {
        p[i] = Math.exp((logits[order.get(i)] - logits[order.get(0)]) / temperature);
        z += p[i];
      }
      int kept = 0;
      double before = 0;
      while (kept < k && before < topP) {
        before += p[kept] / z;
        kept++;
      }
      double keptMass = 0;
      for (int i = 0; i < kept; i++) {
        keptMass += p[i];
      }
      assertTrue(kept >= 2 && kept < logits.length, "the truncation keeps " + kept + " tokens");
      int[] counts = new int[logits.length];
      for (int row = 0; row < draws; row++) {
        int token = result.tokens()[row][0];
        counts[token]++;
        int rank = order.indexOf(token);
        assertTrue(
            rank < kept, "a token of rank " + rank + " was drawn; only " + kept + " are kept");
        assertEquals(Math.log(p[rank] / keptMass), result.samplingLogProbs()[row][0], 1e-4);
      }
      for (int i = 0; i < kept; i++) {
        double expected = p[i] / keptMass;
        double observed = counts[order.get(i)] / (double) draws;
        // 4 standard errors of a binomial proportion at n = 3000.
        double tolerance = 4 * Math.sqrt(expected * (1 - expected) / draws);
        assertEquals(expected, observed, tolerance, "token of rank " + i);
      }
    }
  }

  @Test
  void aGenerationThatCannotFitTheContextIsRejected() {
    try (Elm elm = TinyModels.elm(14)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Sampler.sample(elm, PROMPTS, SamplingConfig.greedy(40), 0));
      assertTrue(e.getMessage().contains("exceeds the model's contextLength=40"), e.getMessage());
    }
  }
}
