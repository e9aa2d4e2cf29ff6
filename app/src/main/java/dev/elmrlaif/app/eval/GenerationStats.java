package dev.elmrlaif.app.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;

/**
 * How far a model's own generations for one task moved from the supervised model, and how certain
 * the model is of them — beside the {@link TextFigures} (length, distinct-2, non-word rate), the
 * figures that tell whether RL raised consistency honestly (DESIGN.md §3, H1) or by drifting or
 * collapsing:
 *
 * <pre>
 * kl_i       = Σ_t Σ_v π(v|s_t) · (log π(v|s_t) − log π_sft(v|s_t))    exact, over the whole vocabulary
 * entropy_i  = Σ_t −Σ_v π(v|s_t) · log π(v|s_t)
 * </pre>
 *
 * where {@code s_t} runs over the states of generation {@code i} (its prompt and the tokens before
 * {@code t}, the end token's step included) that fit the model's context: a generation that fills
 * the context ends with a token no state of which is fed back, and that last step is left out.
 *
 * @param kl per generation, or null when there is no supervised model to compare with
 * @param entropy per generation
 */
public record GenerationStats(double[] kl, double[] entropy) {

  /**
   * Measures {@code continuations} (the model's own generations after {@code prompts}) under {@code
   * model} and, when not null, {@code sft}, in batches of {@code batchSize}. When {@code sft} is
   * {@code model} itself the KL is 0 exactly ({@code p · (log p − log p)}) and is not computed.
   */
  public static GenerationStats measure(
      Elm model, Elm sft, List<ElmPrompt> prompts, List<int[]> continuations, int batchSize) {
    int rows = prompts.size();
    int context = model.config().lm().contextLength();
    List<int[]> measured = new java.util.ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int room = context - prompts.get(i).tokenIds().length;
      int[] continuation = continuations.get(i);
      measured.add(
          continuation.length <= room ? continuation : java.util.Arrays.copyOf(continuation, room));
    }
    double[] kl = sft == null ? null : new double[rows];
    double[] entropy = new double[rows];
    for (int start = 0; start < rows; start += batchSize) {
      int end = Math.min(rows, start + batchSize);
      List<ElmPrompt> batchPrompts = prompts.subList(start, end);
      List<int[]> batchContinuations = measured.subList(start, end);
      try (NDScope arrays = new NDScope();
          NDManager scope = model.manager().newSubManager()) {
        arrays.suppressNotUsedWarning();
        ContinuationLogProbs own =
            model.continuationLogProbs(scope, batchPrompts, batchContinuations, true);
        NDArray logp = own.logSoftmax();
        NDArray p = logp.exp();
        NDArray perSequenceEntropy =
            p.mul(logp).sum(new int[] {2}).neg().mul(own.mask()).sum(new int[] {1});
        copy(perSequenceEntropy, entropy, start);
        if (sft != null && sft != model) {
          ContinuationLogProbs reference =
              sft.continuationLogProbs(scope, batchPrompts, batchContinuations, true);
          NDArray perSequenceKl =
              p.mul(logp.sub(reference.logSoftmax()))
                  .sum(new int[] {2})
                  .mul(own.mask())
                  .sum(new int[] {1});
          copy(perSequenceKl, kl, start);
        }
      }
    }
    return new GenerationStats(kl, entropy);
  }

  private static void copy(NDArray values, double[] into, int offset) {
    double[] copied = values.toType(DataType.FLOAT64, false).toDoubleArray();
    System.arraycopy(copied, 0, into, offset, copied.length);
  }
}
