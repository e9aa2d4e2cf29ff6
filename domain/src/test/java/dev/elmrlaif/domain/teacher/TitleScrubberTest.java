package dev.elmrlaif.domain.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TitleScrubberTest {
  @Test
  void formsCoverYearsArticlesAndAlternativeTitles() {
    assertEquals(
        List.of("American President, The", "American President", "The American President"),
        TitleScrubber.formsOf("American President, The (1995)"));
    assertEquals(
        List.of(
            "Amélie",
            "Fabuleux destin d'Amélie Poulain, Le",
            "Fabuleux destin d'Amélie Poulain",
            "Le Fabuleux destin d'Amélie Poulain"),
        TitleScrubber.formsOf("Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)"));
    assertEquals(List.of("Heat"), TitleScrubber.formsOf("Heat (1995)"));
    assertEquals(
        List.of("Shawshank Redemption", "Rita Hayworth and Shawshank Redemption"),
        TitleScrubber.formsOf(
            "Shawshank Redemption (a.k.a. Rita Hayworth and Shawshank Redemption) (1994)"));
  }

  @Test
  void replacesWholeWordsAnyCaseAndCapitalisesSentenceStarts() {
    TitleScrubber scrubber = new TitleScrubber(List.of("American President, The (1995)"));
    assertEquals(
        "The film is a comedy. Fans of the film love it; americans presidents do not.",
        scrubber.scrub(
            "The American President is a comedy. Fans of THE AMERICAN PRESIDENT love it; americans presidents do not."));
    TitleScrubber heat = new TitleScrubber(List.of("Heat (1995)"));
    assertEquals(
        "The film is tense; the heat of summer is not the title.",
        heat.scrub("Heat is tense; the heat of summer is not the title."));
    assertTrue(heat.mentionsTitle("I saw Heat."));
    assertFalse(heat.mentionsTitle("I saw Heathers and the heat."));
  }

  @Test
  void picksAReplacementThatIsNotItselfTheTitle() {
    TitleScrubber scrubber = new TitleScrubber(List.of("The Film (2001)"));
    String scrubbed = scrubber.scrub("The Film is about the film business.");
    assertFalse(scrubber.mentionsTitle(scrubbed), scrubbed);
    assertEquals("This picture is about this picture business.", scrubbed);
  }
}
