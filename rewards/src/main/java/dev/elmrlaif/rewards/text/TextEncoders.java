package dev.elmrlaif.rewards.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Entry points around {@link TextEncoder}: reading any saved encoder back, and the semantic
 * embedding of an entity as the mean of the encoder over its texts (DESIGN.md §6, "Semantic
 * embeddings").
 */
public final class TextEncoders {

  private static final ObjectMapper DESCRIPTOR_READER = new ObjectMapper();

  private TextEncoders() {}

  /**
   * Reads an encoder saved by {@link TextEncoder#save}, whatever its kind.
   *
   * @throws InvalidRewardInputException if the file is missing or is not a saved encoder
   */
  public static TextEncoder load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidRewardInputException(file + ": no such encoder file");
    }
    byte[] start = new byte[TfidfSvdTextEncoder.MAGIC.length];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(start, 0, start.length);
    }
    if (read == start.length && Arrays.equals(start, TfidfSvdTextEncoder.MAGIC)) {
      return TfidfSvdTextEncoder.load(file);
    }
    if (read > 0 && start[0] == '{') {
      String format;
      try {
        format = DESCRIPTOR_READER.readTree(file.toFile()).path("format").asText("");
      } catch (IOException e) {
        throw new InvalidRewardInputException(
            file + ": malformed text-encoder descriptor: " + e.getMessage(), e);
      }
      if (MiniLmTextEncoder.isDescriptorFormat(format)) {
        return MiniLmTextEncoder.loadDescriptor(file);
      }
      return DjlSentenceEncoder.loadDescriptor(file);
    }
    throw new InvalidRewardInputException(
        file
            + ": not a saved text encoder: expected a TF-IDF/SVD file "
            + "(starting with 'ELMTFSVD'), a MiniLM or a DJL sentence-encoder descriptor (a JSON object)");
  }

  /**
   * {@code encoder} for texts that are encoded once, such as sampled completions: a disk-cached
   * encoder's {@link DiskCachedTextEncoder#withoutWrites} view (it still answers what the cache
   * holds), any other encoder itself.
   */
  public static TextEncoder withoutWrites(TextEncoder encoder) {
    return encoder instanceof DiskCachedTextEncoder cache ? cache.withoutWrites() : encoder;
  }

  /**
   * A stable identity of an encoder's outputs: the SHA-256 (hex) of what {@link TextEncoder#save}
   * writes, which holds everything that decides the vectors (a fitted TF-IDF/SVD's weights; a
   * pretrained model's name, version and model-file hash). Two encoders with equal identities give
   * equal vectors, so it can key a cache of encodings ({@link DiskCachedTextEncoder}).
   */
  public static String identity(TextEncoder encoder) {
    Path folder = null;
    try {
      folder = Files.createTempDirectory("encoder-identity");
      Path file = folder.resolve("encoder");
      encoder.save(file);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      Files.delete(file);
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the text encoder to hash it", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    } finally {
      if (folder != null) {
        try {
          Files.deleteIfExists(folder);
        } catch (IOException ignored) {
          // a leftover empty temporary folder is harmless
        }
      }
    }
  }

  /**
   * The semantic embeddings of many entities at once: row {@code e} is {@link #meanEmbedding} of
   * {@code textsByEntity.get(e)}, but every distinct text is encoded once, in one call of the
   * encoder, so a batched or cached encoder sees the whole dataset together. An entity with no text
   * (an empty list, or only texts that encode to zeros) gets the zero vector: no embedding.
   */
  public static float[][] meanEmbeddings(TextEncoder encoder, List<List<String>> textsByEntity) {
    java.util.Map<String, Integer> index = new java.util.LinkedHashMap<>();
    for (List<String> texts : textsByEntity) {
      for (String text : texts) {
        index.putIfAbsent(text == null ? "" : text, index.size());
      }
    }
    float[][] encoded = encoder.encode(new java.util.ArrayList<>(index.keySet()));
    float[][] means = new float[textsByEntity.size()][];
    for (int e = 0; e < means.length; e++) {
      List<float[]> rows = new java.util.ArrayList<>();
      for (String text : textsByEntity.get(e)) {
        rows.add(encoded[index.get(text == null ? "" : text)]);
      }
      means[e] = mean(rows, encoder.dimension());
    }
    return means;
  }

  /**
   * The semantic embedding of an entity: the mean of {@code encoder} over its texts. Texts that
   * encode to the zero vector (empty, or no known word) are left out of the mean so they do not
   * shrink it; if every text is like that, the result is the zero vector, which the rewards treat
   * as "no signal".
   *
   * @throws InvalidRewardInputException if {@code texts} is empty
   */
  public static float[] meanEmbedding(TextEncoder encoder, List<String> texts) {
    if (texts.isEmpty()) {
      throw new InvalidRewardInputException(
          "meanEmbedding: an entity needs at least one text, found none");
    }
    return mean(java.util.Arrays.asList(encoder.encode(texts)), encoder.dimension());
  }

  /** The mean of the non-zero rows; zeros when there is none. */
  private static float[] mean(List<float[]> rows, int dimension) {
    double[] sum = new double[dimension];
    int counted = 0;
    for (float[] row : rows) {
      boolean nonZero = false;
      for (float value : row) {
        if (value != 0f) {
          nonZero = true;
          break;
        }
      }
      if (nonZero) {
        for (int c = 0; c < sum.length; c++) {
          sum[c] += row[c];
        }
        counted++;
      }
    }
    float[] mean = new float[sum.length];
    for (int c = 0; c < sum.length && counted > 0; c++) {
      mean[c] = (float) (sum[c] / counted);
    }
    return mean;
  }

  /**
   * The rows of {@code texts} for a model that cannot encode an empty text: blank (or null) texts
   * get the zero vector, the {@link TextEncoder} contract's "no content", and the others go to
   * {@code model} in one call, in order, their rows put back in place.
   */
  public static float[][] encodeNonBlank(
      List<String> texts,
      int dimension,
      java.util.function.Function<List<String>, float[][]> model) {
    float[][] result = new float[texts.size()][];
    List<String> nonBlank = new java.util.ArrayList<>();
    List<Integer> positions = new java.util.ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null || text.isBlank()) {
        result[i] = new float[dimension];
      } else {
        nonBlank.add(text);
        positions.add(i);
      }
    }
    if (!nonBlank.isEmpty()) {
      float[][] rows = model.apply(nonBlank);
      for (int j = 0; j < rows.length; j++) {
        result[positions.get(j)] = rows[j];
      }
    }
    return result;
  }

  /**
   * Writes {@code bytes} to {@code file} through a temporary file in the same folder and a rename,
   * so that a reader (or a process killed mid-write) never sees half a file; creates the folder if
   * needed.
   */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path temporary =
        Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
    try {
      Files.write(temporary, bytes);
      Files.move(
          temporary,
          absolute,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The one check of a saved encoder's format and version: a file of another format or version is
   * refused with the same message by every encoder ({@code what} names the key's place, e.g. {@code
   * "key"} or {@code "header key"}).
   *
   * @throws InvalidRewardInputException if {@code format}/{@code version} differ from the expected
   */
  static void requireFormat(
      Path file,
      String what,
      String format,
      int version,
      String expectedFormat,
      int expectedVersion) {
    if (!expectedFormat.equals(format) || version != expectedVersion) {
      throw new InvalidRewardInputException(
          file
              + ": "
              + what
              + " 'format'/'version' is '"
              + format
              + "'/"
              + version
              + ", expected '"
              + expectedFormat
              + "'/"
              + expectedVersion);
    }
  }
}
