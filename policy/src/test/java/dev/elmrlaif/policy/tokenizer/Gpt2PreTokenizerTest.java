package dev.elmrlaif.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class Gpt2PreTokenizerTest {

  @Test
  void splitsLikeGpt2() {
    assertEquals(
        List.of("Hello", ",", " world", "'s", " ", " test", "\n"),
        Gpt2PreTokenizer.split("Hello, world's  test\n"));
    assertEquals(
        List.of("I", "'m", " 42", " years", "!!!", "   "),
        Gpt2PreTokenizer.split("I'm 42 years!!!   "));
    assertEquals(List.of(" café", " 中文", " 😀👍"), Gpt2PreTokenizer.split(" café 中文 😀👍"));
    // Unicode spaces are white space, as in the Rust library: the run before "b" keeps its last
    // space for "b".
    assertEquals(List.of("a", "\u00a0\u3000", " b"), Gpt2PreTokenizer.split("a\u00a0\u3000 b"));
    assertEquals(List.of(), Gpt2PreTokenizer.split(""));
  }

  @Test
  void piecesConcatenateToTheInput() {
    for (String text : new RandomText(3).strings(200, 30)) {
      assertEquals(text, String.join("", Gpt2PreTokenizer.split(text)));
    }
  }
}
