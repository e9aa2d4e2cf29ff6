package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ELM's input splicing, its log-probs, and the GPT-2 forward pass against a naive reference.
 */
class ElmTest {
  @Test
  void placeholderRowsAreTheAdapterOutputOfTheirOwnEntityInOrder() {
    try (Elm elm = TinyModels.elm(1);
        NDManager scope = elm.manager().newSubManager()) {
      float[] first = {0.5f, -1f, 2f};
      float[] second = {-0.3f, 0.8f, 0.1f};
      ElmPrompt prompt = new ElmPrompt(new int[] {4, 2, 6, 3}, new float[][] {first, second});
      NDArray embedded =
          elm.embed(scope, PromptBatch.forScoring(List.of(prompt), null, elm.config()));
      Map<String, NDArray> p = elm.parameters();
      NDArray adapted = EmbeddingAdapter.apply(p, scope.create(new float[][] {first, second}));
      assertTrue(TinyModels.maxAbsDiff(embedded.get("0, 1, :"), adapted.get(0)) < 1e-7);
      assertTrue(TinyModels.maxAbsDiff(embedded.get("0, 3, :"), adapted.get(1)) < 1e-7);
      assertTrue(TinyModels.maxAbsDiff(embedded.get("0, 0, :"), p.get("wte.weight").get(4)) == 0);
      assertTrue(TinyModels.maxAbsDiff(embedded.get("0, 2, :"), p.get("wte.weight").get(6)) == 0);
      // The adapter by hand: GELU(e W1 + b1) W2 + b2.
      NDArray hidden =
          scope
              .create(first)
              .reshape(1, 3)
              .matMul(p.get("adapter.fc1.weight"))
              .add(p.get("adapter.fc1.bias"));
      double[] h = hidden.toType(DataType.FLOAT64, false).toDoubleArray();
      for (int i = 0; i < h.length; i++) {
        h[i] =
            0.5
                * h[i]
                * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (h[i] + 0.044715 * h[i] * h[i] * h[i])));
      }
      NDArray byHand =
          scope
              .create(h)
              .toType(DataType.FLOAT32, false)
              .reshape(1, -1)
              .matMul(p.get("adapter.fc2.weight"))
              .add(p.get("adapter.fc2.bias"))
              .reshape(-1);
      assertTrue(TinyModels.maxAbsDiff(byHand, adapted.get(0)) < 1e-6);
    }
  }

  @Test
  void aPlaceholderWithoutItsEntityIsRejectedNamingThePrompt() {
    try (Elm elm = TinyModels.elm(1)) {
      ElmPrompt twoSlotsOneEntity =
          new ElmPrompt(new int[] {2, 5, 3}, new float[][] {{1f, 2f, 3f}});
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  PromptBatch.forGeneration(
                      List.of(ElmPrompt.text(4), twoSlotsOneEntity), elm.config()));
      assertEquals(
          "prompt 1: placeholder token 3 at token 2 reads entity 1, but the prompt has 1 entities",
          e.getMessage());
      ElmPrompt unusedEntity =
          new ElmPrompt(new int[] {2, 5}, new float[][] {{1f, 2f, 3f}, {1f, 1f, 1f}});
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> PromptBatch.forGeneration(List.of(unusedEntity), elm.config()));
      assertTrue(
          e.getMessage().startsWith("prompt 0: found 2 entities but placeholders for 1"),
          e.getMessage());
      ElmPrompt wrongDim = new ElmPrompt(new int[] {2}, new float[][] {{1f, 2f}});
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> PromptBatch.forGeneration(List.of(wrongDim), elm.config()));
      assertTrue(
          e.getMessage().contains("found dimension 2, expected the adapter's domainDim=3"),
          e.getMessage());
    }
  }

  @Test
  void batchedLogProbsOfPaddedRowsEqualTheirUnbatchedValues() {
    try (Elm elm = TinyModels.elm(2);
        NDManager scope = elm.manager().newSubManager()) {
      List<ElmPrompt> prompts =
          List.of(
              TinyModels.prompt(0.1f, 0.2f, 0.3f, 5, 6, 7, 8),
              TinyModels.prompt(1f, -1f, 0f, 9),
              new ElmPrompt(new int[] {2, 5, 3}, new float[][] {{0f, 1f, 0f}, {1f, 0f, 1f}}));
      List<int[]> continuations =
          List.of(new int[] {10, 11}, new int[] {12, 13, 14, 15, 1}, new int[] {16});
      ContinuationLogProbs batched = elm.continuationLogProbs(scope, prompts, continuations, true);
      assertArrayEquals(new int[] {2, 5, 1}, batched.lengths());
      float[][] rows = toRows(batched.tokenLogProbs());
      float[][] mask = toRows(batched.mask());
      for (int row = 0; row < 3; row++) {
        ContinuationLogProbs alone =
            elm.continuationLogProbs(
                scope, List.of(prompts.get(row)), List.of(continuations.get(row)), false);
        float[] expected = alone.tokenLogProbs().toFloatArray();
        for (int t = 0; t < 5; t++) {
          if (t < expected.length) {
            assertEquals(expected[t], rows[row][t], 1e-5, "row " + row + " token " + t);
            assertTrue(rows[row][t] < 0);
            assertEquals(1f, mask[row][t]);
          } else {
            assertEquals(0f, rows[row][t], 0f);
            assertEquals(0f, mask[row][t], 0f);
          }
        }
      }
      // The full distribution is normalised and agrees with the gathered token log-probs.
      NDArray totals = batched.logSoftmax().exp().sum(new int[] {2});
      assertTrue(TinyModels.maxAbsDiff(totals, scope.ones(totals.getShape())) < 1e-5);
      float picked = batched.logSoftmax().get(new NDIndex("1, 2, 14")).getFloat();
      assertEquals(picked, rows[1][2], 1e-6);
      assertEquals(
          rows[1][0] + rows[1][1] + rows[1][2] + rows[1][3] + rows[1][4],
          batched.sequenceLogProbs().get(1).getFloat(),
          1e-5);
    }
  }

  @Test
  void forwardPassEqualsANaiveGpt2WrittenWithLoops() {
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(11)
            .contextLength(8)
            .layers(2)
            .heads(2)
            .dModel(6)
            .mlpRatio(2)
            .initStd(0.5)
            .build();
    ElmConfig config = ElmConfig.languageModel(lm, 1, 0);
    try (Elm elm = Elm.initialize(config, Device.cpu(), DataType.FLOAT64, 9);
        NDManager scope = elm.manager().newSubManager()) {
      // Non-trivial gains and biases.
      SplittableRandom rng = new SplittableRandom(4);
      for (NDArray p : elm.parameters().values()) {
        double[] v = p.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += 0.2 * rng.nextGaussian();
        }
        p.set(v);
      }
      int[] tokens = {3, 7, 1, 9, 4};
      PromptBatch batch = PromptBatch.forScoring(List.of(ElmPrompt.text(tokens)), null, config);
      NDArray logits =
          elm.logits(
              elm.hiddenStates(elm.embed(scope, batch), elm.positionIds(scope, batch), null, null));
      double[][] expected = NaiveGpt2.logits(lm, elm.parameters(), tokens);
      double[] actual = logits.toDoubleArray();
      for (int t = 0; t < tokens.length; t++) {
        for (int v = 0; v < lm.vocabSize(); v++) {
          assertEquals(
              expected[t][v],
              actual[t * lm.vocabSize() + v],
              1e-10,
              "position " + t + " token " + v);
        }
      }
    }
  }

  private static float[][] toRows(NDArray array) {
    int rows = (int) array.getShape().get(0);
    int cols = (int) array.getShape().get(1);
    float[] flat = array.toType(DataType.FLOAT32, false).toFloatArray();
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
