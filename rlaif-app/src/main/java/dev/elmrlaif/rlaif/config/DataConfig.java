package dev.elmrlaif.rlaif.config;

import dev.elmrlaif.rlaif.UserInputException;

/**
 * Where the domain data lives, how it is split, and how it is prepared: behavioral embeddings (WALS),
 * semantic embeddings (text encoder), concepts, teacher and tasks; or, with {@code domain: files},
 * the user's own entity, vector, interaction, concept and task files ({@link FilesDomainConfig}). The data root is resolved in this
 * order: this key, the {@code RLAIF_DATA} environment variable, the cache folder.
 */
public record DataConfig(
    @Doc("Domain to load: movielens, or files (your own embeddings and texts; see the files section)")
        String domain,
    @Doc("MovieLens variant under <root>/movielens/: ml-latest-small or ml-25m") String dataset,
    @Doc("Data root holding movielens/ and derived/; empty means $RLAIF_DATA, then the cache folder")
        String root,
    @Doc("Cache folder for downloads and prepared data") String cacheDir,
    @Doc("Fraction of movies held out from every fitted component") @Range(min = 0, max = 0.9)
        double heldOutMovies,
    @Doc("Fraction of users held out from every fitted component") @Range(min = 0, max = 0.9)
        double heldOutUsers,
    @Doc("Overview file (movieId, overview, tagline, keywords); empty means <root>/derived/<dataset>_overviews.csv "
        + "when present, 'none' disables it") String overviews,
    @Doc("Download the dataset into cache_dir on first use when no data root holds it (needs internet)")
        boolean autoDownload,
    @Doc("Text encoder for semantic embeddings, SC and BC: minilm (all-MiniLM-L6-v2, 384-d, in-process), minilm_q "
        + "(its quantized twin, faster), tfidf (TF-IDF + SVD fitted on the training texts; for tiny tests), "
        + "model_folder (the model in data.sentence_model)") TextEncoderKind textEncoder,
    @Doc("Dimension of the TF-IDF + SVD encoder (text_encoder: tfidf); pretrained encoders have their own")
        @Range(min = 2, max = 1024) int semanticDimension,
    @Doc("Local folder of a sentence-embedding model (model.pt + tokenizer.json), read when text_encoder is "
        + "model_folder") String sentenceModel,
    @Doc("Behavioral embeddings by weighted alternating least squares") WalsConfig wals,
    @Doc("Concept activation vectors from tags and genres") ConceptsConfig concepts,
    @Doc("Who writes the task targets") TeacherConfig teacher,
    @Doc("Which tasks become examples, and how many") TasksConfig tasks,
    @Doc("The files of a 'bring your own embeddings' domain (data.domain: files)") FilesDomainConfig files) {

  /** The domains {@code data.domain} may name. */
  public static final java.util.List<String> DOMAINS = java.util.List.of("movielens", "files");

  public DataConfig {
    if (!DOMAINS.contains(domain)) {
      throw new UserInputException("data.domain: found '" + domain + "', expected one of " + DOMAINS);
    }
    files = files == null ? FilesDomainConfig.defaults() : files;
    if (!(heldOutMovies >= 0 && heldOutMovies <= 0.9)) {
      throw new UserInputException("data.held_out_movies: found " + heldOutMovies + ", expected a value in [0, 0.9]");
    }
    if (!(heldOutUsers >= 0 && heldOutUsers <= 0.9)) {
      throw new UserInputException("data.held_out_users: found " + heldOutUsers + ", expected a value in [0, 0.9]");
    }
    if (textEncoder == null) {
      throw new UserInputException("data.text_encoder: found nothing, expected one of minilm, minilm_q, tfidf, "
          + "model_folder");
    }
    if (textEncoder == TextEncoderKind.MODEL_FOLDER && (sentenceModel == null || sentenceModel.isBlank())) {
      throw new UserInputException("data.sentence_model: empty, but data.text_encoder is model_folder; expected the "
          + "folder holding model.pt and tokenizer.json");
    }
    if (textEncoder != TextEncoderKind.MODEL_FOLDER && sentenceModel != null && !sentenceModel.isBlank()) {
      throw new UserInputException("data.sentence_model: set to '" + sentenceModel + "', but data.text_encoder is "
          + textEncoder.name().toLowerCase(java.util.Locale.ROOT) + "; expected text_encoder: model_folder to use "
          + "that model (or sentence_model left empty)");
    }
    if (semanticDimension < 2) {
      throw new UserInputException("data.semantic_dimension: found " + semanticDimension + ", expected at least 2");
    }
  }

  /** The defaults every config starts from. */
  public static DataConfig defaults() {
    return new DataConfig("movielens", "ml-latest-small", "", "cache", 0.1, 0.1, "", true, TextEncoderKind.MINILM,
        64, "",
        WalsConfig.defaults(), ConceptsConfig.defaults(), TeacherConfig.defaults(), TasksConfig.defaults(),
        FilesDomainConfig.defaults());
  }
}
