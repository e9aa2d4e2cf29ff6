package dev.elmrlaif.policy.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Shape of a GPT-2-style causal language model. It reads and writes the Hugging Face GPT-2 {@code
 * config.json} keys ({@code vocab_size}, {@code n_positions}, {@code n_layer}, {@code n_head},
 * {@code n_embd}, {@code n_inner}, {@code layer_norm_epsilon}, {@code initializer_range}, {@code
 * tie_word_embeddings}), so a project checkpoint and a Hugging Face folder share one format.
 *
 * @param vocabSize number of token ids, the rows of {@code wte.weight}
 * @param contextLength longest sequence (prompt plus generation), the rows of {@code wpe.weight}
 * @param layers number of transformer blocks
 * @param heads attention heads per block; must divide {@code dModel}
 * @param dModel width of the residual stream
 * @param mlpRatio width of the MLP hidden layer as a multiple of {@code dModel} (GPT-2: 4)
 * @param layerNormEps epsilon of every LayerNorm (GPT-2: 1e-5)
 * @param initStd standard deviation of the Gaussian weight init (GPT-2: 0.02)
 * @param tiedHead whether the output head is {@code wte.weight} (GPT-2: true) or a separate {@code
 *     lm_head.weight}
 */
public record GptConfig(
    int vocabSize,
    int contextLength,
    int layers,
    int heads,
    int dModel,
    int mlpRatio,
    double layerNormEps,
    double initStd,
    boolean tiedHead) {

  /** The file name of the config inside a model folder. */
  public static final String FILE_NAME = "config.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public GptConfig {
    requirePositive("vocabSize", vocabSize);
    requirePositive("contextLength", contextLength);
    requirePositive("layers", layers);
    requirePositive("heads", heads);
    requirePositive("dModel", dModel);
    requirePositive("mlpRatio", mlpRatio);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "GptConfig.dModel: found " + dModel + ", expected a multiple of heads=" + heads);
    }
    if (!(layerNormEps > 0 && layerNormEps < 1)) {
      throw new IllegalArgumentException(
          "GptConfig.layerNormEps: found " + layerNormEps + ", expected a value in (0, 1)");
    }
    if (!(initStd > 0 && Double.isFinite(initStd))) {
      throw new IllegalArgumentException(
          "GptConfig.initStd: found " + initStd + ", expected a finite value > 0");
    }
  }

  private static void requirePositive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "GptConfig." + field + ": found " + value + ", expected an integer > 0");
    }
  }

  /** Width of one attention head. */
  public int headDim() {
    return dModel / heads;
  }

  /** Width of the MLP hidden layer ({@code n_inner}). */
  public int mlpDim() {
    return mlpRatio * dModel;
  }

  /** The same model with another vocabulary size (e.g. after adding placeholder tokens). */
  public GptConfig withVocabSize(int newVocabSize) {
    return new GptConfig(
        newVocabSize,
        contextLength,
        layers,
        heads,
        dModel,
        mlpRatio,
        layerNormEps,
        initStd,
        tiedHead);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from the project's quickstart size (vocab 4096, context 128, 4x4, d 128).
   */
  public static final class Builder {
    private int vocabSize = 4096;
    private int contextLength = 128;
    private int layers = 4;
    private int heads = 4;
    private int dModel = 128;
    private int mlpRatio = 4;
    private double layerNormEps = 1e-5;
    private double initStd = 0.02;
    private boolean tiedHead = true;

    public Builder vocabSize(int v) {
      vocabSize = v;
      return this;
    }

    public Builder contextLength(int v) {
      contextLength = v;
      return this;
    }

    public Builder layers(int v) {
      layers = v;
      return this;
    }

    public Builder heads(int v) {
      heads = v;
      return this;
    }

    public Builder dModel(int v) {
      dModel = v;
      return this;
    }

    public Builder mlpRatio(int v) {
      mlpRatio = v;
      return this;
    }

    public Builder layerNormEps(double v) {
      layerNormEps = v;
      return this;
    }

    public Builder initStd(double v) {
      initStd = v;
      return this;
    }

    public Builder tiedHead(boolean v) {
      tiedHead = v;
      return this;
    }

    public GptConfig build() {
      return new GptConfig(
          vocabSize,
          contextLength,
          layers,
          heads,
          dModel,
          mlpRatio,
          layerNormEps,
          initStd,
          tiedHead);
    }
  }

  /** This config as a Hugging Face GPT-2 {@code config.json} object. */
  public ObjectNode toHfJson() {
    ObjectNode node = JSON.createObjectNode();
    node.putArray("architectures").add("GPT2LMHeadModel");
    node.put("model_type", "gpt2");
    node.put("activation_function", "gelu_new");
    node.put("vocab_size", vocabSize);
    node.put("n_positions", contextLength);
    node.put("n_ctx", contextLength);
    node.put("n_embd", dModel);
    node.put("n_layer", layers);
    node.put("n_head", heads);
    node.put("n_inner", mlpDim());
    node.put("layer_norm_epsilon", layerNormEps);
    node.put("initializer_range", initStd);
    node.put("tie_word_embeddings", tiedHead);
    return node;
  }

  /** Writes {@code config.json} atomically. */
  public void write(Path file) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(toHfJson());
    AtomicFiles.write(file, out -> out.write(bytes));
  }

  /**
   * Reads a Hugging Face GPT-2 {@code config.json}.
   *
   * @throws CheckpointFormatException if the file is missing, not JSON, lacks a key, or describes a
   *     model this class cannot represent (another activation, an MLP width that is not a multiple
   *     of {@code n_embd})
   */
  public static GptConfig read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new CheckpointFormatException(file + ": file not found; expected a GPT-2 config.json");
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          file
              + ": line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": not valid JSON ("
              + e.getOriginalMessage()
              + ")",
          e);
    } catch (IOException e) {
      throw new CheckpointFormatException(file + ": cannot be read: " + e.getMessage(), e);
    }
    return fromHfJson(root, file.toString());
  }

  /** Parses a {@code config.json} tree; {@code source} names the file in error messages. */
  public static GptConfig fromHfJson(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointFormatException(source + ": expected a JSON object at the top level");
    }
    String activation = root.path("activation_function").asText("gelu_new");
    if (!activation.equals("gelu_new") && !activation.equals("gelu_pytorch_tanh")) {
      throw new CheckpointFormatException(
          source
              + ": key activation_function: found \""
              + activation
              + "\", expected \"gelu_new\" (the tanh GELU of GPT-2)");
    }
    int dModel = requiredInt(root, source, "n_embd");
    int contextLength =
        root.has("n_positions")
            ? requiredInt(root, source, "n_positions")
            : requiredInt(root, source, "n_ctx");
    int mlpRatio = 4;
    JsonNode inner = root.get("n_inner");
    if (inner != null && !inner.isNull()) {
      int mlpDim = requiredInt(root, source, "n_inner");
      if (mlpDim % dModel != 0) {
        throw new CheckpointFormatException(
            source
                + ": key n_inner: found "
                + mlpDim
                + ", expected a multiple of n_embd="
                + dModel);
      }
      mlpRatio = mlpDim / dModel;
    }
    try {
      return new GptConfig(
          requiredInt(root, source, "vocab_size"),
          contextLength,
          requiredInt(root, source, "n_layer"),
          requiredInt(root, source, "n_head"),
          dModel,
          mlpRatio,
          optionalDouble(root, source, "layer_norm_epsilon", 1e-5),
          optionalDouble(root, source, "initializer_range", 0.02),
          !root.has("tie_word_embeddings") || root.get("tie_word_embeddings").asBoolean(true));
    } catch (IllegalArgumentException e) {
      throw new CheckpointFormatException(source + ": " + e.getMessage(), e);
    }
  }

  private static int requiredInt(JsonNode root, String source, String key) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      throw new CheckpointFormatException(
          source + ": key " + key + " is missing; expected an integer");
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new CheckpointFormatException(
          source + ": key " + key + ": found " + value + ", expected an integer");
    }
    return value.intValue();
  }

  private static double optionalDouble(JsonNode root, String source, String key, double fallback) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new CheckpointFormatException(
          source + ": key " + key + ": found " + value + ", expected a number");
    }
    return value.doubleValue();
  }
}
