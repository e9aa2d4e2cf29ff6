package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfidfSvdTextEncoderTest {

  private static final List<String> TINY =
      List.of("apple banana apple", "banana cherry", "cherry date");

  private static TfidfSvdConfig.Builder plain() {
    return TfidfSvdConfig.builder()
        .removeStopWords(false)
        .minTokenLength(1)
        .minDocumentFrequency(1)
        .maxDocumentFraction(1.0)
        .sublinearTf(false)
        .smoothIdf(true)
        .dimension(2);
  }

  /**
   * A synthetic corpus: documents mix words from a few topics, so it has a clear low-rank
   * structure.
   */
  static List<String> topicCorpus(int documents, long seed) {
    String[][] topics = {
      {"space", "alien", "planet", "rocket", "galaxy", "orbit", "astronaut", "star"},
      {"love", "wedding", "romance", "kiss", "heart", "date", "couple", "marriage"},
      {"murder", "detective", "crime", "police", "killer", "clue", "gun", "heist"},
      {"dragon", "wizard", "magic", "quest", "sword", "kingdom", "spell", "elf"},
    };
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>();
    for (int d = 0; d < documents; d++) {
      int main = random.nextInt(topics.length);
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 30; w++) {
        String[] topic =
            random.nextDouble() < 0.8 ? topics[main] : topics[random.nextInt(topics.length)];
        text.append(topic[random.nextInt(topic.length)]).append(' ');
      }
      texts.add(text.toString());
    }
    return texts;
  }

  @Test
  void tfidfWeightsMatchTheClosedForm() {
    TfidfSvdTextEncoder encoder = TfidfSvdTextEncoder.fit(TINY, plain().build());
    assertEquals(List.of("apple", "banana", "cherry", "date"), encoder.terms());
    // n = 3; df(apple) = 1, df(banana) = 2; smooth idf = ln((1+n)/(1+df)) + 1; tf = raw counts
    double apple = 2 * (Math.log(4.0 / 2.0) + 1);
    double banana = 1 * (Math.log(4.0 / 3.0) + 1);
    double norm = Math.hypot(apple, banana);
    TfidfSvdTextEncoder.SparseVector x = encoder.tfidf("Apple, banana; APPLE and kiwi");
    assertArrayEquals(new int[] {0, 1}, x.indices());
    assertArrayEquals(new double[] {apple / norm, banana / norm}, x.values(), 1e-12);

    TfidfSvdTextEncoder sublinear =
        TfidfSvdTextEncoder.fit(TINY, plain().sublinearTf(true).smoothIdf(false).build());
    double appleSub = (1 + Math.log(2)) * (Math.log(3.0 / 1.0) + 1);
    double bananaSub = 1 * (Math.log(3.0 / 2.0) + 1);
    double normSub = Math.hypot(appleSub, bananaSub);
    assertArrayEquals(
        new double[] {appleSub / normSub, bananaSub / normSub},
        sublinear.tfidf("apple banana apple").values(),
        1e-12);
  }

  @Test
  void vocabularyRespectsDocumentFrequencyBoundsAndSize() {
    List<String> texts =
        List.of("common rare1 shared", "common shared", "common shared other", "common x y");
    TfidfSvdConfig config =
        plain().minDocumentFrequency(2).maxDocumentFraction(0.75).dimension(1).build();
    // common: df 4 > 0.75 * 4 -> dropped; rare1, other, x, y: df 1 < 2 -> dropped; shared: df 3
    // kept
    assertEquals(List.of("shared"), TfidfSvdTextEncoder.fit(texts, config).terms());
    List<String> capped =
        TfidfSvdTextEncoder.fit(
                List.of("a a a b b c", "a b c d", "a b"), plain().maxVocabulary(2).build())
            .terms();
    assertEquals(List.of("a", "b"), capped); // the two most frequent terms over the corpus
  }

  @Test
  void fullRankEncoderPreservesCosinesBetweenTrainingTexts() {
    List<String> corpus =
        List.of(
            "red green blue",
            "green green yellow",
            "blue yellow red red",
            "purple red",
            "green purple blue");
    // 5 documents, 5 terms: k = 5 keeps the whole row space, so x·V preserves inner products
    // exactly
    TfidfSvdTextEncoder encoder = TfidfSvdTextEncoder.fit(corpus, plain().dimension(5).build());
    for (String a : corpus) {
      for (String b : corpus) {
        assertEquals(
            sparseDot(encoder.tfidf(a), encoder.tfidf(b)),
            dot(encoder.encode(a), encoder.encode(b)),
            1e-5,
            a + " vs " + b);
      }
    }
  }

  @Test
  void outputsAreUnitRowsOrZeroForTextsWithoutKnownWords() {
    TfidfSvdTextEncoder encoder =
        TfidfSvdTextEncoder.fit(topicCorpus(200, 3), TfidfSvdConfig.builder().dimension(8).build());
    float[] v = encoder.encode("a wizard and a dragon on a quest");
    assertEquals(8, v.length);
    assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-6);
    assertArrayEquals(new float[8], encoder.encode(""));
    assertArrayEquals(new float[8], encoder.encode("the of and zzz qqq"));
    float[][] batch = encoder.encode(List.of("space rocket", "", "kiss heart"));
    assertArrayEquals(encoder.encode("space rocket"), batch[0]);
    assertArrayEquals(new float[8], batch[1]);
    assertTrue(
        dot(encoder.encode("space rocket galaxy"), encoder.encode("alien planet orbit"))
            > dot(encoder.encode("space rocket galaxy"), encoder.encode("wedding romance kiss"))
                + 0.5,
        "texts of one topic are closer than texts of two topics");
  }

  @Test
  void sameTextsAndSeedGiveIdenticalVectorsWhateverTheThreadCount() throws Exception {
    List<String> corpus = topicCorpus(300, 5);
    TfidfSvdConfig config = TfidfSvdConfig.builder().dimension(6).seed(99).build();
    TfidfSvdTextEncoder first = TfidfSvdTextEncoder.fit(corpus, config);
    TfidfSvdTextEncoder second = TfidfSvdTextEncoder.fit(new ArrayList<>(corpus), config);
    ForkJoinPool oneThread = new ForkJoinPool(1);
    TfidfSvdTextEncoder sequential;
    try {
      sequential = oneThread.submit(() -> TfidfSvdTextEncoder.fit(corpus, config)).get();
    } finally {
      oneThread.shutdown();
    }
    for (String text : corpus.subList(0, 50)) {
      assertArrayEquals(first.encode(text), second.encode(text));
      assertArrayEquals(first.encode(text), sequential.encode(text));
    }
  }

  @Test
  void saveAndLoadRoundTripExactlyAndAtomically(@TempDir Path folder) throws IOException {
    List<String> corpus = topicCorpus(300, 8);
    TfidfSvdTextEncoder encoder =
        TfidfSvdTextEncoder.fit(corpus, TfidfSvdConfig.builder().dimension(7).build());
    Path file = folder.resolve("encoder.bin");
    encoder.save(file);
    encoder.save(file); // overwriting an existing file is allowed
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
    TextEncoder loaded = TextEncoders.load(file);
    assertEquals(encoder.description(), loaded.description());
    assertEquals(7, loaded.dimension());
    for (String text : corpus.subList(0, 40)) {
      assertArrayEquals(encoder.encode(text), loaded.encode(text));
    }
  }

  @Test
  void corruptFilesAreRejectedWithTheFileName(@TempDir Path folder) throws IOException {
    TfidfSvdTextEncoder encoder =
        TfidfSvdTextEncoder.fit(topicCorpus(100, 2), TfidfSvdConfig.builder().dimension(4).build());
    Path good = folder.resolve("good.bin");
    encoder.save(good);
    byte[] bytes = Files.readAllBytes(good);

    Path truncated = folder.resolve("truncated.bin");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
    InvalidRewardInputException e =
        assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(truncated));
    assertTrue(e.getMessage().contains("truncated.bin"), e.getMessage());

    Path garbage = folder.resolve("garbage.bin");
    Files.write(garbage, "hello world".getBytes(StandardCharsets.UTF_8));
    e = assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(garbage));
    assertTrue(
        e.getMessage().contains("garbage.bin") && e.getMessage().contains("ELMTFSVD"),
        e.getMessage());

    Path badMagic = folder.resolve("magic.bin");
    byte[] copy = bytes.clone();
    copy[0] = 'X';
    Files.write(badMagic, copy);
    e = assertThrows(InvalidRewardInputException.class, () -> TfidfSvdTextEncoder.load(badMagic));
    assertTrue(
        e.getMessage().contains("magic.bin") && e.getMessage().contains("XLMTFSVD"),
        e.getMessage());

    Path missing = folder.resolve("missing.bin");
    e = assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(missing));
    assertTrue(e.getMessage().contains("missing.bin"), e.getMessage());
  }

  @Test
  void tooSmallCorpusAndBadConfigAreClearErrors() {
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> TfidfSvdTextEncoder.fit(TINY, plain().dimension(10).build()));
    assertTrue(
        e.getMessage().contains("dimension 10") && e.getMessage().contains("3 texts"),
        e.getMessage());
    e =
        assertThrows(
            InvalidRewardInputException.class, () -> TfidfSvdConfig.builder().dimension(0).build());
    assertTrue(
        e.getMessage().contains("dimension") && e.getMessage().contains("found 0"), e.getMessage());
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> TfidfSvdConfig.builder().maxDocumentFraction(1.5).build());
    assertTrue(e.getMessage().contains("maxDocumentFraction"), e.getMessage());
  }

  @Test
  void meanEmbeddingAveragesNonZeroEncodings() {
    TfidfSvdTextEncoder encoder =
        TfidfSvdTextEncoder.fit(topicCorpus(200, 4), TfidfSvdConfig.builder().dimension(5).build());
    float[] a = encoder.encode("space rocket");
    float[] b = encoder.encode("love heart");
    float[] mean =
        TextEncoders.meanEmbedding(encoder, List.of("space rocket", "", "love heart", "zzz"));
    for (int c = 0; c < 5; c++) {
      assertEquals((a[c] + b[c]) / 2.0, mean[c], 1e-6);
    }
    assertArrayEquals(new float[5], TextEncoders.meanEmbedding(encoder, List.of("", "qqq")));
    assertThrows(
        InvalidRewardInputException.class, () -> TextEncoders.meanEmbedding(encoder, List.of()));
  }

  static double dot(float[] a, float[] b) {
    double sum = 0.0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static double sparseDot(
      TfidfSvdTextEncoder.SparseVector a, TfidfSvdTextEncoder.SparseVector b) {
    double sum = 0.0;
    int i = 0;
    int j = 0;
    while (i < a.indices().length && j < b.indices().length) {
      if (a.indices()[i] == b.indices()[j]) {
        sum += a.values()[i++] * b.values()[j++];
      } else if (a.indices()[i] < b.indices()[j]) {
        i++;
      } else {
        j++;
      }
    }
    return sum;
  }
}
