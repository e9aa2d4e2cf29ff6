package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import dev.elmrlaif.rewards.Vectors;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The in-process all-MiniLM-L6-v2, both variants, loaded offline from the Maven jars. */
class MiniLmTextEncoderTest {

  private static final List<String> TEXTS =
      List.of(
          "A cat sits on the mat.",
          "A kitten is sitting on a small rug.",
          "The stock market fell sharply after the central bank raised interest rates.",
          "Two estranged brothers reunite to rob the bank that foreclosed on their family's ranch.",
          "",
          "A young wizard discovers his magical heritage and attends a school of witchcraft.",
          "A cat sits on the mat.");

  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void encodesUnitVectorsOf384AndZeroForBlank(MiniLmTextEncoder.Variant variant) {
    MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
    assertEquals(384, encoder.dimension());
    float[][] rows = encoder.encode(TEXTS);
    for (int i = 0; i < rows.length; i++) {
      assertEquals(384, rows[i].length);
      double norm = Vectors.norm(rows[i]);
      if (TEXTS.get(i).isEmpty()) {
        assertEquals(0.0, norm, 0.0);
      } else {
        assertEquals(1.0, norm, 1e-5, "row " + i);
      }
    }
    assertArrayEquals(new float[384], encoder.encode("   \n"));
    assertTrue(encoder.description().contains("all-MiniLM-L6-v2"), encoder.description());
    assertTrue(encoder.description().contains("variant=" + variant.label()), encoder.description());
    assertTrue(
        encoder.description().contains(variant.artifactId() + ":1.19.0-beta29"),
        encoder.description());
    assertEquals("1.19.0-beta29", MiniLmTextEncoder.artifactVersion(variant));
  }

  /** A text's vector does not depend on the batch it is in, on repetition, or on threads. */
  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void isDeterministicBitForBitAcrossBatchesAndThreads(MiniLmTextEncoder.Variant variant)
      throws Exception {
    MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
    float[][] batch = encoder.encode(TEXTS);
    for (int i = 0; i < TEXTS.size(); i++) {
      assertArrayEquals(encoder.encode(TEXTS.get(i)), batch[i], 0f, "row " + i);
    }
    assertArrayEquals(batch[0], batch[6], 0f);
    List<String> reversed = new ArrayList<>(TEXTS);
    java.util.Collections.reverse(reversed);
    float[][] backwards = encoder.encode(reversed);
    for (int i = 0; i < TEXTS.size(); i++) {
      assertArrayEquals(batch[i], backwards[TEXTS.size() - 1 - i], 0f, "row " + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<float[][]>> futures = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        futures.add(pool.submit(() -> encoder.encode(TEXTS)));
      }
      for (Future<float[][]> future : futures) {
        float[][] again = future.get();
        for (int i = 0; i < TEXTS.size(); i++) {
          assertArrayEquals(batch[i], again[i], 0f, "row " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Texts of one token count share a batch (no padding); each row is still what the text gives
   * alone.
   */
  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void aBatchOfEqualLengthTextsGivesEachTextsOwnVector(MiniLmTextEncoder.Variant variant) {
    MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
    List<String> sameLength =
        List.of(
            "a red car drives fast",
            "the old dog sleeps well",
            "stock prices fell again",
            "a green tree grows tall",
            "two friends travel east",
            "my blue house burns down");
    float[][] batch = encoder.encode(sameLength);
    for (int i = 0; i < sameLength.size(); i++) {
      assertArrayEquals(encoder.encode(sameLength.get(i)), batch[i], 0f, sameLength.get(i));
    }
  }

  /**
   * The same vectors as LangChain4j's own model classes (one text per call, its own pooling code).
   */
  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void matchesLangChain4jsReferenceModel(MiniLmTextEncoder.Variant variant) {
    MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
    EmbeddingModel reference =
        variant == MiniLmTextEncoder.Variant.FULL
            ? new AllMiniLmL6V2EmbeddingModel()
            : new AllMiniLmL6V2QuantizedEmbeddingModel();
    for (String text : TEXTS) {
      if (text.isEmpty()) {
        continue;
      }
      float[] expected = reference.embed(text).content().vector();
      assertArrayEquals(expected, encoder.encode(text), 2e-5f, text);
    }
  }

  /**
   * Paraphrases are closer than unrelated sentences: the model is the pretrained one, not noise.
   */
  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void paraphrasesAreCloserThanUnrelatedTexts(MiniLmTextEncoder.Variant variant) {
    float[][] rows = MiniLmTextEncoder.of(variant).encode(TEXTS);
    double paraphrase = Vectors.cosine(rows[0], rows[1]);
    double unrelated = Vectors.cosine(rows[0], rows[2]);
    assertTrue(
        paraphrase > 0.5 && unrelated < 0.2 && paraphrase > unrelated + 0.4,
        "paraphrase " + paraphrase + ", unrelated " + unrelated);
  }

  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void truncatesLongTextsTo256Tokens(MiniLmTextEncoder.Variant variant) {
    MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
    String head = "word ".repeat(300);
    float[] a = encoder.encode(head + "cat dog bird");
    float[] b = encoder.encode(head + "stock market crash");
    assertArrayEquals(a, b, 0f, "the words after token 256 must not count");
  }

  @ParameterizedTest
  @EnumSource(MiniLmTextEncoder.Variant.class)
  void savesADescriptorThatLoadsBackToTheSameEncoder(
      MiniLmTextEncoder.Variant variant, @TempDir Path dir) throws Exception {
    MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
    Path file = dir.resolve("encoder.json");
    encoder.save(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"variant\" : \"" + variant.label() + "\""), json);
    assertTrue(json.contains("1.19.0-beta29"), json);
    TextEncoder loaded = TextEncoders.load(file);
    assertSame(encoder, loaded);
    assertArrayEquals(encoder.encode(TEXTS.get(3)), loaded.encode(TEXTS.get(3)), 0f);
    assertEquals(TextEncoders.identity(encoder), TextEncoders.identity(loaded));

    Files.writeString(file, json.replace("1.19.0-beta29", "0.9.0"));
    InvalidRewardInputException changed =
        assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(file));
    assertTrue(changed.getMessage().contains("prepare the data again"), changed.getMessage());
  }

  @org.junit.jupiter.api.Test
  void theTwoVariantsHaveDifferentIdentitiesAndCloseVectors() {
    MiniLmTextEncoder full = MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.FULL);
    MiniLmTextEncoder quantized = MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED);
    assertTrue(!TextEncoders.identity(full).equals(TextEncoders.identity(quantized)));
    double cosine = Vectors.cosine(full.encode(TEXTS.get(3)), quantized.encode(TEXTS.get(3)));
    assertTrue(cosine > 0.9 && cosine < 1.0, "full vs quantized cosine " + cosine);
  }
}
