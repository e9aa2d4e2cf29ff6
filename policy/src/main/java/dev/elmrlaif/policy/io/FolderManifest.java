package dev.elmrlaif.policy.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The size and SHA-256 of every file in a folder (a model, a checkpoint), written beside them as
 * {@code manifest.json} when the folder is complete and checked before the folder is read, so a
 * truncated or altered file is reported by name instead of failing deep inside a reader:
 *
 * <pre>
 *   {"format": "elm-rlaif-manifest", "version": 1,
 *    "files": {"model.safetensors": {"size": 123, "sha256": "9f86..."}, ...}}
 * </pre>
 *
 * Paths are relative, with {@code /} separators; subfolders are included. A folder written before
 * manifests existed has none and is read unchecked.
 */
public final class FolderManifest {
  /** The manifest's file name. */
  public static final String FILE = "manifest.json";

  private static final String FORMAT = "elm-rlaif-manifest";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FolderManifest() {}

  /** Writes {@code folder}'s manifest (atomically), covering every regular file below it. */
  public static void write(Path folder) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    ObjectNode files = root.putObject("files");
    for (Path file : files(folder)) {
      ObjectNode entry = files.putObject(relative(folder, file));
      entry.put("size", Files.size(file));
      entry.put("sha256", sha256(file));
    }
    byte[] bytes = JSON.writeValueAsBytes(root);
    AtomicFiles.write(folder.resolve(FILE), out -> out.write(bytes));
  }

  /** Whether {@code folder} has a manifest. */
  public static boolean exists(Path folder) {
    return Files.isRegularFile(folder.resolve(FILE));
  }

  /**
   * What is wrong with {@code folder} according to its manifest: a missing file, a size or a
   * checksum that differs, or an unreadable manifest; empty when all agree or there is no manifest.
   * The text names the file, e.g. {@code policy/model.safetensors: 4096 bytes, expected 8192
   * (truncated or changed since it was written)}.
   */
  public static Optional<String> problem(Path folder) {
    Path manifest = folder.resolve(FILE);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    JsonNode files;
    try {
      JsonNode root = JSON.readTree(manifest.toFile());
      files = root == null ? null : root.get("files");
      if (root == null
          || !FORMAT.equals(root.path("format").asText())
          || files == null
          || !files.isObject()) {
        return Optional.of(
            manifest
                + ": not a manifest written by elm-rlaif (expected \"format\": \""
                + FORMAT
                + "\" and \"files\")");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.of(manifest + ": not valid JSON (damaged since it was written)");
    } catch (IOException e) {
      return Optional.of(manifest + ": cannot be read: " + AtomicFiles.reason(e));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Path file = folder.resolve(entry.getKey());
      long expectedSize = entry.getValue().path("size").asLong(-1);
      String expectedSum = entry.getValue().path("sha256").asText("");
      try {
        if (!Files.isRegularFile(file)) {
          return Optional.of(file + ": missing (listed in " + manifest + ")");
        }
        long size = Files.size(file);
        if (size != expectedSize) {
          return Optional.of(
              file
                  + ": "
                  + size
                  + " bytes, expected "
                  + expectedSize
                  + " (truncated or changed since it was written)");
        }
        if (!sha256(file).equals(expectedSum)) {
          return Optional.of(
              file
                  + ": its SHA-256 differs from the one in "
                  + manifest
                  + " (corrupted or changed since it was written)");
        }
      } catch (IOException e) {
        return Optional.of(file + ": cannot be read: " + AtomicFiles.reason(e));
      }
    }
    return Optional.empty();
  }

  /** The hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // the digest sees every byte
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.equals(folder.resolve(FILE)))
          .filter(p -> !p.getFileName().toString().contains(AtomicFiles.TEMP_INFIX))
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static String relative(Path folder, Path file) {
    return folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
