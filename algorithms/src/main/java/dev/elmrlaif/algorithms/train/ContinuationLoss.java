package dev.elmrlaif.algorithms.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.EngineOwned;
import dev.elmrlaif.policy.model.PromptBatch;
import java.util.List;

/**
 * The supervised loss both trainers minimise: the mean negative log-likelihood of continuation
 * tokens after their prompts, over one right-padded batch.
 *
 * <pre>
 *   L = -(1/N) sum_b sum_{j &lt; C_b} log softmax(logits[b, P_b - 1 + j])[y_b[j]],   N = sum_b C_b
 * </pre>
 *
 * with {@code P_b} the prompt length and {@code C_b} the continuation length of row {@code b}:
 * prompt positions (and padding) carry weight 0, each continuation token weight 1. Pretraining uses
 * a one-token prompt (every later token is predicted); ELM training the task prompt with the
 * adapter's rows at the placeholders (only the target is predicted).
 *
 * <p>Every input array is created in {@code scope}, which must stay open until the backward pass
 * has run: autograd reads the gather indices during backward.
 */
public final class ContinuationLoss {
  private ContinuationLoss() {}

  /** The loss above, differentiable inside a gradient collector, and the N it averages over. */
  public static OptimizationLoop.BatchLoss mean(
      Elm elm, NDManager scope, List<ElmPrompt> prompts, List<int[]> continuations) {
    PromptBatch batch = PromptBatch.forScoring(prompts, continuations, elm.config());
    int rows = batch.rows();
    int length = batch.length();
    long[] labels = new long[rows * length];
    float[] weights = new float[rows * length];
    long tokens = 0;
    for (int b = 0; b < rows; b++) {
      int promptLength = batch.promptLength(b);
      int[] continuation = continuations.get(b);
      for (int j = 0; j < continuation.length; j++) {
        int position =
            b * length + promptLength - 1 + j; // the logits here predict continuation token j
        labels[position] = continuation[j];
        weights[position] = 1f;
      }
      tokens += continuation.length;
    }
    NDArray hidden =
        elm.hiddenStates(elm.embed(scope, batch), elm.positionIds(scope, batch), null, null);
    NDArray logProbs = elm.logits(hidden).logSoftmax(-1); // [B, T, V]
    NDArray picked =
        logProbs.gather(scope.create(labels, new Shape(rows, length, 1)), 2).squeeze(2); // [B, T]
    NDArray weight = scope.create(weights, new Shape(rows, length)).toType(elm.dataType(), false);
    NDArray total = picked.mul(weight).sum();
    // Not div(long): DJL frees a Number operand's buffer before the backward pass reads it.
    NDArray loss = total.div(EngineOwned.scalar(total, tokens)).neg();
    return new OptimizationLoop.BatchLoss(loss, tokens);
  }
}
