package dev.elmrlaif.domain.config;

/**
 * Which text encoder {@code E_txt} ({@code data.text_encoder}) builds the semantic embeddings and
 * scores semantic and behavioral consistency (DESIGN.md §5). One encoder does all three, so the
 * figures of a run are comparable with each other and, with a pretrained encoder, with other runs.
 */
public enum TextEncoderKind {
  /** all-MiniLM-L6-v2 (384-d, float32), in-process from its Maven Central jar: the default. */
  MINILM,
  /**
   * The same model with 8-bit quantized weights: about twice as fast, slightly different vectors.
   */
  MINILM_Q,
  /**
   * TF-IDF + truncated SVD fitted on the training texts ({@code data.semantic_dimension}): for tiny
   * tests.
   */
  TFIDF,
  /** A TorchScript sentence-embedding model in the folder {@code data.sentence_model} (DJL). */
  MODEL_FOLDER
}
