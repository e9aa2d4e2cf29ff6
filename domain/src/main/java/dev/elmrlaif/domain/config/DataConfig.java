package dev.elmrlaif.domain.config;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Where the domain data lives, how it is split, and how it is prepared: behavioral embeddings
 * (WALS), semantic embeddings (text encoder), concepts, teacher and tasks; or, with {@code domain:
 * files}, the user's own entity, vector, interaction, concept and task files ({@link
 * FilesDomainConfig}). The data root is resolved in this order: this key, the {@code RLAIF_DATA}
 * environment variable, the cache folder.
 */
@RecordBuilder
public record DataConfig(
    @Doc(
            "Domain to load: movielens, or files (your own embeddings and texts; see the files section)")
        @Default("movielens")
        String domain,
    @Doc("MovieLens variant under <root>/movielens/: ml-latest-small or ml-25m")
        @Default("ml-latest-small")
        String dataset,
    @Doc(
            "Data root holding movielens/ and derived/; empty means $RLAIF_DATA, then the cache folder")
        @Default("")
        String root,
    @Doc("Cache folder for downloads and prepared data") @Default("cache") String cacheDir,
    @Doc("Fraction of movies held out from every fitted component")
        @Range(min = 0, max = 0.9)
        @Default("0.1")
        double heldOutMovies,
    @Doc("Fraction of users held out from every fitted component")
        @Range(min = 0, max = 0.9)
        @Default("0.1")
        double heldOutUsers,
    @Doc(
            "Overview file (movieId, overview, tagline, keywords); empty means <root>/derived/<dataset>_overviews.csv "
                + "when present, 'none' disables it")
        @Default("")
        String overviews,
    @Doc(
            "Download the dataset into cache_dir on first use when no data root holds it (needs internet)")
        @Default("true")
        boolean autoDownload,
    @Doc(
            "Text encoder for semantic embeddings, SC and BC: minilm (all-MiniLM-L6-v2, 384-d, in-process), minilm_q "
                + "(its quantized twin, faster), tfidf (TF-IDF + SVD fitted on the training texts; for tiny tests), "
                + "model_folder (the model in data.sentence_model)")
        @Default("minilm")
        TextEncoderKind textEncoder,
    @Doc(
            "Dimension of the TF-IDF + SVD encoder (text_encoder: tfidf); pretrained encoders have their own")
        @Range(min = 2, max = 1024)
        @Default("64")
        int semanticDimension,
    @Doc(
            "Local folder of a sentence-embedding model (model.pt + tokenizer.json), read when text_encoder is "
                + "model_folder")
        @Default("")
        String sentenceModel,
    @Doc("Behavioral embeddings by weighted alternating least squares") WalsConfig wals,
    @Doc("Concept activation vectors from tags and genres") ConceptsConfig concepts,
    @Doc("Who writes the task targets") TeacherConfig teacher,
    @Doc("Which tasks become examples, and how many") TasksConfig tasks,
    @Doc("The files of a 'bring your own embeddings' domain (data.domain: files)")
        FilesDomainConfig files)
    implements DataConfigBuilder.With {

  /** The domains {@code data.domain} may name. */
  public static final java.util.List<String> DOMAINS = java.util.List.of("movielens", "files");

  public DataConfig {
    if (!DOMAINS.contains(domain)) {
      throw new ConfigException("domain", "found '" + domain + "', expected one of " + DOMAINS);
    }
    files = files == null ? FilesDomainConfig.defaults() : files;
    if (textEncoder == null) {
      throw new ConfigException(
          "text_encoder",
          "found nothing, expected one of minilm, minilm_q, tfidf, " + "model_folder");
    }
    if (textEncoder == TextEncoderKind.MODEL_FOLDER
        && (sentenceModel == null || sentenceModel.isBlank())) {
      throw new ConfigException(
          "sentence_model",
          "empty, but data.text_encoder is model_folder; expected the "
              + "folder holding model.pt and tokenizer.json");
    }
    if (textEncoder != TextEncoderKind.MODEL_FOLDER
        && sentenceModel != null
        && !sentenceModel.isBlank()) {
      throw new ConfigException(
          "sentence_model",
          "set to '"
              + sentenceModel
              + "', but data.text_encoder is "
              + textEncoder.name().toLowerCase(java.util.Locale.ROOT)
              + "; expected text_encoder: model_folder to use "
              + "that model (or sentence_model left empty)");
    }
  }

  /** The defaults every config starts from. */
  public static DataConfig defaults() {
    return ConfigKeys.defaults(DataConfig.class);
  }
}
