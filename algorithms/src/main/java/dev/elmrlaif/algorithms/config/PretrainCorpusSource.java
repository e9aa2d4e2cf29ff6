package dev.elmrlaif.algorithms.config;

/**
 * Which texts the {@code pretrain} stage packs and the {@code tokenizer} stage trains on ({@code
 * pretrain.corpus}; see {@code domain.data.PretrainCorpus}). Never a held-out entity's text.
 */
public enum PretrainCorpusSource {
  /** The teacher (target) texts of the training examples: the corpus pretraining always had. */
  EXAMPLES,
  /**
   * Those, plus every text of the domain about a training entity (MovieLens: overviews, taglines,
   * keywords, genres, training users' tags) and the texts about no entity (MovieLens: TMDB films
   * that are no MovieLens movie).
   */
  TRAINING_TEXTS
}
