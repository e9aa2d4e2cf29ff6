package dev.elmrlaif.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.io.FolderManifest;
import dev.elmrlaif.policy.io.Safetensors;
import dev.elmrlaif.policy.io.SafetensorsContent;
import dev.elmrlaif.policy.lora.LoraConfig;
import dev.elmrlaif.policy.lora.LoraTarget;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model folders on disk, in the layout of a Hugging Face GPT-2 folder so either kind loads here:
 * {@code config.json} (GPT-2 keys, {@link GptConfig}), {@code model.safetensors} (parameters by
 * name), {@code tokenizer.json}, plus {@code elm.json} in a project checkpoint (adapter shape,
 * placeholder/end/pad ids, LoRA). Every file is written through a temporary file and an atomic
 * rename. A folder without {@code elm.json} is read as a plain GPT-2 language model: a {@code
 * transformer.} name prefix is removed, the attention-mask buffers are skipped, and a tied {@code
 * lm_head.weight} is dropped.
 */
public final class ElmCheckpoint {
  /** The project's own file next to the Hugging Face ones. */
  public static final String ELM_FILE = "elm.json";

  public static final String WEIGHTS_FILE = "model.safetensors";
  public static final String TOKENIZER_FILE = "tokenizer.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String FORMAT = "elm-rlaif-checkpoint";

  private ElmCheckpoint() {}

  /**
   * Writes {@code elm} to {@code folder} (created if missing).
   *
   * @param tokenizerJson the tokenizer file to copy alongside, or {@code null}
   */
  public static void save(Elm elm, Path folder, Path tokenizerJson) throws IOException {
    Files.createDirectories(folder);
    Safetensors.write(folder.resolve(WEIGHTS_FILE), elm.parameters(), Map.of("format", "pt"));
    elm.config().lm().write(folder.resolve(GptConfig.FILE_NAME));
    byte[] elmJson = JSON.writeValueAsBytes(elmJson(elm));
    AtomicFiles.write(folder.resolve(ELM_FILE), out -> out.write(elmJson));
    if (tokenizerJson != null) {
      Path target = folder.resolve(TOKENIZER_FILE);
      if (!Files.exists(target) || !Files.isSameFile(tokenizerJson, target)) {
        AtomicFiles.copy(tokenizerJson, target);
      }
    }
    FolderManifest.write(folder); // sizes and checksums, checked by load
  }

  private static ObjectNode elmJson(Elm elm) {
    ElmConfig config = elm.config();
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", 1);
    if (config.hasAdapter()) {
      ObjectNode adapter = root.putObject("adapter");
      adapter.put("domain_dim", config.adapter().domainDim());
      adapter.put("hidden_dim", config.adapter().hiddenDim());
      adapter.put("init_std", config.adapter().initStd());
    } else {
      root.putNull("adapter");
    }
    ArrayNode placeholders = root.putArray("placeholder_token_ids");
    config.placeholderTokenIds().forEach(placeholders::add);
    root.put("end_token_id", config.endTokenId());
    root.put("pad_token_id", config.padTokenId());
    if (elm.lora() != null) {
      LoraConfig lora = elm.lora().config();
      ObjectNode node = root.putObject("lora");
      node.put("rank", lora.rank());
      node.put("alpha", lora.alpha());
      ArrayNode targets = node.putArray("targets");
      for (LoraTarget target : LoraTarget.values()) {
        if (lora.targets().contains(target)) {
          targets.add(target.projection());
        }
      }
    } else {
      root.putNull("lora");
    }
    return root;
  }

  /** Whether {@code folder} is a project checkpoint (it has {@code elm.json}). */
  public static boolean isProjectCheckpoint(Path folder) {
    return Files.isRegularFile(folder.resolve(ELM_FILE));
  }

  /**
   * Loads a project checkpoint or a Hugging Face GPT-2 folder. Parameters are converted to {@code
   * dataType} and placed on {@code device}; all of them train until frozen.
   *
   * @throws CheckpointFormatException naming the file and the key or tensor that is wrong
   */
  public static Elm load(Path folder, Device device, DataType dataType) {
    if (!Files.isDirectory(folder)) {
      throw new CheckpointFormatException(
          folder
              + ": not a folder; expected a model folder with "
              + GptConfig.FILE_NAME
              + " and "
              + WEIGHTS_FILE);
    }
    FolderManifest.problem(folder)
        .ifPresent(
            problem -> {
              throw new CheckpointFormatException(
                  problem + "; expected the model folder as training wrote it");
            });
    GptConfig lm = GptConfig.read(folder.resolve(GptConfig.FILE_NAME));
    ElmConfig config;
    LoraConfig lora = null;
    boolean project = isProjectCheckpoint(folder);
    if (project) {
      Path file = folder.resolve(ELM_FILE);
      JsonNode root = readJson(file);
      config = elmConfig(lm, root, file);
      lora = loraConfig(root.get("lora"), file);
    } else {
      config = huggingFaceConfig(lm, folder);
    }
    Path weights = folder.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(weights)) {
      throw new CheckpointFormatException(
          weights + ": file not found; expected the model's weights");
    }
    NDManager owner = NDManager.newBaseManager(device);
    try {
      SafetensorsContent content = Safetensors.read(weights, owner);
      if (!project) {
        content.tensors().keySet().stream()
            .filter(name -> name.startsWith("adapter."))
            .findFirst()
            .ifPresent(
                name -> {
                  throw new CheckpointFormatException(
                      "holds the adapter tensor "
                          + name
                          + " but "
                          + folder
                          + " has no "
                          + ELM_FILE
                          + "; expected "
                          + ELM_FILE
                          + " beside it (a model folder written by"
                          + " training has "
                          + ELM_FILE
                          + ", "
                          + GptConfig.FILE_NAME
                          + ", "
                          + WEIGHTS_FILE
                          + " and "
                          + TOKENIZER_FILE
                          + ")");
                });
      }
      LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> entry : content.tensors().entrySet()) {
        String name = project ? entry.getKey() : huggingFaceName(entry.getKey(), lm);
        NDArray array = entry.getValue();
        if (name == null) {
          array.close();
          continue;
        }
        if (array.getDataType() != dataType) {
          NDArray converted = array.toType(dataType, false);
          array.close();
          array = converted;
        }
        arrays.put(name, array);
      }
      return Elm.fromParameters(config, owner, arrays, lora);
    } catch (CheckpointFormatException e) {
      owner.close();
      throw new CheckpointFormatException(weights + ": " + e.getMessage(), e);
    } catch (IOException e) {
      owner.close();
      throw new CheckpointFormatException(e.getMessage(), e);
    } catch (RuntimeException e) {
      owner.close();
      throw e;
    }
  }

  /** The project name of a Hugging Face tensor, or {@code null} for a buffer to skip. */
  private static String huggingFaceName(String name, GptConfig lm) {
    String stripped =
        name.startsWith("transformer.") ? name.substring("transformer.".length()) : name;
    if (stripped.endsWith(".attn.bias") || stripped.endsWith(".attn.masked_bias")) {
      return null;
    }
    if (stripped.equals("lm_head.weight") && lm.tiedHead()) {
      return null;
    }
    return stripped;
  }

  /** End and pad ids of a GPT-2 folder: {@code config.json}'s, else its tokenizer's. */
  private static ElmConfig huggingFaceConfig(GptConfig lm, Path folder) {
    Path file = folder.resolve(GptConfig.FILE_NAME);
    JsonNode root = readJson(file);
    Integer end = optionalId(root, "eos_token_id", file);
    Integer pad = optionalId(root, "pad_token_id", file);
    Path tokenizerFile = folder.resolve(TOKENIZER_FILE);
    if (end == null && Files.isRegularFile(tokenizerFile)) {
      try (ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerFile)) {
        if (tokenizer.endId().isPresent()) {
          end = Math.toIntExact(tokenizer.endId().getAsLong());
        }
        if (pad == null && tokenizer.padId().isPresent()) {
          pad = Math.toIntExact(tokenizer.padId().getAsLong());
        }
      }
    }
    if (end == null) {
      throw new CheckpointFormatException(
          file
              + ": key eos_token_id is missing and "
              + tokenizerFile
              + " names no end token; expected one of them to give the end-of-text id");
    }
    try {
      return ElmConfig.languageModel(lm, end, pad == null ? end : pad);
    } catch (IllegalArgumentException e) {
      throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
    }
  }

  private static ElmConfig elmConfig(GptConfig lm, JsonNode root, Path file) {
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new CheckpointFormatException(
          file + ": key format: found " + root.get("format") + ", expected \"" + FORMAT + "\"");
    }
    AdapterConfig adapter = null;
    JsonNode adapterNode = root.get("adapter");
    List<Integer> placeholders = new ArrayList<>();
    JsonNode placeholderNode = root.get("placeholder_token_ids");
    if (placeholderNode != null && !placeholderNode.isArray()) {
      throw new CheckpointFormatException(
          file
              + ": key placeholder_token_ids: found "
              + placeholderNode
              + ", expected an array of ids");
    }
    if (placeholderNode != null) {
      for (int k = 0; k < placeholderNode.size(); k++) {
        JsonNode id = placeholderNode.get(k);
        if (!id.isIntegralNumber()) {
          throw new CheckpointFormatException(
              file
                  + ": key placeholder_token_ids["
                  + k
                  + "]: found "
                  + id
                  + ", expected an integer id");
        }
        placeholders.add(id.intValue());
      }
    }
    try {
      if (adapterNode != null && !adapterNode.isNull()) {
        adapter =
            new AdapterConfig(
                requiredInt(adapterNode, "adapter.domain_dim", "domain_dim", file),
                requiredInt(adapterNode, "adapter.hidden_dim", "hidden_dim", file),
                requiredDouble(adapterNode, "adapter.init_std", "init_std", file));
      }
      return new ElmConfig(
          lm,
          adapter,
          placeholders,
          requiredInt(root, "end_token_id", "end_token_id", file),
          requiredInt(root, "pad_token_id", "pad_token_id", file));
    } catch (IllegalArgumentException e) {
      throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
    }
  }

  private static LoraConfig loraConfig(JsonNode node, Path file) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonNode targetsNode = node.get("targets");
    if (targetsNode == null || !targetsNode.isArray()) {
      throw new CheckpointFormatException(
          file
              + ": key lora.targets: found "
              + targetsNode
              + ", expected an array of projection names");
    }
    Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
    try {
      for (JsonNode target : targetsNode) {
        targets.add(LoraTarget.parse(target.asText()));
      }
      return new LoraConfig(
          requiredInt(node, "lora.rank", "rank", file),
          requiredDouble(node, "lora.alpha", "alpha", file),
          targets);
    } catch (IllegalArgumentException e) {
      throw new CheckpointFormatException(file + ": key lora: " + e.getMessage(), e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new CheckpointFormatException(file + ": expected a JSON object at the top level");
      }
      return root;
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
      throw new CheckpointFormatException(file + ": cannot be read: " + e, e);
    }
  }

  private static Integer optionalId(JsonNode root, String key, Path file) {
    JsonNode value = root.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isArray() && value.size() > 0 && value.get(0).isIntegralNumber()) {
      return value.get(0).intValue();
    }
    if (!value.isIntegralNumber()) {
      throw new CheckpointFormatException(
          file + ": key " + key + ": found " + value + ", expected a token id");
    }
    return value.intValue();
  }

  private static int requiredInt(JsonNode node, String path, String key, Path file) {
    return required(node, path, key, file, true).intValue();
  }

  private static double requiredDouble(JsonNode node, String path, String key, Path file) {
    return required(node, path, key, file, false).doubleValue();
  }

  /**
   * The number at {@code key}; {@code path} names it in the error (e.g. {@code
   * adapter.hidden_dim}).
   */
  private static JsonNode required(
      JsonNode node, String path, String key, Path file, boolean integer) {
    JsonNode value = node.get(key);
    if (value == null || !(integer ? value.isIntegralNumber() : value.isNumber())) {
      throw new CheckpointFormatException(
          file
              + ": key "
              + path
              + ": found "
              + value
              + ", expected "
              + (integer ? "an integer" : "a number"));
    }
    return value;
  }
}
