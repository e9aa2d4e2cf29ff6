package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PenaltiesTest {

  private static List<RewardContext> contexts(int n) {
    return Collections.nCopies(n, RewardContext.builder("c").build());
  }

  @Test
  void lengthPenaltyCountsWordsOutsideTheBand() {
    LengthPenalty penalty = new LengthPenalty(new LengthPenalty.Config(3, 5, 0.5));
    RewardResult result =
        penalty.score(List.of("one", "one two three", "a b c d e f g h", "   "), contexts(4));
    // 1 word: 2 short -> -1;  3: 0;  8: 3 long -> -1.5;  0 words: 3 short -> -1.5 (flagged empty)
    assertArrayEquals(new double[] {-1.0, 0.0, -1.5, -1.5}, result.scores(), 1e-12);
    assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(3));
    assertThrows(InvalidRewardInputException.class, () -> new LengthPenalty.Config(5, 3, 1));
  }

  @Test
  void degeneracyPenaltyIsTheFractionOfRepeatedNgrams() {
    DegeneracyPenalty bigrams = new DegeneracyPenalty(new DegeneracyPenalty.Config(2));
    RewardResult result =
        bigrams.score(
            List.of("The cat, the cat; the CAT.", "a quiet story about loss", "solo", ""),
            contexts(4));
    // "the cat the cat the cat": 5 bigrams, 2 distinct -> distinct-2 = 0.4 -> penalty -0.6
    assertEquals(-0.6, result.scores()[0], 1e-12);
    assertEquals(0.0, result.scores()[1], 1e-12);
    assertEquals(0.0, result.scores()[2], 1e-12); // fewer words than n: nothing repeats
    assertEquals(0.0, result.scores()[3], 1e-12);
    assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(3));
    assertEquals(2.0 / 3.0, DegeneracyPenalty.distinctFraction(List.of("x", "x", "y"), 1), 1e-12);
    assertThrows(InvalidRewardInputException.class, () -> new DegeneracyPenalty.Config(0));
  }

  @Test
  void crossContextRepetitionIsTheShareOfNgramsAnotherContextAlsoWrote() {
    CrossContextRepetitionPenalty bigrams = new CrossContextRepetitionPenalty(2);
    RewardContext a = RewardContext.builder("a").build();
    RewardContext b = RewardContext.builder("b").build();
    RewardContext c = RewardContext.builder("c").build();
    RewardResult result =
        bigrams.score(
            List.of("The cat sat.", "the cat ran", "A cat sat", "solo", ""),
            List.of(a, a, b, c, c));
    // bigrams: "the cat" {a}, "cat sat" {a, b}, "cat ran" {a}, "a cat" {b}
    assertEquals(-0.5, result.scores()[0], 1e-12); // "cat sat" also in b's text
    assertEquals(0.0, result.scores()[1], 1e-12); // "the cat" is shared with its own context only
    assertEquals(-0.5, result.scores()[2], 1e-12); // "cat sat" also in a's text
    assertEquals(0.0, result.scores()[3], 1e-12); // fewer words than n
    assertEquals(0.0, result.scores()[4], 1e-12);
    assertEquals(Set.of(RewardFlag.EMPTY_TEXT), result.flags().get(4));
    // one context alone: nothing is shared with another
    assertArrayEquals(
        new double[] {0.0, 0.0},
        bigrams.score(List.of("the cat sat", "the cat sat"), List.of(a, a)).scores(),
        1e-12);
    // every bigram of the first text written for another context too
    assertEquals(
        -1.0, bigrams.score(List.of("x y z", "w x y z"), List.of(a, b)).scores()[0], 1e-12);
    assertThrows(InvalidRewardInputException.class, () -> new CrossContextRepetitionPenalty(0));
  }
}
