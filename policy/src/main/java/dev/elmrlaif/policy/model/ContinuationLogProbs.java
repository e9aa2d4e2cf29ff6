package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-token log-probabilities {@code log pi(a_t | s_t)} of given continuations after their prompts
 * (DESIGN.md §3), differentiable when computed inside a gradient collector. Row {@code b} has
 * {@code lengths[b]} real tokens; the rest of the row is padding, 0 in {@code tokenLogProbs} and in
 * {@code mask}.
 *
 * @param tokenLogProbs {@code [B, C]}, C the longest continuation
 * @param mask {@code [B, C]}, 1 for real tokens and 0 for padding, in the model's data type
 * @param logSoftmax {@code [B, C, V]}, the full log-distribution at every continuation step (for
 *     exact KL and entropy), or {@code null} when not requested
 * @param lengths real continuation tokens per row
 */
public record ContinuationLogProbs(
    NDArray tokenLogProbs, NDArray mask, NDArray logSoftmax, int[] lengths) {

  /** Per-row sums {@code log pi(y | c)} as {@code [B]}. */
  public NDArray sequenceLogProbs() {
    return tokenLogProbs.sum(new int[] {1});
  }
}
