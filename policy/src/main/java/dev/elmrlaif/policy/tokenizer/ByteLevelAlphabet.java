package dev.elmrlaif.policy.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-unicode mapping ({@code bytes_to_unicode} in OpenAI's {@code
 * encoder.py}, the {@code ByteLevel} pre-tokenizer and decoder of Hugging Face {@code tokenizers}).
 *
 * <p>Byte-level BPE works on bytes, but vocabularies and merges are stored as strings. Each of the
 * 256 byte values is given one printable character: the printable Latin-1 bytes ({@code !..~},
 * {@code ¡..¬}, {@code ®..ÿ}) map to themselves, the remaining 68 bytes (controls, space, soft
 * hyphen) map to {@code U+0100} upward in byte order. So the space byte becomes {@code Ġ} and
 * newline {@code Ċ}.
 *
 * <p>The order in which GPT-2 lists the bytes (printable ones first) is also the order of the first
 * 256 ids of GPT-2's vocabulary; {@link #byteInVocabularyOrder(int)} exposes it so that a trained
 * vocabulary starts with the same 256 entries as GPT-2's.
 */
public final class ByteLevelAlphabet {

  /** Number of base symbols: one per byte value. */
  public static final int SIZE = 256;

  private static final char[] BYTE_TO_CHAR = new char[SIZE];
  private static final int[] VOCABULARY_ORDER = new int[SIZE];

  /** Indexed by character; -1 where the character is not one of the 256 byte symbols. */
  private static final int[] CHAR_TO_BYTE = new int[SIZE + 68];

  static {
    Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 0;
    for (int b = 0; b < SIZE; b++) {
      if (isPrintableLatin1(b)) {
        BYTE_TO_CHAR[b] = (char) b;
        VOCABULARY_ORDER[next++] = b;
      }
    }
    int shifted = 0;
    for (int b = 0; b < SIZE; b++) {
      if (!isPrintableLatin1(b)) {
        BYTE_TO_CHAR[b] = (char) (SIZE + shifted++);
        VOCABULARY_ORDER[next++] = b;
      }
    }
    for (int b = 0; b < SIZE; b++) {
      CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }
  }

  private ByteLevelAlphabet() {}

  private static boolean isPrintableLatin1(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  }

  /** The character standing for byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The byte (0..255) a character stands for, or -1 if it is not one of the 256 byte symbols. */
  public static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** The byte value listed at position {@code index} (0..255) of GPT-2's vocabulary. */
  public static int byteInVocabularyOrder(int index) {
    return VOCABULARY_ORDER[index];
  }

  /** Maps text to its byte-level form: UTF-8 bytes, each replaced by its symbol character. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(chars);
  }
}
