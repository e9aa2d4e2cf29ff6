package dev.elmrlaif.policy.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * {@link TokenCodec} over DJL's {@link HuggingFaceTokenizer}, i.e. the Rust {@code tokenizers}
 * library loaded from the native binary inside the DJL jar (no download). DJL's defaults truncate
 * to 512 tokens and add special tokens; both are switched off here, so the ids are exactly the
 * file's tokenization.
 */
final class HuggingFaceCodec implements TokenCodec {

  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer tokenizer;

  /**
   * Loads the tokenizer from a {@code tokenizer.json} document; throws if the native library cannot
   * load.
   */
  HuggingFaceCodec(byte[] tokenizerJson) {
    try {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), OPTIONS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long[] encode(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  @Override
  public long[][] encodeAll(List<String> texts) {
    if (texts.isEmpty()) {
      return new long[0][];
    }
    Encoding[] encodings = tokenizer.batchEncode(texts, false, false);
    long[][] ids = new long[encodings.length][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = encodings[i].getIds();
    }
    return ids;
  }

  @Override
  public String decode(long[] ids, boolean skipSpecialTokens) {
    return tokenizer.decode(ids, skipSpecialTokens);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
