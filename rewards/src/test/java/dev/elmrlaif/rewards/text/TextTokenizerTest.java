package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {

  @Test
  void splitsOnNonLetterOrDigitAndLowercases() {
    TextTokenizer tokenizer = new TextTokenizer(true, false, 1);
    assertEquals(
        List.of("andy", "s", "toys", "live", "in", "room", "42", "café", "naïve"),
        tokenizer.tokenize("Andy's TOYS -- live in room#42: Café, naïve!"));
  }

  @Test
  void dropsStopWordsAndShortTokens() {
    TextTokenizer tokenizer = new TextTokenizer(true, true, 2);
    assertEquals(
        List.of("woody", "plots", "buzz", "x2"),
        tokenizer.tokenize("Woody plots against a Buzz, and X2 of them."));
  }

  @Test
  void keepsCaseWhenAskedAndHandlesSupplementaryCharacters() {
    TextTokenizer tokenizer = new TextTokenizer(false, false, 1);
    assertEquals(List.of("Big", "𝐀𝐁", "Fish"), tokenizer.tokenize("Big 𝐀𝐁 Fish"));
    assertEquals(List.of(), tokenizer.tokenize(""));
    assertEquals(List.of(), tokenizer.tokenize(null));
    assertEquals(List.of(), tokenizer.tokenize(" ,.;!? "));
  }

  @Test
  void rejectsNonPositiveMinimumLength() {
    assertThrows(IllegalArgumentException.class, () -> new TextTokenizer(true, true, 0));
  }
}
