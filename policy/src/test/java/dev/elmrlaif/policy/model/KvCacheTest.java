package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decoding with the KV cache must reproduce, step by step, the logits of a full forward pass over
 * the same sequence, and padded rows of a batch must equal their unbatched results.
 */
class KvCacheTest {
  @Test
  void cachedDecodingMatchesFullForwardAtEveryStepForEveryPaddedRow() {
    try (Elm elm = TinyModels.elm(11);
        NDManager scope = elm.manager().newSubManager()) {
      // Three prompts of different lengths (left padding in the batch), one with two entities.
      List<ElmPrompt> prompts =
          List.of(
              new ElmPrompt(new int[] {7, 2, 9, 10, 11}, new float[][] {{0.5f, -1f, 2f}}),
              new ElmPrompt(new int[] {2, 8}, new float[][] {{1f, 0f, -1f}}),
              new ElmPrompt(
                  new int[] {4, 2, 5, 3}, new float[][] {{0.1f, 0.2f, 0.3f}, {-2f, 1f, 0f}}));
      int steps = 8;
      // A fixed continuation to feed, so both paths see the same tokens.
      int[][] continuation = new int[3][steps];
      for (int row = 0; row < 3; row++) {
        for (int t = 0; t < steps; t++) {
          continuation[row][t] = 3 + (row * 7 + t * 5) % 30;
        }
      }
      PromptBatch batch = PromptBatch.forGeneration(prompts, elm.config());
      double worst = 0;
      try (KvCache cache = elm.newKvCache(scope, batch, steps)) {
        for (int t = 0; t <= steps; t++) {
          try (NDManager step = scope.newSubManager();
              NDScope nativeScope = new NDScope()) {
            nativeScope.suppressNotUsedWarning();
            NDArray logits;
            if (t == 0) {
              NDArray hidden =
                  elm.hiddenStates(
                      elm.embed(step, batch), elm.positionIds(step, batch), null, cache);
              logits = elm.logits(hidden.get(new NDIndex(":, -1, :")));
            } else {
              long[] ids = new long[3];
              long[] pos = new long[3];
              for (int row = 0; row < 3; row++) {
                ids[row] = continuation[row][t - 1];
                pos[row] = batch.promptLength(row) + t - 1;
              }
              NDArray hidden =
                  elm.hiddenStates(
                      elm.embedTokens(step.create(ids, new Shape(3, 1))),
                      step.create(pos, new Shape(3, 1)),
                      null,
                      cache);
              logits = elm.logits(hidden.reshape(3, -1));
            }
            for (int row = 0; row < 3; row++) {
              NDArray expected =
                  unbatchedLastLogits(elm, step, prompts.get(row), continuation[row], t);
              worst = Math.max(worst, TinyModels.maxAbsDiff(logits.get(row), expected));
            }
          }
        }
        assertEquals(prompts.get(0).tokenIds().length + steps, cache.length());
      }
      assertTrue(worst <= 1e-4, "max |cached - full| logit difference " + worst);
    }
  }

  /** Logits after the prompt and the first t continuation tokens, one row, no padding, no cache. */
  private static NDArray unbatchedLastLogits(
      Elm elm, NDManager step, ElmPrompt prompt, int[] continuation, int t) {
    int[] prefix = new int[t];
    System.arraycopy(continuation, 0, prefix, 0, t);
    List<ElmPrompt> one = new ArrayList<>(List.of(prompt));
    PromptBatch batch = PromptBatch.forScoring(one, List.of(prefix), elm.config());
    NDArray hidden =
        elm.hiddenStates(elm.embed(step, batch), elm.positionIds(step, batch), null, null);
    return elm.logits(hidden.get(new NDIndex("0, -1, :")));
  }
}
