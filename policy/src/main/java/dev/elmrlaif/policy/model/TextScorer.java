package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a plain text under a model: {@code log pi(x_t | x_<t)} of each of its tokens, the first
 * one conditioned on the begin token (GPT-2's {@code <|endoftext|>} when the tokenizer has no
 * other). It calls {@link Elm#continuationLogProbs}, the function training uses, so a saved
 * checkpoint scores a text exactly as the trainer saw it.
 */
public final class TextScorer {
  /**
   * The result of scoring one text.
   *
   * @param tokens each token's text
   * @param tokenIds each token's id
   * @param logProbs natural-log probability of each token given the ones before it
   * @param sum the text's total log-probability
   */
  public record TextScore(List<String> tokens, long[] tokenIds, double[] logProbs, double sum) {}

  private TextScorer() {}

  /**
   * @throws IllegalArgumentException if the text has no tokens, is longer than the model's context,
   *     or holds ids outside the model's vocabulary (tokenizer and model do not match)
   */
  public static TextScore score(Elm elm, ElmTokenizer tokenizer, String text) {
    long[] ids = tokenizer.encode(text);
    if (ids.length == 0) {
      throw new IllegalArgumentException("text: found no tokens, expected at least one");
    }
    int context = elm.config().lm().contextLength();
    if (ids.length + 1 > context) {
      throw new IllegalArgumentException(
          "text: found "
              + ids.length
              + " tokens, expected at most "
              + (context - 1)
              + " (the model's context is "
              + context
              + " with the begin token)");
    }
    int vocab = elm.config().lm().vocabSize();
    int[] continuation = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "text: token "
                + i
                + " has id "
                + ids[i]
                + ", outside the model's vocabulary of "
                + vocab
                + "; expected the tokenizer saved with the model");
      }
      continuation[i] = (int) ids[i];
    }
    int begin = (int) tokenizer.beginId().orElse(elm.config().endTokenId());
    double[] logProbs;
    try (NDScope temporaries = new NDScope();
        NDManager scope = elm.manager().newSubManager()) {
      temporaries.suppressNotUsedWarning();
      logProbs =
          elm.continuationLogProbs(
                  scope, List.of(ElmPrompt.text(begin)), List.of(continuation), false)
              .tokenLogProbs()
              .toType(DataType.FLOAT64, false)
              .toDoubleArray();
    }
    List<String> tokens = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < ids.length; i++) {
      tokens.add(tokenizer.decode(new long[] {ids[i]}));
      sum += logProbs[i];
    }
    return new TextScore(List.copyOf(tokens), ids, logProbs, sum);
  }
}
