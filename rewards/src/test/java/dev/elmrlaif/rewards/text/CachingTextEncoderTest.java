package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingTextEncoderTest {

  /** Encodes a text as (length, number of spaces) and records what it was asked. */
  private static final class CountingEncoder implements TextEncoder {
    final List<List<String>> batches = new ArrayList<>();

    @Override
    public int dimension() {
      return 2;
    }

    @Override
    public float[] encode(String text) {
      return new float[] {text.length(), text.chars().filter(c -> c == ' ').count()};
    }

    @Override
    public float[][] encode(List<String> texts) {
      batches.add(List.copyOf(texts));
      return TextEncoder.super.encode(texts);
    }

    @Override
    public String description() {
      return "counting";
    }

    @Override
    public void save(Path file) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void encodesEachDistinctTextOnceAndMissesInOneBatch() {
    CountingEncoder inner = new CountingEncoder();
    CachingTextEncoder cached = new CachingTextEncoder(inner, 100);
    float[][] first = cached.encode(List.of("a b", "ccc", "a b"));
    assertArrayEquals(new float[] {3, 1}, first[0]);
    assertArrayEquals(new float[] {3, 0}, first[1]);
    assertArrayEquals(first[0], first[2]);
    cached.encode(List.of("ccc", "d e f"));
    assertEquals(
        List.of(List.of("a b", "ccc"), List.of("d e f")),
        inner.batches,
        "only distinct misses reach the wrapped encoder");
    first[1][0] = 99; // callers get copies
    assertArrayEquals(new float[] {3, 0}, cached.encode("ccc"));
    assertEquals(2, cached.stats().hitCount());
  }

  @Test
  void staysWithinItsBound() {
    CachingTextEncoder cached = new CachingTextEncoder(new CountingEncoder(), 2);
    for (int i = 0; i < 10; i++) {
      cached.encode("text " + i);
    }
    assertEquals(8, cached.stats().evictionCount());
    assertThrows(
        InvalidRewardInputException.class, () -> new CachingTextEncoder(new CountingEncoder(), 0));
  }
}
