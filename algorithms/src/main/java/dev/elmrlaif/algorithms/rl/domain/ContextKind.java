package dev.elmrlaif.algorithms.rl.domain;

/** How a domain context's slot embeddings were made ({@link RlContextsConfig}). */
public enum ContextKind {
  /** A real training entity's embedding {@code e}. */
  REAL,
  /** {@code (1−a)·e1 + a·e2} of two training entities. */
  INTERPOLATION,
  /** {@code e + s·cav}: a training entity moved along a concept activation vector. */
  CONCEPT_SHIFT
}
