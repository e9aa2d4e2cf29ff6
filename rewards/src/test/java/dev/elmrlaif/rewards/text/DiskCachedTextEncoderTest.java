package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCachedTextEncoderTest {

  /**
   * Encodes a text from its characters, records what it was asked; saves its salt, so the salt is
   * its identity.
   */
  private static final class CountingEncoder implements TextEncoder {
    final List<List<String>> batches = new ArrayList<>();
    final int salt;

    CountingEncoder(int salt) {
      this.salt = salt;
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public float[] encode(String text) {
      return new float[] {
        text.length() + salt, text.hashCode() % 1000, (float) Math.sqrt(text.length())
      };
    }

    @Override
    public synchronized float[][] encode(List<String> texts) {
      batches.add(List.copyOf(texts));
      return TextEncoder.super.encode(texts);
    }

    int encoded() {
      return batches.stream().mapToInt(List::size).sum();
    }

    @Override
    public String description() {
      return "counting(" + salt + ")";
    }

    @Override
    public void save(Path file) throws IOException {
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
        out.writeInt(salt);
      }
    }
  }

  private static final List<String> TEXTS =
      List.of("alpha", "beta gamma", "", "alpha", "delta epsilon zeta");

  private static List<Path> segments(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(p -> p.toString().endsWith(DiskCachedTextEncoder.SUFFIX))
          .sorted()
          .toList();
    }
  }

  @Test
  void aSecondOpeningAnswersFromDiskWithIdenticalVectors(@TempDir Path root) {
    CountingEncoder inner = new CountingEncoder(1);
    DiskCachedTextEncoder cold = new DiskCachedTextEncoder(inner, root);
    float[][] first = cold.encode(TEXTS);
    assertEquals(List.of(List.of("alpha", "beta gamma", "", "delta epsilon zeta")), inner.batches);
    assertEquals(4, cold.misses());
    for (int i = 0; i < TEXTS.size(); i++) {
      assertArrayEquals(inner.encode(TEXTS.get(i)), first[i], 0f);
    }

    CountingEncoder fresh = new CountingEncoder(1);
    DiskCachedTextEncoder warm = new DiskCachedTextEncoder(fresh, root);
    assertEquals(4, warm.size());
    float[][] second = warm.encode(TEXTS);
    assertEquals(0, fresh.encoded(), "every text came from disk");
    assertEquals(5, warm.hits());
    for (int i = 0; i < TEXTS.size(); i++) {
      assertArrayEquals(first[i], second[i], 0f);
    }
    assertArrayEquals(first[1], warm.encode("beta gamma"), 0f);
    second[0][0] = -99f;
    assertArrayEquals(first[0], warm.encode("alpha"), 0f, "callers get copies");
  }

  @Test
  void theViewWithoutWritesAnswersFromTheCacheAndKeepsNothingNew(@TempDir Path root)
      throws IOException {
    CountingEncoder writer = new CountingEncoder(1);
    DiskCachedTextEncoder written = new DiskCachedTextEncoder(writer, root);
    float[][] first = written.encode(TEXTS);
    List<Path> before = segments(written.folder());

    CountingEncoder inner = new CountingEncoder(1);
    DiskCachedTextEncoder reopened = new DiskCachedTextEncoder(inner, root);
    TextEncoder readOnly = reopened.withoutWrites();
    float[][] rows =
        readOnly.encode(List.of("alpha", "a sampled completion", "a sampled completion"));
    assertArrayEquals(first[0], rows[0], 0f, "a cached text comes from disk");
    assertArrayEquals(inner.encode("a sampled completion"), rows[1], 0f);
    assertArrayEquals(rows[1], rows[2], 0f);
    assertEquals(List.of(List.of("a sampled completion")), inner.batches, "one miss, encoded once");
    readOnly.encode(List.of("a sampled completion"));
    assertEquals(2, inner.encoded(), "a miss is not held: asked again, it is encoded again");
    assertEquals(4, reopened.size());
    assertEquals(before, segments(reopened.folder()), "nothing written");
    assertSame(inner, TextEncoders.withoutWrites(inner), "an encoder without a cache is itself");
    assertEquals(4, new DiskCachedTextEncoder(new CountingEncoder(1), root).size());
  }

  @Test
  void anotherEncoderIdentityGetsItsOwnFolderAndNeverAnotherEncodersVectors(@TempDir Path root) {
    DiskCachedTextEncoder one = new DiskCachedTextEncoder(new CountingEncoder(1), root);
    one.encode(TEXTS);
    CountingEncoder otherInner = new CountingEncoder(2);
    DiskCachedTextEncoder other = new DiskCachedTextEncoder(otherInner, root);
    assertNotEquals(one.folder(), other.folder());
    assertEquals(0, other.size());
    assertArrayEquals(otherInner.encode("alpha"), other.encode("alpha"), 0f);
  }

  @Test
  void aCorruptOrTruncatedSegmentIsDeletedAndItsTextsEncodedAgain(@TempDir Path root)
      throws IOException {
    DiskCachedTextEncoder writer = new DiskCachedTextEncoder(new CountingEncoder(1), root);
    float[][] expected = writer.encode(TEXTS);
    writer.encode(List.of("only in the second segment"));
    List<Path> written = segments(writer.folder());
    assertEquals(2, written.size());

    // flip one byte inside a vector of the first segment (the longer one)
    Path first =
        written.stream()
            .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
            .orElseThrow();
    byte[] bytes = Files.readAllBytes(first);
    bytes[DiskCachedTextEncoder.MAGIC.length + 32 + 8 + 32 + 2] ^= 0x40;
    Files.write(first, bytes);
    CountingEncoder inner = new CountingEncoder(1);
    DiskCachedTextEncoder reopened = new DiskCachedTextEncoder(inner, root);
    assertEquals(1, reopened.recoveredSegments());
    assertEquals(1, reopened.size(), "the sound segment is kept");
    assertTrue(Files.notExists(first));
    float[][] again = reopened.encode(TEXTS);
    for (int i = 0; i < TEXTS.size(); i++) {
      assertArrayEquals(expected[i], again[i], 0f);
    }
    assertEquals(4, inner.encoded());

    // now cut a segment short, as a crash mid-copy would
    Path newest =
        segments(reopened.folder()).stream()
            .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
            .orElseThrow();
    byte[] whole = Files.readAllBytes(newest);
    Files.write(newest, java.util.Arrays.copyOf(whole, whole.length / 2));
    CountingEncoder third = new CountingEncoder(1);
    DiskCachedTextEncoder again2 = new DiskCachedTextEncoder(third, root);
    assertEquals(1, again2.recoveredSegments());
    assertArrayEquals(expected[4], again2.encode(TEXTS.get(4)), 0f);
    assertEquals(1, third.encoded());

    // a file that is not a segment at all, and an empty one
    Files.writeString(
        again2.folder().resolve("zzz-garbage" + DiskCachedTextEncoder.SUFFIX), "not a segment");
    Files.write(again2.folder().resolve("zzz-empty" + DiskCachedTextEncoder.SUFFIX), new byte[0]);
    DiskCachedTextEncoder fourth = new DiskCachedTextEncoder(new CountingEncoder(1), root);
    assertEquals(2, fourth.recoveredSegments());
  }

  @Test
  void manySmallWritesAreMergedAndNothingIsLost(@TempDir Path root) throws IOException {
    DiskCachedTextEncoder cache = new DiskCachedTextEncoder(new CountingEncoder(1), root);
    int calls = DiskCachedTextEncoder.SMALL_SEGMENTS * 2 + 5;
    for (int i = 0; i < calls; i++) {
      cache.encode(List.of("text " + i, "other " + i));
    }
    assertTrue(
        segments(cache.folder()).size() <= DiskCachedTextEncoder.SMALL_SEGMENTS + 1,
        segments(cache.folder()).size() + " segments");
    CountingEncoder inner = new CountingEncoder(1);
    DiskCachedTextEncoder reopened = new DiskCachedTextEncoder(inner, root);
    assertEquals(2 * calls, reopened.size());
    for (int i = 0; i < calls; i++) {
      assertArrayEquals(inner.encode("other " + i), reopened.encode("other " + i), 0f);
    }
    assertEquals(0, inner.encoded());
  }

  @Test
  void aFolderThatCannotBeWrittenStillGivesTheVectors(@TempDir Path root) throws IOException {
    DiskCachedTextEncoder cache = new DiskCachedTextEncoder(new CountingEncoder(1), root);
    Path folder = cache.folder();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(folder);
    Files.writeString(folder, "a file where the folder was");
    float[][] rows = cache.encode(TEXTS);
    assertEquals(1, cache.writeFailures());
    assertArrayEquals(new CountingEncoder(1).encode("beta gamma"), rows[1], 0f);
  }

  @Test
  void realMiniLmVectorsComeBackIdenticalFromDisk(@TempDir Path root) {
    MiniLmTextEncoder minilm = MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED);
    List<String> texts =
        List.of("A heist goes wrong in Los Angeles.", "Two friends drive across America.");
    float[][] direct = minilm.encode(texts);
    new DiskCachedTextEncoder(minilm, root).encode(texts);
    DiskCachedTextEncoder reopened = new DiskCachedTextEncoder(minilm, root);
    float[][] cached = reopened.encode(texts);
    assertEquals(2, reopened.hits());
    assertEquals(0, reopened.misses());
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(direct[i], cached[i], 0f);
    }
    assertEquals(minilm.description(), reopened.description());
  }
}
