package dev.elmrlaif.domain.data;

import com.google.common.hash.Hashing;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.TextEncoderKind;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import dev.elmrlaif.rewards.text.DiskCachedTextEncoder;
import dev.elmrlaif.rewards.text.DjlSentenceConfig;
import dev.elmrlaif.rewards.text.DjlSentenceEncoder;
import dev.elmrlaif.rewards.text.MiniLmTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TfidfSvdConfig;
import dev.elmrlaif.rewards.text.TfidfSvdTextEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the text encoder {@code data.text_encoder} names (DESIGN.md §5), so that MovieLens, a file
 * domain and {@code rlaif data embed} all get the same one: all-MiniLM-L6-v2 full ({@code minilm},
 * the default) or quantized ({@code minilm_q}) from their Maven jars, TF-IDF + SVD fitted on the
 * training texts ({@code tfidf}), or a TorchScript model folder ({@code model_folder}). Pretrained
 * encoders are wrapped in a {@link DiskCachedTextEncoder} under {@code <data.cache_dir>/encodings},
 * so a text is run through the transformer once per machine, whichever run or preparation asks for
 * it.
 */
public final class TextEncoderFactory {
  /** The folder under {@code data.cache_dir} holding the encodings of the pretrained encoders. */
  public static final String ENCODINGS = "encodings";

  private TextEncoderFactory() {}

  /**
   * Whether the configured encoder is fitted on the training texts (TF-IDF) rather than pretrained.
   */
  public static boolean fitted(DataConfig config) {
    return config.textEncoder() == TextEncoderKind.TFIDF;
  }

  /**
   * The configured encoder, disk-cached when pretrained.
   *
   * @param trainingTexts what TF-IDF + SVD is fitted on (ignored by pretrained encoders)
   * @param seed the SVD's seed
   */
  public static TextEncoder create(DataConfig config, List<String> trainingTexts, long seed) {
    return switch (config.textEncoder()) {
      case TFIDF -> {
        try {
          yield TfidfSvdTextEncoder.fit(
              trainingTexts,
              TfidfSvdConfig.builder().dimension(config.semanticDimension()).seed(seed).build());
        } catch (InvalidRewardInputException e) {
          throw new UserInputException(
              "data.semantic_dimension = "
                  + config.semanticDimension()
                  + ": "
                  + e.getMessage()
                  + "; expected a smaller dimension for "
                  + trainingTexts.size()
                  + " training texts",
              e);
        }
      }
      case MINILM, MINILM_Q, MODEL_FOLDER ->
          withDiskCache(pretrained(config), Path.of(config.cacheDir()));
    };
  }

  /** The configured pretrained encoder, without the disk cache; TF-IDF has none to give. */
  static TextEncoder pretrained(DataConfig config) {
    return switch (config.textEncoder()) {
      case MINILM -> MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.FULL);
      case MINILM_Q -> MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED);
      case MODEL_FOLDER -> modelFolder(config);
      case TFIDF -> throw new IllegalArgumentException("TF-IDF + SVD is fitted, not pretrained");
    };
  }

  private static TextEncoder modelFolder(DataConfig config) {
    Path folder = Path.of(config.sentenceModel());
    if (!Files.isRegularFile(folder.resolve("model.pt"))
        || !Files.isRegularFile(folder.resolve("tokenizer.json"))) {
      throw new UserInputException(
          "data.sentence_model = "
              + config.sentenceModel()
              + ": expected a folder holding model.pt (TorchScript) and tokenizer.json");
    }
    try {
      return DjlSentenceEncoder.open(DjlSentenceConfig.of(folder));
    } catch (IOException | InvalidRewardInputException e) {
      throw new UserInputException(
          "data.sentence_model = "
              + config.sentenceModel()
              + ": cannot load the model ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * {@code encoder} with the disk cache of {@code <cacheDir>/encodings} around it; TF-IDF encoders
   * (cheap, and refitted by every preparation) and encoders already cached are returned as they
   * are.
   */
  public static TextEncoder withDiskCache(TextEncoder encoder, Path cacheDir) {
    if (encoder == null
        || encoder instanceof TfidfSvdTextEncoder
        || encoder instanceof DiskCachedTextEncoder) {
      return encoder;
    }
    return new DiskCachedTextEncoder(encoder, cacheDir.resolve(ENCODINGS));
  }

  /**
   * What the configured encoder is, with the version of what decides its vectors, without loading a
   * model: the artifact version of a MiniLM jar, the model file's SHA-256 of a model folder. It
   * enters the prepared data's cache key and the run's provenance, so a new encoder version never
   * reuses old embeddings.
   */
  public static String signature(DataConfig config) {
    return switch (config.textEncoder()) {
      case MINILM ->
          "minilm: "
              + MiniLmTextEncoder.MODEL
              + " (full) from dev.langchain4j:"
              + MiniLmTextEncoder.Variant.FULL.artifactId()
              + ":"
              + MiniLmTextEncoder.artifactVersion(MiniLmTextEncoder.Variant.FULL);
      case MINILM_Q ->
          "minilm_q: "
              + MiniLmTextEncoder.MODEL
              + " (quantized) from dev.langchain4j:"
              + MiniLmTextEncoder.Variant.QUANTIZED.artifactId()
              + ":"
              + MiniLmTextEncoder.artifactVersion(MiniLmTextEncoder.Variant.QUANTIZED);
      case TFIDF ->
          "tfidf: TF-IDF + SVD, dimension "
              + config.semanticDimension()
              + ", fitted on the training texts";
      case MODEL_FOLDER ->
          "model_folder: "
              + Path.of(config.sentenceModel()).toAbsolutePath()
              + " (model.pt sha256 "
              + modelSha256(Path.of(config.sentenceModel()).resolve("model.pt"))
              + ")";
    };
  }

  private static String modelSha256(Path file) {
    if (!Files.isRegularFile(file)) {
      return "missing";
    }
    try {
      return com.google.common.io.Files.asByteSource(file.toFile())
          .hash(Hashing.sha256())
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
