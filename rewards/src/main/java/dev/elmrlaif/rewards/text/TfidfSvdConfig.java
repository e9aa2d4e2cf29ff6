package dev.elmrlaif.rewards.text;

import dev.elmrlaif.rewards.InvalidRewardInputException;

/**
 * How a {@link TfidfSvdTextEncoder} is fitted: tokenisation, vocabulary pruning, TF-IDF weighting
 * and the truncated SVD (randomized range finder) that maps the TF-IDF space to {@code dimension}
 * dense dimensions.
 *
 * @param dimension output dimension k of the encoder (the number of singular vectors kept)
 * @param lowercase lower-case text before tokenising
 * @param removeStopWords drop {@link TextTokenizer#ENGLISH_STOP_WORDS}
 * @param minTokenLength drop tokens with fewer code points than this
 * @param minDocumentFrequency keep a term only if it occurs in at least this many training texts
 * @param maxDocumentFraction drop a term that occurs in more than this fraction of training texts
 *     (0, 1]
 * @param maxVocabulary keep at most this many terms, the most frequent over the corpus
 * @param sublinearTf term frequency {@code 1 + ln(tf)} instead of {@code tf}
 * @param smoothIdf {@code idf = ln((1 + n) / (1 + df)) + 1}; otherwise {@code ln(n / df) + 1}
 * @param oversampling extra random directions p in the range finder (sketch width k + p)
 * @param powerIterations subspace (power) iterations q of the range finder; more is more accurate
 * @param seed seed of the Gaussian test matrix; same texts and seed give identical vectors
 */
public record TfidfSvdConfig(
    int dimension,
    boolean lowercase,
    boolean removeStopWords,
    int minTokenLength,
    int minDocumentFrequency,
    double maxDocumentFraction,
    int maxVocabulary,
    boolean sublinearTf,
    boolean smoothIdf,
    int oversampling,
    int powerIterations,
    long seed) {

  public TfidfSvdConfig {
    requireAtLeast("dimension", dimension, 1);
    requireAtLeast("minTokenLength", minTokenLength, 1);
    requireAtLeast("minDocumentFrequency", minDocumentFrequency, 1);
    if (!(maxDocumentFraction > 0.0 && maxDocumentFraction <= 1.0)) {
      throw new InvalidRewardInputException(
          "TfidfSvdConfig.maxDocumentFraction must be in (0, 1], found " + maxDocumentFraction);
    }
    requireAtLeast("maxVocabulary", maxVocabulary, 1);
    requireAtLeast("oversampling", oversampling, 0);
    requireAtLeast("powerIterations", powerIterations, 0);
  }

  private static void requireAtLeast(String field, int value, int minimum) {
    if (value < minimum) {
      throw new InvalidRewardInputException(
          "TfidfSvdConfig." + field + " must be >= " + minimum + ", found " + value);
    }
  }

  /**
   * The defaults: k = 96, stop words removed, df >= 2, df <= 50 %, 30,000 terms, sublinear tf, q =
   * 4.
   */
  public static TfidfSvdConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The tokenizer these settings describe. */
  public TextTokenizer tokenizer() {
    return new TextTokenizer(lowercase, removeStopWords, minTokenLength);
  }

  /** Builder with the defaults of {@link #defaults()}. */
  public static final class Builder {
    private int dimension = 96;
    private boolean lowercase = true;
    private boolean removeStopWords = true;
    private int minTokenLength = 2;
    private int minDocumentFrequency = 2;
    private double maxDocumentFraction = 0.5;
    private int maxVocabulary = 30_000;
    private boolean sublinearTf = true;
    private boolean smoothIdf = true;
    private int oversampling = 16;
    private int powerIterations = 4;
    private long seed = 42L;

    public Builder dimension(int value) {
      this.dimension = value;
      return this;
    }

    public Builder lowercase(boolean value) {
      this.lowercase = value;
      return this;
    }

    public Builder removeStopWords(boolean value) {
      this.removeStopWords = value;
      return this;
    }

    public Builder minTokenLength(int value) {
      this.minTokenLength = value;
      return this;
    }

    public Builder minDocumentFrequency(int value) {
      this.minDocumentFrequency = value;
      return this;
    }

    public Builder maxDocumentFraction(double value) {
      this.maxDocumentFraction = value;
      return this;
    }

    public Builder maxVocabulary(int value) {
      this.maxVocabulary = value;
      return this;
    }

    public Builder sublinearTf(boolean value) {
      this.sublinearTf = value;
      return this;
    }

    public Builder smoothIdf(boolean value) {
      this.smoothIdf = value;
      return this;
    }

    public Builder oversampling(int value) {
      this.oversampling = value;
      return this;
    }

    public Builder powerIterations(int value) {
      this.powerIterations = value;
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public TfidfSvdConfig build() {
      return new TfidfSvdConfig(
          dimension,
          lowercase,
          removeStopWords,
          minTokenLength,
          minDocumentFrequency,
          maxDocumentFraction,
          maxVocabulary,
          sublinearTf,
          smoothIdf,
          oversampling,
          powerIterations,
          seed);
    }
  }
}
