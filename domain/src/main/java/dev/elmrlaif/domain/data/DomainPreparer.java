package dev.elmrlaif.domain.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.elmrlaif.domain.config.ConfigJson;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.rewards.text.TextEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prepares one domain's data ({@link PreparedData}: entities, embedding spaces, tasks and their
 * examples) or reads it back from the cache. One implementation per domain (MovieLens, the files
 * domain), so the generic data package names none of them and {@link DataPreparer} only picks one
 * by {@code data.domain}; the cache key and the text encoder every preparation shares are here.
 */
public interface DomainPreparer {
  /** Bump when the saved layout or any preparation step changes what it produces. */
  int FORMAT_VERSION = 6;

  /**
   * Prepares the data, or loads it from the cache when {@code force} is false and the inputs match.
   */
  PreparedData prepare(boolean force);

  /**
   * The input files this preparation reads (those that exist, and those it would read when
   * present), found without preparing anything: what {@link #inputFingerprint} hashes.
   */
  List<Path> inputFiles();

  /**
   * SHA-256 (hex) over the input files' names and bytes, in the given order (a missing input
   * contributes its name only): the data fingerprint of the stage store's keys. Unlike {@link
   * #cacheKey} it leaves out the config and the seed, which the stage keys hash themselves, key by
   * key.
   */
  static String inputFingerprint(List<Path> inputs) {
    Hasher hasher = Hashing.sha256().newHasher();
    hashFiles(hasher, inputs);
    return hasher.hash().toString();
  }

  /**
   * The text encoder of a data section ({@link TextEncoderFactory#create}): all-MiniLM-L6-v2 (full
   * or quantized) or the model in {@code data.sentence_model}, disk-cached; or TF-IDF + truncated
   * SVD of {@code data.semantic_dimension} fitted on {@code trainingTexts} with {@code seed}.
   */
  static TextEncoder textEncoder(DataConfig config, List<String> trainingTexts, long seed) {
    return TextEncoderFactory.create(config, trainingTexts, seed);
  }

  /**
   * SHA-256 over the format version, the seed, the text encoder's {@linkplain
   * TextEncoderFactory#signature signature} (its kind and the version of its model), the data
   * config and the input files' names and bytes (a missing input contributes its name only): equal
   * keys mean a cached preparation is still valid.
   */
  static String cacheKey(DataConfig config, long seed, List<Path> inputs) {
    Hasher hasher = Hashing.sha256().newHasher();
    hasher.putInt(FORMAT_VERSION).putLong(seed);
    hasher.putUnencodedChars(TextEncoderFactory.signature(config));
    try {
      hasher.putBytes(ConfigJson.newMapper().writeValueAsBytes(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the data config", e);
    }
    hashFiles(hasher, inputs);
    return hasher.hash().toString();
  }

  private static void hashFiles(Hasher hasher, List<Path> inputs) {
    byte[] buffer = new byte[1 << 16];
    for (Path input : inputs) {
      hasher.putUnencodedChars(input.getFileName().toString());
      if (!Files.isRegularFile(input)) {
        continue;
      }
      try (InputStream in = Files.newInputStream(input)) {
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          hasher.putBytes(buffer, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + input, e);
      }
    }
  }
}
