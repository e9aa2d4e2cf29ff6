package dev.elmrlaif.policy.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of awkward text for tokenizer tests: English-like words with apostrophes,
 * accented Latin, Greek, Cyrillic, CJK, emoji (surrogate pairs, skin tones, ZWJ sequences), digits,
 * punctuation, runs of spaces, tabs, newlines and Unicode spaces, and random assigned code points
 * from all planes.
 */
final class RandomText {

  private static final String[] FRAGMENTS = {
    "the",
    "movie",
    "Woody",
    "Andy's",
    "they're",
    "we've",
    "I'm",
    "you'll",
    "he'd",
    "it's",
    "don't",
    "café",
    "naïve",
    "Über",
    "señor",
    "Ελληνικά",
    "русский",
    "中文字符",
    "日本語の映画",
    "한국어",
    "😀",
    "👍🏽",
    "👨‍👩‍👧",
    "🎬🍿",
    "1995",
    "3.14",
    "42",
    "—",
    "...",
    "!?",
    "(",
    ")",
    "\"",
    "'",
    "$",
    "%",
    " ",
    "  ",
    "   ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    " \n ",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u2003",
    "\u000b",
  };

  private final Random random;

  RandomText(long seed) {
    this.random = new Random(seed);
  }

  /** A string of about {@code pieces} fragments, words, spaces and random code points. */
  String next(int pieces) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      int kind = random.nextInt(10);
      if (kind < 6) {
        text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
      } else if (kind < 8) {
        text.append(' ');
      } else {
        text.appendCodePoint(randomAssignedCodePoint());
      }
    }
    return text.toString();
  }

  /** {@code count} strings of up to {@code maxPieces} pieces each. */
  List<String> strings(int count, int maxPieces) {
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      texts.add(next(1 + random.nextInt(maxPieces)));
    }
    return texts;
  }

  private int randomAssignedCodePoint() {
    while (true) {
      int plane = random.nextInt(4);
      int cp =
          plane == 0
              ? random.nextInt(0x80)
              : plane == 1
                  ? random.nextInt(0x800)
                  : plane == 2 ? random.nextInt(0x10000) : 0x10000 + random.nextInt(0x20000);
      if (Character.isDefined(cp)
          && Character.getType(cp) != Character.SURROGATE
          && Character.getType(cp) != Character.PRIVATE_USE) {
        return cp;
      }
    }
  }
}
