package dev.elmrlaif.algorithms.synthetic;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * The structure of a small token CoMDP (DESIGN.md §3) with nothing learned in it: a vocabulary of
 * {@code vocabSize} tokens of which token {@link #END} (0) ends the episode, and a horizon of
 * {@code H} tokens. A state is the prefix generated so far (the empty prefix is the start); a
 * prefix is <em>terminal</em> when it ends with {@code END} or has {@code H} tokens, and a complete
 * sequence {@code y} is a terminal prefix. With {@code V} tokens there are {@code Σ_{k<H} (V−1)^k}
 * non-terminal prefixes and {@code Σ_{k<H} (V−1)^k + (V−1)^H} sequences, small enough to enumerate
 * for {@code V <= 8}, {@code H <= 5}.
 *
 * <p>Prefixes are immutable lists of token ids, so they serve as map keys.
 */
public final class TokenMdp {
  /** The end-of-sequence token. */
  public static final int END = 0;

  private final int vocabSize;
  private final int horizon;
  private final ImmutableList<List<Integer>> states;
  private final ImmutableList<List<Integer>> sequences;

  public TokenMdp(int vocabSize, int horizon) {
    if (vocabSize < 2) {
      throw new IllegalArgumentException(
          "vocab size: found " + vocabSize + ", expected >= 2 (END and one more)");
    }
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon: found " + horizon + ", expected >= 1");
    }
    if (Math.pow(vocabSize - 1, horizon) > 5_000_000) {
      throw new IllegalArgumentException(
          "vocab size "
              + vocabSize
              + " and horizon "
              + horizon
              + " give (V-1)^H = "
              + (long) Math.pow(vocabSize - 1, horizon)
              + " sequences, expected at most 5,000,000 to enumerate");
    }
    this.vocabSize = vocabSize;
    this.horizon = horizon;
    ImmutableList.Builder<List<Integer>> statesBuilder = ImmutableList.builder();
    ImmutableList.Builder<List<Integer>> sequencesBuilder = ImmutableList.builder();
    List<List<Integer>> frontier = List.of(List.of());
    while (!frontier.isEmpty()) {
      List<List<Integer>> next = new ArrayList<>();
      for (List<Integer> prefix : frontier) {
        statesBuilder.add(prefix);
        for (int a = 0; a < vocabSize; a++) {
          List<Integer> child = append(prefix, a);
          if (isTerminal(child)) {
            sequencesBuilder.add(child);
          } else {
            next.add(child);
          }
        }
      }
      frontier = next;
    }
    this.states = statesBuilder.build();
    this.sequences = sequencesBuilder.build();
  }

  public int vocabSize() {
    return vocabSize;
  }

  public int horizon() {
    return horizon;
  }

  /** Whether a prefix ends the episode: it ends with {@link #END} or has {@code H} tokens. */
  public boolean isTerminal(List<Integer> prefix) {
    return prefix.size() == horizon || (!prefix.isEmpty() && prefix.get(prefix.size() - 1) == END);
  }

  /** The non-terminal prefixes (the states where an action is taken), shortest first. */
  public ImmutableList<List<Integer>> states() {
    return states;
  }

  /** Every complete sequence, shortest first. */
  public ImmutableList<List<Integer>> sequences() {
    return sequences;
  }

  /** {@code prefix + [token]}. */
  public static List<Integer> append(List<Integer> prefix, int token) {
    return ImmutableList.<Integer>builderWithExpectedSize(prefix.size() + 1)
        .addAll(prefix)
        .add(token)
        .build();
  }

  /** Parses a prefix written as space-separated token ids ({@code ""} is the empty prefix). */
  public static List<Integer> parse(String tokens) {
    String trimmed = tokens.trim();
    if (trimmed.isEmpty()) {
      return List.of();
    }
    ImmutableList.Builder<Integer> out = ImmutableList.builder();
    for (String part : trimmed.split("\\s+")) {
      out.add(Integer.parseInt(part));
    }
    return out.build();
  }

  /** The inverse of {@link #parse}: token ids separated by single spaces. */
  public static String format(List<Integer> prefix) {
    StringBuilder s = new StringBuilder();
    for (int token : prefix) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append(token);
    }
    return s.toString();
  }
}
