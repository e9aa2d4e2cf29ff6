package dev.elmrlaif.rewards.text;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A pluggable {@link TextEncoder} (DESIGN.md §5): a sentence-embedding transformer exported to
 * TorchScript, loaded by DJL's PyTorch engine from a local folder with its Hugging Face {@code
 * tokenizer.json}. The model takes {@code (input_ids, attention_mask[, token_type_ids])} as INT64
 * [batch, tokens] and returns the token embeddings [batch, tokens, hidden] first (pooled here by
 * {@link MeanPooling}) or an already pooled [batch, hidden].
 *
 * <p>Empty or blank texts encode to the zero vector without calling the model. Calls are serialised
 * on this instance (one forward pass at a time), so it is safe to share between threads. {@link
 * #save} writes a small JSON descriptor (folder, settings, SHA-256 of the model file), not the
 * model; {@link TextEncoders#load} reopens it and refuses a model file whose hash has changed.
 * Close it to free the native model.
 */
public final class DjlSentenceEncoder implements TextEncoder, AutoCloseable {

  static final String FORMAT = "elm-rlaif/djl-sentence-encoder";
  static final int FORMAT_VERSION = 1;
  static final String TOKENIZER_FILE = "tokenizer.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** The saved descriptor. */
  record Descriptor(
      String format,
      int version,
      String modelDirectory,
      String modelFileName,
      int maxLength,
      boolean includeTokenTypeIds,
      boolean normalize,
      String modelSha256) {}

  private final DjlSentenceConfig config;
  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<NDList, NDList> model;
  private final String modelSha256;
  private final int dimension;

  private DjlSentenceEncoder(
      DjlSentenceConfig config,
      HuggingFaceTokenizer tokenizer,
      ZooModel<NDList, NDList> model,
      String modelSha256) {
    this.config = config;
    this.tokenizer = tokenizer;
    this.model = model;
    this.modelSha256 = modelSha256;
    this.dimension = forward(List.of("dimension probe"))[0].length;
  }

  /**
   * Loads the model and tokenizer.
   *
   * @throws InvalidRewardInputException if the folder, the model file or {@code tokenizer.json} is
   *     missing, or the model cannot be loaded
   */
  public static DjlSentenceEncoder open(DjlSentenceConfig config) throws IOException {
    Path modelFile = validateFolder(config);
    String sha256 = sha256(modelFile);
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(config.modelDirectory().resolve(TOKENIZER_FILE))
            .optMaxLength(config.maxLength())
            .optTruncation(true)
            .optPadding(true)
            .build();
    String modelName =
        config.modelFileName().substring(0, config.modelFileName().length() - ".pt".length());
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(config.modelDirectory())
            .optModelName(modelName)
            .optEngine("PyTorch")
            .optTranslator(new NoopTranslator())
            .build();
    ZooModel<NDList, NDList> model;
    try {
      model = criteria.loadModel();
    } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
      tokenizer.close();
      throw new InvalidRewardInputException(
          modelFile + ": cannot load as a TorchScript model: " + e.getMessage(), e);
    }
    try {
      return new DjlSentenceEncoder(config, tokenizer, model, sha256);
    } catch (RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new InvalidRewardInputException(
          modelFile
              + ": the model does not map (input_ids, attention_mask"
              + (config.includeTokenTypeIds() ? ", token_type_ids" : "")
              + ") to token or sentence "
              + "embeddings: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Checks that the folder holds the model file and {@code tokenizer.json}; returns the model file.
   *
   * @throws InvalidRewardInputException naming the missing path
   */
  static Path validateFolder(DjlSentenceConfig config) {
    Path folder = config.modelDirectory();
    if (!Files.isDirectory(folder)) {
      throw new InvalidRewardInputException(
          folder
              + ": sentence-encoder folder does not exist (expected a "
              + "folder with "
              + config.modelFileName()
              + " and "
              + TOKENIZER_FILE
              + ")");
    }
    Path modelFile = folder.resolve(config.modelFileName());
    if (!Files.isRegularFile(modelFile)) {
      throw new InvalidRewardInputException(
          modelFile + ": TorchScript model file is missing in " + folder);
    }
    Path tokenizerFile = folder.resolve(TOKENIZER_FILE);
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new InvalidRewardInputException(
          tokenizerFile + ": Hugging Face tokenizer file is missing in " + folder);
    }
    return modelFile;
  }

  @Override
  public float[] encode(String text) {
    return encode(List.of(text))[0];
  }

  @Override
  public float[][] encode(List<String> texts) {
    return TextEncoders.encodeNonBlank(texts, dimension, this::forward);
  }

  /** One forward pass over a batch, inside a child NDManager that is closed before returning. */
  private synchronized float[][] forward(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int batch = encodings.length;
    long[][] ids = new long[batch][];
    long[][] mask = new long[batch][];
    long[][] types = new long[batch][];
    for (int b = 0; b < batch; b++) {
      ids[b] = encodings[b].getIds();
      mask[b] = encodings[b].getAttentionMask();
      types[b] = encodings[b].getTypeIds();
    }
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDList input = new NDList(scope.create(ids), scope.create(mask));
      if (config.includeTokenTypeIds()) {
        input.add(scope.create(types));
      }
      NDList output = model.getBlock().forward(new ParameterStore(scope, false), input, false);
      NDArray first = output.head();
      long[] shape = first.getShape().getShape();
      if (shape.length == 3 && shape[0] == batch) {
        return MeanPooling.pool(
            first.toType(DataType.FLOAT32, false).toFloatArray(),
            mask,
            (int) shape[2],
            config.normalize());
      }
      if (shape.length == 2 && shape[0] == batch) {
        float[] flat = first.toType(DataType.FLOAT32, false).toFloatArray();
        long[][] single = new long[batch][1];
        for (long[] row : single) {
          row[0] = 1;
        }
        return MeanPooling.pool(flat, single, (int) shape[1], config.normalize());
      }
      throw new IllegalStateException(
          "model output 0 has shape "
              + first.getShape()
              + ", expected ["
              + batch
              + ", tokens, hidden] or ["
              + batch
              + ", hidden]");
    }
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String description() {
    return "djl-sentence(folder="
        + config.modelDirectory()
        + ", model="
        + config.modelFileName()
        + ", sha256="
        + modelSha256.substring(0, 12)
        + ", dimension="
        + dimension
        + ", maxLength="
        + config.maxLength()
        + ", meanPooling, normalize="
        + config.normalize()
        + ")";
  }

  @Override
  public void save(Path file) throws IOException {
    Descriptor descriptor =
        new Descriptor(
            FORMAT,
            FORMAT_VERSION,
            config.modelDirectory().toAbsolutePath().toString(),
            config.modelFileName(),
            config.maxLength(),
            config.includeTokenTypeIds(),
            config.normalize(),
            modelSha256);
    TextEncoders.writeAtomically(
        file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(descriptor));
  }

  /**
   * Reopens the encoder a descriptor names.
   *
   * @throws InvalidRewardInputException if the descriptor is malformed or the model file's hash
   *     changed
   */
  static DjlSentenceEncoder loadDescriptor(Path file) throws IOException {
    Descriptor descriptor;
    try {
      descriptor = JSON.readValue(file.toFile(), Descriptor.class);
    } catch (IOException e) {
      throw new InvalidRewardInputException(
          file + ": malformed sentence-encoder descriptor: " + e.getMessage(), e);
    }
    TextEncoders.requireFormat(
        file, "key", descriptor.format(), descriptor.version(), FORMAT, FORMAT_VERSION);
    if (descriptor.modelDirectory() == null || descriptor.modelSha256() == null) {
      throw new InvalidRewardInputException(
          file + ": lacks the key 'modelDirectory' or 'modelSha256'");
    }
    DjlSentenceConfig config =
        new DjlSentenceConfig(
            Path.of(descriptor.modelDirectory()),
            descriptor.modelFileName(),
            descriptor.maxLength(),
            descriptor.includeTokenTypeIds(),
            descriptor.normalize());
    String actual = sha256(validateFolder(config));
    if (!actual.equals(descriptor.modelSha256())) {
      throw new InvalidRewardInputException(
          file
              + ": key 'modelSha256' is "
              + descriptor.modelSha256()
              + " but "
              + config.modelDirectory().resolve(config.modelFileName())
              + " now hashes to "
              + actual
              + " (the model changed since the encoder was saved)");
    }
    return open(config);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
