package dev.elmrlaif.policy.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Pure-Java byte-level BPE encoder and decoder for a {@link BpeModel}: the trainer's own encoder,
 * and the fallback engine of {@link ElmTokenizer} where the native Hugging Face library cannot
 * load. It follows Hugging Face {@code tokenizers} step by step, so both engines give the same ids:
 *
 * <ol>
 *   <li>added tokens are cut out of the raw text first (leftmost-longest, {@link
 *       AddedTokenMatcher});
 *   <li>each remaining stretch is split by {@link Gpt2PreTokenizer};
 *   <li>each piece becomes its UTF-8 byte symbols, and the adjacent pair with the lowest merge rank
 *       is merged (all its occurrences, left to right) until no ranked pair is left (GPT-2's {@code
 *       bpe()}).
 * </ol>
 *
 * Decoding maps each token's characters back to bytes (a token with a character outside the byte
 * alphabet, such as an added token with non-Latin-1 text, contributes its UTF-8 bytes) and decodes
 * the concatenation as UTF-8, replacing invalid sequences with U+FFFD. Safe for concurrent use.
 */
public final class ByteLevelBpeCodec implements TokenCodec {

  /** Pieces whose merges are remembered; beyond this the cache stops growing. */
  private static final int CACHE_CAPACITY = 100_000;

  private final Map<String, Integer> vocab;
  private final String[] tokenById;
  private final boolean[] specialById;
  private final int[] symbolOfByte = new int[ByteLevelAlphabet.SIZE];

  /** Pair (left id, right id) to (rank << 32 | merged id). */
  private final Map<Long, Long> mergeByPair = new HashMap<>();

  private final AddedTokenMatcher addedTokens;
  private final boolean ignoreMerges;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  /**
   * A codec for {@code model}; its vocabulary must hold all 256 byte symbols and every merge's
   * parts and result.
   */
  public ByteLevelBpeCodec(BpeModel model) {
    this(model, false);
  }

  /**
   * @param ignoreMerges Hugging Face's {@code ignore_merges}: a piece that is itself in the
   *     vocabulary becomes that one token without applying merges
   */
  ByteLevelBpeCodec(BpeModel model, boolean ignoreMerges) {
    this.vocab = model.vocab();
    this.ignoreMerges = ignoreMerges;
    int size = model.size();
    this.tokenById = new String[size];
    this.specialById = new boolean[size];
    model.vocab().forEach((token, id) -> tokenById[id] = token);
    for (BpeModel.AddedToken token : model.addedTokens()) {
      tokenById[token.id()] = token.content();
      specialById[token.id()] = token.special();
    }
    for (int b = 0; b < ByteLevelAlphabet.SIZE; b++) {
      Integer id = vocab.get(String.valueOf(ByteLevelAlphabet.charOf(b)));
      if (id == null) {
        throw new IllegalArgumentException(
            "vocab: lacks the symbol '"
                + ByteLevelAlphabet.charOf(b)
                + "' for byte "
                + b
                + ", expected all 256 byte symbols");
      }
      symbolOfByte[b] = id;
    }
    for (int rank = 0; rank < model.merges().size(); rank++) {
      BpeModel.Merge merge = model.merges().get(rank);
      Integer left = vocab.get(merge.left());
      Integer right = vocab.get(merge.right());
      Integer merged = vocab.get(merge.left() + merge.right());
      if (left == null || right == null || merged == null) {
        throw new IllegalArgumentException(
            "merges["
                + rank
                + "]: ("
                + merge.left()
                + ", "
                + merge.right()
                + ") has a part or result outside the vocabulary, expected all three in vocab");
      }
      // The first rule for a pair wins, as in Hugging Face's BPE.
      mergeByPair.putIfAbsent(pairKey(left, right), ((long) rank << 32) | merged);
    }
    this.addedTokens = new AddedTokenMatcher(model.addedTokens());
  }

  @Override
  public long[] encode(String text) {
    IdBuffer out = new IdBuffer();
    addedTokens.split(
        text,
        new AddedTokenMatcher.Sink() {
          @Override
          public void plain(String source, int start, int end) {
            Gpt2PreTokenizer.forEachPiece(
                source.subSequence(start, end), piece -> out.addAll(encodePiece(piece)));
          }

          @Override
          public void addedToken(int id) {
            out.add(id);
          }
        });
    return out.toArray();
  }

  /**
   * Ids of each text, in order, the texts encoded on the common fork-join pool: this codec is safe
   * for concurrent use and a text's ids do not depend on the cache, so the result is {@link
   * #encode}'s for each text. (The pretraining corpus, about 100,000 texts, took 15 s on one
   * thread.)
   */
  @Override
  public long[][] encodeAll(List<String> texts) {
    long[][] ids = new long[texts.size()][];
    IntStream.range(0, ids.length).parallel().forEach(i -> ids[i] = encode(texts.get(i)));
    return ids;
  }

  /** BPE on one pre-tokenized piece, cached. */
  private int[] encodePiece(String piece) {
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    int[] ids = mergePiece(piece);
    if (cache.size() < CACHE_CAPACITY) {
      cache.put(piece, ids);
    }
    return ids;
  }

  private int[] mergePiece(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    if (ignoreMerges) {
      Integer whole = vocab.get(ByteLevelAlphabet.encode(piece));
      if (whole != null) {
        return new int[] {whole};
      }
    }
    int[] symbols = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      symbols[i] = symbolOfByte[bytes[i] & 0xFF];
    }
    int length = symbols.length;
    while (length > 1) {
      long best = Long.MAX_VALUE;
      int bestAt = -1;
      for (int i = 0; i + 1 < length; i++) {
        Long merge = mergeByPair.get(pairKey(symbols[i], symbols[i + 1]));
        if (merge != null && merge < best) {
          best = merge;
          bestAt = i;
        }
      }
      if (bestAt < 0) {
        break;
      }
      int left = symbols[bestAt];
      int right = symbols[bestAt + 1];
      int merged = (int) best;
      int write = 0;
      for (int read = 0; read < length; ) {
        if (read + 1 < length && symbols[read] == left && symbols[read + 1] == right) {
          symbols[write++] = merged;
          read += 2;
        } else {
          symbols[write++] = symbols[read++];
        }
      }
      length = write;
    }
    return Arrays.copyOf(symbols, length);
  }

  @Override
  public String decode(long[] ids, boolean skipSpecialTokens) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
    for (long id : ids) {
      String token = tokenById[(int) id];
      if (token == null || (skipSpecialTokens && specialById[(int) id])) {
        continue;
      }
      appendTokenBytes(token, bytes);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void appendTokenBytes(String token, ByteArrayOutputStream out) {
    byte[] mapped = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      int b = ByteLevelAlphabet.byteOf(token.charAt(i));
      if (b < 0) {
        out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
        return;
      }
      mapped[i] = (byte) b;
    }
    out.writeBytes(mapped);
  }

  @Override
  public void close() {
    cache.clear();
  }

  private static long pairKey(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  /** Growable array of ids. */
  private static final class IdBuffer {
    private long[] ids = new long[16];
    private int size;

    void add(long id) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }

    void addAll(int[] more) {
      if (size + more.length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
      }
      for (int id : more) {
        ids[size++] = id;
      }
    }

    long[] toArray() {
      return Arrays.copyOf(ids, size);
    }
  }
}
