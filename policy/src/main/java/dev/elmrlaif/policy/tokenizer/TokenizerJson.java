package dev.elmrlaif.policy.tokenizer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face {@code tokenizer.json} files for byte-level BPE, in the layout the
 * {@code tokenizers} library writes for GPT-2: {@code model} of type {@code BPE} with {@code vocab}
 * and {@code merges}, a {@code ByteLevel} pre-tokenizer ({@code add_prefix_space=false}),
 * post-processor and decoder, and {@code added_tokens}. Merges are written as two-element arrays
 * (the library's current form) and read in both that and the older {@code "left right"} string
 * form.
 */
public final class TokenizerJson {

  /** The file name inside a tokenizer folder. */
  public static final String FILE_NAME = "tokenizer.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerJson() {}

  /** The {@code tokenizer.json} document for {@code model}. */
  public static ObjectNode toJson(BpeModel model) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (BpeModel.AddedToken token : model.addedTokens()) {
      appendAddedToken(added, token);
    }
    root.putNull("normalizer");
    byteLevel(root.putObject("pre_tokenizer"), false, true);
    byteLevel(root.putObject("post_processor"), true, false);
    byteLevel(root.putObject("decoder"), true, true);
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.putNull("unk_token");
    bpe.put("continuing_subword_prefix", "");
    bpe.put("end_of_word_suffix", "");
    bpe.put("fuse_unk", false);
    bpe.put("byte_fallback", false);
    bpe.put("ignore_merges", false);
    ObjectNode vocab = bpe.putObject("vocab");
    model.vocab().forEach(vocab::put);
    ArrayNode merges = bpe.putArray("merges");
    for (BpeModel.Merge merge : model.merges()) {
      merges.addArray().add(merge.left()).add(merge.right());
    }
    return root;
  }

  /** Appends one {@code added_tokens} entry: matched verbatim, not normalized, no stripping. */
  static void appendAddedToken(ArrayNode addedTokens, BpeModel.AddedToken token) {
    ObjectNode node = addedTokens.addObject();
    node.put("id", token.id());
    node.put("content", token.content());
    node.put("single_word", false);
    node.put("lstrip", false);
    node.put("rstrip", false);
    node.put("normalized", false);
    node.put("special", token.special());
  }

  private static void byteLevel(ObjectNode node, boolean addPrefixSpace, boolean trimOffsets) {
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", addPrefixSpace);
    node.put("trim_offsets", trimOffsets);
    node.put("use_regex", true);
  }

  /** Serialises a document as pretty-printed UTF-8 JSON; equal documents give identical bytes. */
  public static byte[] toBytes(JsonNode root) {
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "cannot serialise tokenizer JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes {@code model} to a file or folder (see {@link #fileForWriting(Path)}), atomically. */
  public static Path write(BpeModel model, Path fileOrFolder) {
    Path file = fileForWriting(fileOrFolder);
    writeAtomically(file, toBytes(toJson(model)));
    return file;
  }

  /**
   * Where a save to {@code fileOrFolder} lands: a path ending in {@code .json} is the file itself;
   * anything else is a folder (created if needed) that receives {@value #FILE_NAME}.
   */
  static Path fileForWriting(Path fileOrFolder) {
    Path name = fileOrFolder.getFileName();
    boolean isFile =
        name != null && !Files.isDirectory(fileOrFolder) && name.toString().endsWith(".json");
    return isFile ? fileOrFolder : fileOrFolder.resolve(FILE_NAME);
  }

  /** Writes to a temporary file beside {@code target}, then renames it over {@code target}. */
  static void writeAtomically(Path target, byte[] bytes) {
    Path folder = target.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      Files.createDirectories(folder);
      temporary = Files.createTempFile(folder, target.getFileName().toString(), ".tmp");
      Files.write(temporary, bytes);
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UncheckedIOException(
          "cannot write tokenizer file " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * A {@code tokenizer.json} path, or a folder holding one, resolved to the file; it must exist.
   */
  static Path fileForReading(Path fileOrFolder) {
    Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(FILE_NAME) : fileOrFolder;
    if (!Files.isRegularFile(file)) {
      throw new TokenizerFormatException(
          file + ": no such file; expected a " + FILE_NAME + " file or a folder containing one");
    }
    return file;
  }

  /**
   * A parsed tokenizer file: the document as read, its BPE model, and why the pure-Java codec
   * cannot run it (null if it can).
   */
  record Parsed(String source, JsonNode root, BpeModel model, String javaCodecUnsupportedReason) {}

  /** Reads and validates a file; {@code file} must be a regular file. */
  static Parsed read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read tokenizer file " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), bytes);
  }

  /** Parses and validates {@code content}; {@code source} names it in error messages. */
  static Parsed parse(String source, byte[] content) {
    JsonNode root;
    try {
      root = MAPPER.readTree(content);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String position =
          at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      throw new TokenizerFormatException(
          source + ": " + position + "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read tokenizer file " + source + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TokenizerFormatException(
          source
              + ": expected a JSON object at the top level, found "
              + (root == null ? "nothing" : root.getNodeType()));
    }
    JsonNode modelNode = require(source, root, "model", "model");
    // GPT-2's own file has no model.type; Hugging Face then infers BPE from vocab + merges.
    String type = modelNode.path("type").asText("BPE");
    if (!type.equals("BPE")) {
      throw new TokenizerFormatException(
          source
              + ": key 'model.type': found '"
              + type
              + "', expected 'BPE' (a byte-level BPE tokenizer such as GPT-2's)");
    }
    Map<String, Integer> vocab =
        readVocab(source, require(source, modelNode, "vocab", "model.vocab"));
    List<BpeModel.Merge> merges =
        readMerges(source, require(source, modelNode, "merges", "model.merges"), vocab);
    List<BpeModel.AddedToken> added = readAddedTokens(source, root.path("added_tokens"));
    BpeModel model;
    try {
      model = new BpeModel(vocab, merges, added);
    } catch (IllegalArgumentException e) {
      throw new TokenizerFormatException(source + ": " + e.getMessage(), e);
    }
    return new Parsed(source, root, model, javaCodecUnsupportedReason(root, vocab));
  }

  private static JsonNode require(String source, JsonNode parent, String field, String key) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw new TokenizerFormatException(
          source + ": key '" + key + "' is missing, expected it to be present");
    }
    return node;
  }

  private static Map<String, Integer> readVocab(String source, JsonNode node) {
    if (!node.isObject()) {
      throw new TokenizerFormatException(
          source
              + ": key 'model.vocab': found "
              + node.getNodeType()
              + ", expected an object mapping token to id");
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode id = entry.getValue();
      if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
        throw new TokenizerFormatException(
            source
                + ": key 'model.vocab."
                + entry.getKey()
                + "': found "
                + id
                + ", expected a non-negative integer id");
      }
      vocab.put(entry.getKey(), id.intValue());
    }
    return vocab;
  }

  private static List<BpeModel.Merge> readMerges(
      String source, JsonNode node, Map<String, Integer> vocab) {
    if (!node.isArray()) {
      throw new TokenizerFormatException(
          source
              + ": key 'model.merges': found "
              + node.getNodeType()
              + ", expected an array of merges");
    }
    List<BpeModel.Merge> merges = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode entry = node.get(i);
      String[] parts = mergeParts(entry);
      if (parts == null) {
        throw new TokenizerFormatException(
            source
                + ": key 'model.merges["
                + i
                + "]': found "
                + entry
                + ", expected \"left right\" or [\"left\", \"right\"]");
      }
      String left = parts[0];
      String right = parts[1];
      for (String symbol : new String[] {left, right, left + right}) {
        if (!vocab.containsKey(symbol)) {
          throw new TokenizerFormatException(
              source
                  + ": key 'model.merges["
                  + i
                  + "]': symbol '"
                  + symbol
                  + "' is not in model.vocab, expected every merge part and result in the vocabulary");
        }
      }
      merges.add(new BpeModel.Merge(left, right));
    }
    return merges;
  }

  /**
   * The two non-empty parts of a merge written as {@code "left right"} or {@code ["left",
   * "right"]}; null otherwise.
   */
  private static String[] mergeParts(JsonNode entry) {
    String[] parts;
    if (entry.isTextual()) {
      parts = entry.asText().split(" ", -1);
    } else if (entry.isArray()
        && entry.size() == 2
        && entry.get(0).isTextual()
        && entry.get(1).isTextual()) {
      parts = new String[] {entry.get(0).asText(), entry.get(1).asText()};
    } else {
      return null;
    }
    return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? parts : null;
  }

  private static List<BpeModel.AddedToken> readAddedTokens(String source, JsonNode node) {
    List<BpeModel.AddedToken> tokens = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return tokens;
    }
    if (!node.isArray()) {
      throw new TokenizerFormatException(
          source
              + ": key 'added_tokens': found "
              + node.getNodeType()
              + ", expected an array of token objects");
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode token = node.get(i);
      JsonNode id = token.path("id");
      JsonNode content = token.path("content");
      if (!id.isIntegralNumber()
          || !id.canConvertToInt()
          || id.intValue() < 0
          || !content.isTextual()
          || content.asText().isEmpty()) {
        throw new TokenizerFormatException(
            source
                + ": key 'added_tokens["
                + i
                + "]': found "
                + token
                + ", expected an object with a non-negative integer 'id' and a non-empty 'content'");
      }
      tokens.add(
          new BpeModel.AddedToken(
              id.intValue(), content.asText(), token.path("special").asBoolean(false)));
    }
    return tokens;
  }

  /**
   * Null when {@link ByteLevelBpeCodec} reproduces this file's tokenization; otherwise the first
   * reason it does not.
   */
  private static String javaCodecUnsupportedReason(JsonNode root, Map<String, Integer> vocab) {
    if (!root.path("normalizer").isMissingNode() && !root.path("normalizer").isNull()) {
      return "it has a normalizer";
    }
    JsonNode pre = root.path("pre_tokenizer");
    if (!pre.path("type").asText("").equals("ByteLevel")) {
      return "its pre_tokenizer is not ByteLevel";
    }
    // Hugging Face's defaults: add_prefix_space=true, use_regex=true.
    if (pre.path("add_prefix_space").asBoolean(true) || !pre.path("use_regex").asBoolean(true)) {
      return "its ByteLevel pre_tokenizer is not add_prefix_space=false, use_regex=true";
    }
    if (!root.path("decoder").path("type").asText("").equals("ByteLevel")) {
      return "its decoder is not ByteLevel";
    }
    JsonNode model = root.path("model");
    if (!model.path("dropout").isMissingNode() && !model.path("dropout").isNull()) {
      return "its BPE model uses dropout";
    }
    if (!model.path("continuing_subword_prefix").asText("").isEmpty()
        || !model.path("end_of_word_suffix").asText("").isEmpty()) {
      return "its BPE model uses a subword prefix or suffix";
    }
    if (model.path("byte_fallback").asBoolean(false)) {
      return "its BPE model uses byte_fallback";
    }
    for (JsonNode token : root.path("added_tokens")) {
      if (token.path("lstrip").asBoolean(false)
          || token.path("rstrip").asBoolean(false)
          || token.path("single_word").asBoolean(false)) {
        return "added token '"
            + token.path("content").asText()
            + "' uses lstrip, rstrip or single_word";
      }
    }
    for (int b = 0; b < ByteLevelAlphabet.SIZE; b++) {
      if (!vocab.containsKey(String.valueOf(ByteLevelAlphabet.charOf(b)))) {
        return "its vocabulary lacks the symbol for byte " + b;
      }
    }
    return null;
  }
}
