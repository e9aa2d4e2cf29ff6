package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL sentence encoder end to end on a tiny hand-written TorchScript model ({@link
 * TinyTorchScriptModel}, token embeddings {@code sin(id · (1, 2, 3, 4))}), plus folder validation,
 * configuration checks and the descriptor. A real sentence-transformer cannot be downloaded here;
 * the code path is the same.
 */
class DjlSentenceEncoderTest {

  /** Masked mean of the closed-form token embeddings, L2-normalised. */
  private static float[] expected(int... ids) {
    double[] mean = new double[4];
    for (int id : ids) {
      double[] h = TinyTorchScriptModel.tokenEmbedding(id);
      for (int c = 0; c < 4; c++) {
        mean[c] += h[c] / ids.length;
      }
    }
    double norm =
        Math.sqrt(mean[0] * mean[0] + mean[1] * mean[1] + mean[2] * mean[2] + mean[3] * mean[3]);
    float[] result = new float[4];
    for (int c = 0; c < 4; c++) {
      result[c] = (float) (mean[c] / norm);
    }
    return result;
  }

  @Test
  void encodesWithATorchScriptModelAndMaskedMeanPooling(@TempDir Path folder) throws IOException {
    TinyTorchScriptModel.write(folder);
    try (DjlSentenceEncoder encoder = DjlSentenceEncoder.open(DjlSentenceConfig.of(folder))) {
      assertEquals(4, encoder.dimension());
      assertArrayEquals(expected(2, 3), encoder.encode("Space alien"), 1e-6f);
      // a batch pads "police" to three tokens; the mask keeps the padding out of the mean
      float[][] batch = encoder.encode(List.of("love heart crime", "  ", "police", "zebra"));
      assertArrayEquals(expected(4, 5, 6), batch[0], 1e-6f);
      assertArrayEquals(
          new float[4], batch[1], "blank text: zero vector without calling the model");
      assertArrayEquals(expected(7), batch[2], 1e-6f);
      assertArrayEquals(encoder.encode("police"), batch[2], 1e-6f);
      assertArrayEquals(
          new float[4], batch[3], "unknown word: [UNK] = id 0, sin(0) = 0, norm 0 stays zero");

      Path descriptor = folder.resolve("run/encoder.json");
      encoder.save(descriptor);
      TextEncoder reloaded = TextEncoders.load(descriptor);
      try {
        assertEquals(encoder.description(), reloaded.description());
        assertArrayEquals(encoder.encode("crime police"), reloaded.encode("crime police"));
      } finally {
        ((DjlSentenceEncoder) reloaded).close();
      }
    }
  }

  @Test
  void aFileThatIsNotTorchScriptIsNamed(@TempDir Path folder) throws IOException {
    TinyTorchScriptModel.write(folder);
    Files.writeString(folder.resolve("model.pt"), "not a model");
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(folder)));
    assertTrue(
        e.getMessage().contains("model.pt") && e.getMessage().contains("TorchScript"),
        e.getMessage());
  }

  @Test
  void missingFolderModelOrTokenizerIsNamed(@TempDir Path folder) throws IOException {
    Path absent = folder.resolve("absent");
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(absent)));
    assertTrue(
        e.getMessage().contains("absent") && e.getMessage().contains("does not exist"),
        e.getMessage());

    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(folder)));
    assertTrue(
        e.getMessage().contains("model.pt") && e.getMessage().contains("missing"), e.getMessage());

    Files.writeString(folder.resolve("model.pt"), "not a model");
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(folder)));
    assertTrue(
        e.getMessage().contains("tokenizer.json") && e.getMessage().contains("missing"),
        e.getMessage());
  }

  @Test
  void configRejectsBadValues(@TempDir Path folder) {
    InvalidRewardInputException e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new DjlSentenceConfig(folder, "model.onnx", 128, false, true));
    assertTrue(e.getMessage().contains("modelFileName") && e.getMessage().contains("model.onnx"));
    e =
        assertThrows(
            InvalidRewardInputException.class,
            () -> new DjlSentenceConfig(folder, "model.pt", 1, false, true));
    assertTrue(e.getMessage().contains("maxLength") && e.getMessage().contains("found 1"));
  }

  @Test
  void descriptorWithChangedModelHashIsRefused(@TempDir Path folder) throws IOException {
    Files.writeString(folder.resolve("model.pt"), "weights v2");
    Files.writeString(folder.resolve("tokenizer.json"), "{}");
    Path descriptor = folder.resolve("encoder.json");
    Files.writeString(
        descriptor,
        "{\"format\":\"elm-rlaif/djl-sentence-encoder\",\"version\":1,"
            + "\"modelDirectory\":\""
            + folder.toAbsolutePath()
            + "\",\"modelFileName\":\"model.pt\","
            + "\"maxLength\":64,\"includeTokenTypeIds\":false,\"normalize\":true,\"modelSha256\":\"abc\"}");
    InvalidRewardInputException e =
        assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(descriptor));
    assertTrue(
        e.getMessage().contains("modelSha256") && e.getMessage().contains("changed"),
        e.getMessage());

    Files.writeString(descriptor, "{\"format\":\"something-else\",\"version\":1}");
    e = assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(descriptor));
    assertTrue(
        e.getMessage().contains("encoder.json") && e.getMessage().contains("format"),
        e.getMessage());
  }

  @Test
  void sha256MatchesAKnownDigest(@TempDir Path folder) throws IOException {
    Path file = folder.resolve("abc.txt");
    Files.writeString(file, "abc");
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        DjlSentenceEncoder.sha256(file));
  }
}
