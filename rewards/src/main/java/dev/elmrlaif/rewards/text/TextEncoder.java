package dev.elmrlaif.rewards.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The paper's text encoder {@code E_txt} (DESIGN.md §5): maps a text to a vector in the semantic
 * space, so a generated text can be compared with the embedding it was generated from (semantic
 * consistency) and with other entities' texts (behavioral consistency). Movies' semantic embeddings
 * are means of this encoder over their texts ({@link TextEncoders#meanEmbedding}).
 *
 * <p>Contract: implementations are deterministic (the same text always gives the same vector) and
 * safe to call from several threads. A text with no usable content (empty, or no word the encoder
 * knows) encodes to the zero vector; callers treat a zero vector as "no signal" (see the rewards'
 * Javadoc), never as an error.
 */
public interface TextEncoder {

  /** The length of every vector this encoder returns. */
  int dimension();

  /**
   * The vector of one text; never null, length {@link #dimension()}; all zeros when the text has no
   * content.
   */
  float[] encode(String text);

  /** The vectors of several texts, in order; row {@code i} equals {@code encode(texts.get(i))}. */
  default float[][] encode(List<String> texts) {
    float[][] rows = new float[texts.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = encode(texts.get(i));
    }
    return rows;
  }

  /**
   * A one-line description for provenance and logs: kind, dimension and the settings that change
   * outputs.
   */
  String description();

  /**
   * Writes this encoder to {@code file} atomically (a temporary file in the same folder, then
   * renamed), so that {@link TextEncoders#load(Path)} gives back an encoder with identical outputs.
   */
  void save(Path file) throws IOException;
}
