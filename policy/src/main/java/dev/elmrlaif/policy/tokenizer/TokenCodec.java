package dev.elmrlaif.policy.tokenizer;

import java.util.List;

/**
 * The engine behind an {@link ElmTokenizer}: turns text into ids and back. Two implementations give
 * the same ids: Hugging Face's native library through DJL ({@link HuggingFaceCodec}) and the
 * pure-Java {@link ByteLevelBpeCodec}.
 */
interface TokenCodec extends AutoCloseable {

  /** Ids of {@code text}; added tokens match verbatim, nothing is added implicitly. */
  long[] encode(String text);

  /** Ids of each text, in order. */
  default long[][] encodeAll(List<String> texts) {
    long[][] ids = new long[texts.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = encode(texts.get(i));
    }
    return ids;
  }

  /** Text of {@code ids}; all ids are known to be in range. */
  String decode(long[] ids, boolean skipSpecialTokens);

  @Override
  void close();
}
