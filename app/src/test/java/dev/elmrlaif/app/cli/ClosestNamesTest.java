package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The suggestions for an unknown name: containment, then shared words, then edit distance. */
class ClosestNamesTest {
  @Test
  void levenshteinIsTheTextbookDistance() {
    assertEquals(3, ClosestNames.levenshtein("kitten", "sitting"));
    assertEquals(0, ClosestNames.levenshtein("", ""));
    assertEquals(4, ClosestNames.levenshtein("", "heat"));
    assertEquals(2, ClosestNames.levenshtein("stroy", "story"));
  }

  @Test
  void aMistypedTitleFindsTheTitlesSharingItsWordsFirst() {
    List<String> titles =
        List.of(
            "Heat (1995)",
            "Story of Us, The (1999)",
            "Toy Story 2 (1999)",
            "Toy Story (1995)",
            "Toys (1992)");
    // "toy" is a word of both Toy Story titles; the shorter one is closer by edit distance
    assertEquals(
        List.of("Toy Story (1995)", "Toy Story 2 (1999)", "Toys (1992)"),
        ClosestNames.closest(titles, "toy stroy", 3));
    // a part of a title comes first
    assertEquals(List.of("Heat (1995)"), ClosestNames.closest(titles, "HEAT", 1));
  }
}
