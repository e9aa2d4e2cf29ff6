package dev.elmrlaif.rewards;

import java.util.List;

/**
 * A terminal reward {@code r(y, c)} of the CoMDP (DESIGN.md §3): scores a batch of generated texts,
 * each with the context it was generated from, and reports named components for the metrics.
 *
 * <p>Contract for every implementation: deterministic (the same texts and contexts give the same
 * scores, except for stateful normalisation in {@link CompositeReward}, which is documented there),
 * safe to call from several threads, and never throwing for a bad generated text: an empty or
 * meaningless text gets the documented fallback score and a {@link RewardFlag}. Mismatched argument
 * lists are a programming error and throw {@link IllegalArgumentException}.
 */
public interface RewardModel {

  /** A short name for logs, e.g. "semantic_consistency". */
  String name();

  /** The component names {@link #score} reports, in order. */
  List<String> componentNames();

  /** Scores {@code texts.get(i)} against {@code contexts.get(i)} for every i. */
  RewardResult score(List<String> texts, List<RewardContext> contexts);

  /**
   * The texts with null replaced by the empty string (a null text is treated as empty); for
   * implementations.
   */
  static List<String> nullAsEmpty(List<String> texts) {
    return texts.stream().map(text -> text == null ? "" : text).toList();
  }

  /** Checks that texts and contexts pair up; for implementations. */
  static void requireSameSize(List<String> texts, List<RewardContext> contexts) {
    if (texts.size() != contexts.size()) {
      throw new IllegalArgumentException(
          texts.size()
              + " texts but "
              + contexts.size()
              + " contexts; expected one context per text");
    }
  }
}
