package dev.elmrlaif.policy.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The ELM's tokenizer: a byte-level BPE {@code tokenizer.json} (trained by {@link BpeTrainer} or a
 * local GPT-2-style folder) with the ids of the special tokens the ELM needs: begin, end, pad and
 * the entity placeholders whose input rows the adapter replaces (DESIGN.md Sec. 1).
 *
 * <p>Work is done by Hugging Face's native {@code tokenizers} library through DJL when it loads,
 * and otherwise by the pure-Java {@link ByteLevelBpeCodec}, which gives the same ids ({@link
 * Engine#AUTO}). Nothing is added implicitly: {@link #encode} returns exactly the tokens of the
 * text, and a special token written in the text (e.g. {@code <|entity_0|>}) is one id, never split.
 *
 * <p>Special ids: {@code begin}, {@code end}, {@code pad} are the added tokens named by {@link
 * SpecialTokens}; where a file lacks them but has GPT-2's {@code <|endoftext|>}, that token stands
 * in for all three, as in GPT-2. Placeholders are {@code <|entity_0|>, <|entity_1|>, ...} as far as
 * the file has them; a plain GPT-2 file has none ({@link #placeholderCount()} is 0) and {@link
 * #withSpecialTokens} can add them.
 *
 * <p>Safe for concurrent use until {@link #close()}d.
 */
public final class ElmTokenizer implements AutoCloseable {

  private static final Logger LOG = LogManager.getLogger(ElmTokenizer.class);

  /** Which implementation tokenizes. */
  public enum Engine {
    /** Hugging Face's native library if it loads, else pure Java. */
    AUTO,
    /** Hugging Face's native library through DJL; fails if it cannot load. */
    HUGGING_FACE,
    /** The pure-Java byte-level BPE codec. */
    PURE_JAVA
  }

  private final String source;
  private final JsonNode document;
  private final BpeModel model;
  private final SpecialTokens names;
  private final Engine engine;
  private final TokenCodec codec;
  private final int vocabSize;
  private final OptionalLong beginId;
  private final OptionalLong endId;
  private final OptionalLong padId;
  private final long[] placeholderIds;
  private final boolean[] specialById;
  private final int[] placeholderIndexById;
  private final Map<String, Integer> addedTokenIds = new HashMap<>();

  private ElmTokenizer(TokenizerJson.Parsed parsed, SpecialTokens names, Engine requested) {
    this(parsed, names, requested, HuggingFaceCodec::new);
  }

  /**
   * {@code openNative} opens the Hugging Face codec from the document's bytes; tests replace it to
   * simulate a missing library.
   */
  ElmTokenizer(
      TokenizerJson.Parsed parsed,
      SpecialTokens names,
      Engine requested,
      Function<byte[], TokenCodec> openNative) {
    if (names == null || requested == null) {
      throw new IllegalArgumentException(
          "names/engine: found null, expected SpecialTokens and an Engine");
    }
    this.source = parsed.source();
    this.document = parsed.root();
    this.model = parsed.model();
    this.names = names;
    this.vocabSize = model.size();
    this.specialById = new boolean[vocabSize];
    for (BpeModel.AddedToken token : model.addedTokens()) {
      addedTokenIds.put(token.content(), token.id());
      specialById[token.id()] = token.special();
    }
    this.beginId = specialOrEndOfText(names.begin());
    this.endId = specialOrEndOfText(names.end());
    this.padId = specialOrEndOfText(names.pad());
    List<Long> placeholders = new ArrayList<>();
    for (int k = 0; addedTokenIds.containsKey(names.placeholder(k)); k++) {
      placeholders.add((long) addedTokenIds.get(names.placeholder(k)));
    }
    this.placeholderIds = placeholders.stream().mapToLong(Long::longValue).toArray();
    this.placeholderIndexById = new int[vocabSize];
    Arrays.fill(placeholderIndexById, -1);
    for (int k = 0; k < placeholderIds.length; k++) {
      placeholderIndexById[(int) placeholderIds[k]] = k;
    }
    OpenedCodec opened = openCodec(parsed, requested, openNative);
    this.codec = opened.codec();
    this.engine = opened.engine();
  }

  /** A codec and the engine that runs it. */
  private record OpenedCodec(TokenCodec codec, Engine engine) {}

  /**
   * Opens the requested engine; {@link Engine#AUTO} tries Hugging Face first and falls back to pure
   * Java.
   */
  private static OpenedCodec openCodec(
      TokenizerJson.Parsed parsed, Engine requested, Function<byte[], TokenCodec> openNative) {
    if (requested == Engine.PURE_JAVA) {
      return new OpenedCodec(pureJavaCodec(parsed, null), Engine.PURE_JAVA);
    }
    if (requested == Engine.HUGGING_FACE) {
      return new OpenedCodec(huggingFaceCodec(parsed, openNative), Engine.HUGGING_FACE);
    }
    try {
      return new OpenedCodec(huggingFaceCodec(parsed, openNative), Engine.HUGGING_FACE);
    } catch (RuntimeException | LinkageError nativeFailure) {
      TokenCodec fallback = pureJavaCodec(parsed, nativeFailure);
      LOG.warn(
          "{}: Hugging Face native tokenizer unavailable ({}); using the pure-Java codec",
          parsed.source(),
          nativeFailure.toString());
      return new OpenedCodec(fallback, Engine.PURE_JAVA);
    }
  }

  /**
   * Loads a {@code tokenizer.json} (or a folder holding one) with the default special token names.
   */
  public static ElmTokenizer load(Path tokenizerJsonOrFolder) {
    return load(tokenizerJsonOrFolder, SpecialTokens.defaults(), Engine.AUTO);
  }

  /**
   * Loads a {@code tokenizer.json} (or a folder holding one); {@code names} say which added tokens
   * are which.
   */
  public static ElmTokenizer load(Path tokenizerJsonOrFolder, SpecialTokens names, Engine engine) {
    Path file = TokenizerJson.fileForReading(tokenizerJsonOrFolder);
    return new ElmTokenizer(TokenizerJson.read(file), names, engine);
  }

  /** A tokenizer for an in-memory model, e.g. one {@link BpeTrainer} just produced. */
  public static ElmTokenizer fromModel(BpeModel model, SpecialTokens names, Engine engine) {
    ObjectNode document = TokenizerJson.toJson(model);
    return new ElmTokenizer(
        TokenizerJson.parse("in-memory tokenizer", TokenizerJson.toBytes(document)), names, engine);
  }

  /** Trains a byte-level BPE vocabulary on {@code texts} and returns its tokenizer. */
  public static ElmTokenizer train(Iterable<String> texts, BpeTrainerConfig config) {
    return fromModel(new BpeTrainer(config).train(texts), config.specialTokens(), Engine.AUTO);
  }

  /**
   * A tokenizer with every token of {@code wanted} that this one lacks appended as a special added
   * token, with ids from {@link #vocabSize()} upward (begin, end, pad, then placeholders). Use it
   * to give a GPT-2 tokenizer the ELM's placeholders; the model's embedding matrix must then grow
   * to the new vocabulary size.
   */
  public ElmTokenizer withSpecialTokens(SpecialTokens wanted) {
    ObjectNode extended = document.deepCopy();
    JsonNode existing = extended.get("added_tokens");
    ArrayNode added =
        existing instanceof ArrayNode array ? array : extended.putArray("added_tokens");
    int nextId = vocabSize;
    for (String name : wanted.all()) {
      if (!addedTokenIds.containsKey(name)) {
        TokenizerJson.appendAddedToken(added, new BpeModel.AddedToken(nextId++, name, true));
      }
    }
    return new ElmTokenizer(
        TokenizerJson.parse(source, TokenizerJson.toBytes(extended)), wanted, engine);
  }

  /**
   * Token ids of {@code text}; no special tokens are added, but those written in the text are
   * matched.
   */
  public long[] encode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text: found null, expected a string");
    }
    return codec.encode(text);
  }

  /**
   * Token ids of each text, in order, as {@link #encode} gives them (the byte-level BPE encodes the
   * texts in parallel).
   */
  public long[][] encodeAll(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new IllegalArgumentException("texts[" + i + "]: found null, expected a string");
      }
    }
    return codec.encodeAll(texts);
  }

  /**
   * Encodes {@code texts} to rows of exactly {@code length} ids, padded with the pad id on {@code
   * side}. A text with more than {@code length} tokens keeps its first {@code length}; {@link
   * EncodedBatch#truncated()} counts them.
   */
  public EncodedBatch encodeBatch(List<String> texts, int length, EncodedBatch.PaddingSide side) {
    if (length < 1) {
      throw new IllegalArgumentException("length: found " + length + ", expected >= 1");
    }
    if (side == null) {
      throw new IllegalArgumentException("side: found null, expected RIGHT or LEFT");
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new IllegalArgumentException("texts[" + i + "]: found null, expected a string");
      }
    }
    long pad =
        padId.orElseThrow(
            () ->
                new IllegalStateException(
                    source
                        + ": has no pad token ('"
                        + names.pad()
                        + "' or '"
                        + SpecialTokens.GPT2_END_OF_TEXT
                        + "'), expected one to pad a batch; see withSpecialTokens"));
    long[][] encoded = codec.encodeAll(texts);
    long[][] ids = new long[texts.size()][length];
    long[][] mask = new long[texts.size()][length];
    int[] lengths = new int[texts.size()];
    int truncated = 0;
    for (int row = 0; row < encoded.length; row++) {
      int real = Math.min(length, encoded[row].length);
      truncated += encoded[row].length > length ? 1 : 0;
      int offset = side == EncodedBatch.PaddingSide.LEFT ? length - real : 0;
      Arrays.fill(ids[row], pad);
      System.arraycopy(encoded[row], 0, ids[row], offset, real);
      Arrays.fill(mask[row], offset, offset + real, 1L);
      lengths[row] = real;
    }
    return new EncodedBatch(ids, mask, lengths, truncated);
  }

  /**
   * The text of generated token ids (a sampler's continuation): special tokens left out, the
   * surrounding whitespace trimmed.
   */
  public String decodeGenerated(int[] ids) {
    long[] wide = new long[ids.length];
    for (int t = 0; t < ids.length; t++) {
      wide[t] = ids[t];
    }
    return decode(wide, true).trim();
  }

  /** Text of {@code ids}, special tokens included. */
  public String decode(long[] ids) {
    return decode(ids, false);
  }

  /**
   * Text of {@code ids}; with {@code skipSpecialTokens}, special tokens (begin, end, pad,
   * placeholders) are left out.
   */
  public String decode(long[] ids, boolean skipSpecialTokens) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabSize) {
        throw new IllegalArgumentException(
            "ids[" + i + "]: found " + ids[i] + ", expected an id in 0.." + (vocabSize - 1));
      }
    }
    return codec.decode(ids, skipSpecialTokens);
  }

  /** Number of ids (embedding rows): the largest id plus one. */
  public int vocabSize() {
    return vocabSize;
  }

  public OptionalLong beginId() {
    return beginId;
  }

  public OptionalLong endId() {
    return endId;
  }

  public OptionalLong padId() {
    return padId;
  }

  /** Ids of placeholders 0, 1, ... in order (empty for a tokenizer without them). */
  public long[] placeholderIds() {
    return placeholderIds.clone();
  }

  public int placeholderCount() {
    return placeholderIds.length;
  }

  /** Id of placeholder {@code index}, if this tokenizer has it. */
  public OptionalLong placeholderId(int index) {
    return index >= 0 && index < placeholderIds.length
        ? OptionalLong.of(placeholderIds[index])
        : OptionalLong.empty();
  }

  public boolean isPlaceholder(long id) {
    return placeholderIndex(id) >= 0;
  }

  /** Which placeholder {@code id} is ({@code k} for {@code <|entity_k|>}), or -1 if it is none. */
  public int placeholderIndex(long id) {
    return id >= 0 && id < vocabSize ? placeholderIndexById[(int) id] : -1;
  }

  /** Whether {@code id} is a special added token (skipped by {@code decode(ids, true)}). */
  public boolean isSpecial(long id) {
    return id >= 0 && id < vocabSize && specialById[(int) id];
  }

  /** Id of the added token whose text is exactly {@code content}, if any. */
  public OptionalLong addedTokenId(String content) {
    Integer id = addedTokenIds.get(content);
    return id == null ? OptionalLong.empty() : OptionalLong.of(id);
  }

  /** The engine actually in use ({@link Engine#AUTO} resolved). */
  public Engine engine() {
    return engine;
  }

  /** The special token names this tokenizer resolves. */
  public SpecialTokens specialTokens() {
    return names;
  }

  /** Vocabulary, merges and added tokens. */
  public BpeModel model() {
    return model;
  }

  /** Where it came from: the file path, or "in-memory tokenizer". */
  public String source() {
    return source;
  }

  /**
   * Writes the {@code tokenizer.json} atomically: to {@code target} if it ends in {@code .json},
   * else into the folder {@code target} (created if needed). Returns the file written.
   */
  public Path save(Path target) {
    Path file = TokenizerJson.fileForWriting(target);
    TokenizerJson.writeAtomically(file, TokenizerJson.toBytes(document));
    return file;
  }

  @Override
  public void close() {
    codec.close();
  }

  private OptionalLong specialOrEndOfText(String name) {
    Integer id = addedTokenIds.get(name);
    if (id == null) {
      id = addedTokenIds.get(SpecialTokens.GPT2_END_OF_TEXT);
    }
    return id == null ? OptionalLong.empty() : OptionalLong.of(id);
  }

  private static TokenCodec huggingFaceCodec(
      TokenizerJson.Parsed parsed, Function<byte[], TokenCodec> openNative) {
    try {
      return openNative.apply(TokenizerJson.toBytes(parsed.root()));
    } catch (LinkageError e) {
      throw new IllegalStateException(
          "Hugging Face native tokenizer library could not load: " + e, e);
    } catch (RuntimeException e) {
      throw new TokenizerFormatException(
          parsed.source() + ": the Hugging Face tokenizer rejected it: " + e.getMessage(), e);
    }
  }

  private static TokenCodec pureJavaCodec(TokenizerJson.Parsed parsed, Throwable nativeFailure) {
    String unsupported = parsed.javaCodecUnsupportedReason();
    if (unsupported != null) {
      String prefix =
          nativeFailure == null
              ? ""
              : "the Hugging Face tokenizer failed (" + nativeFailure + ") and ";
      throw new TokenizerFormatException(
          parsed.source()
              + ": "
              + prefix
              + "the pure-Java codec cannot reproduce it because "
              + unsupported,
          nativeFailure);
    }
    boolean ignoreMerges = parsed.root().path("model").path("ignore_merges").asBoolean(false);
    return new ByteLevelBpeCodec(parsed.model(), ignoreMerges);
  }
}
