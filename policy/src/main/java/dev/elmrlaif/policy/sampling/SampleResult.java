package dev.elmrlaif.policy.sampling;

import java.util.Arrays;

/**
 * Generated continuations of a batch of prompts. Row {@code b} has {@code lengths[b]} real tokens
 * (including the end token when it {@code ended}); the rest of each row is the pad token in {@code
 * tokens} and 0 in the float arrays.
 *
 * @param tokens {@code [B][maxNewTokens]} token ids
 * @param lengths real tokens per row
 * @param ended whether the row stopped at the end token (otherwise at maxNewTokens)
 * @param samplingLogProbs log-probability of each token under the distribution it was drawn from
 *     (after temperature, top-k and top-p; 0 for greedy): the behaviour policy of off-policy RL
 * @param policyLogProbs {@code log pi(a_t | s_t)} under the untempered, untruncated policy, the
 *     same quantity {@code Elm.continuationLogProbs} computes
 * @param entropies entropy of the untempered policy {@code pi(. | s_t)} at each step, in nats
 */
public record SampleResult(
    int[][] tokens,
    int[] lengths,
    boolean[] ended,
    float[][] samplingLogProbs,
    float[][] policyLogProbs,
    float[][] entropies) {

  public int rows() {
    return tokens.length;
  }

  /** The real tokens of one row. */
  public int[] continuation(int row) {
    return Arrays.copyOf(tokens[row], lengths[row]);
  }

  /** Sum of the policy log-probs of one row, {@code log pi(y | c)}. */
  public double sequencePolicyLogProb(int row) {
    double sum = 0;
    for (int t = 0; t < lengths[row]; t++) {
      sum += policyLogProbs[row][t];
    }
    return sum;
  }
}
