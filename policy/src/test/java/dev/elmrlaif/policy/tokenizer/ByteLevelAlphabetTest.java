package dev.elmrlaif.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

  @Test
  void mapsEveryByteToADistinctCharacterAndBack() {
    Set<Character> seen = new HashSet<>();
    for (int b = 0; b < 256; b++) {
      char c = ByteLevelAlphabet.charOf(b);
      seen.add(c);
      assertEquals(b, ByteLevelAlphabet.byteOf(c));
    }
    assertEquals(256, seen.size());
    assertEquals(0xAD, ByteLevelAlphabet.byteOf('Ń'));
    assertEquals(-1, ByteLevelAlphabet.byteOf('ń'));
    assertEquals(-1, ByteLevelAlphabet.byteOf('中'));
  }

  @Test
  void matchesGpt2sTable() {
    // Printable bytes stand for themselves; the others count up from U+0100 in byte order.
    assertEquals('!', ByteLevelAlphabet.charOf('!'));
    assertEquals('é', ByteLevelAlphabet.charOf(0xE9));
    assertEquals('Ā', ByteLevelAlphabet.charOf(0));
    assertEquals('Ċ', ByteLevelAlphabet.charOf('\n'));
    assertEquals('Ġ', ByteLevelAlphabet.charOf(' '));
    assertEquals('ġ', ByteLevelAlphabet.charOf(0x7F));
    assertEquals('Ń', ByteLevelAlphabet.charOf(0xAD));
    // GPT-2's vocabulary lists "!" first, "Ā" (byte 0) at 188 and "Ġ" (space) at 220.
    assertEquals('!', ByteLevelAlphabet.byteInVocabularyOrder(0));
    assertEquals(0, ByteLevelAlphabet.byteInVocabularyOrder(188));
    assertEquals(' ', ByteLevelAlphabet.byteInVocabularyOrder(220));
    assertEquals(0xAD, ByteLevelAlphabet.byteInVocabularyOrder(255));
  }

  @Test
  void encodesTextThroughUtf8() {
    assertEquals("ĠcafÃ©", ByteLevelAlphabet.encode(" café"));
    assertEquals("ä¸Ń", ByteLevelAlphabet.encode("中"));
  }
}
