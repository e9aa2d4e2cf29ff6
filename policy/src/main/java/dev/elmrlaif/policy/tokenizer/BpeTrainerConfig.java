package dev.elmrlaif.policy.tokenizer;

/**
 * Settings of {@link BpeTrainer}.
 *
 * @param vocabSize total vocabulary size wanted, special tokens included; at least 256 byte symbols
 *     plus the special tokens
 * @param minPairFrequency a pair is merged only if it occurs at least this often (weighted by word
 *     frequency); training stops early, with a smaller vocabulary, when no pair does
 * @param specialTokens special tokens appended after the learned vocabulary
 */
public record BpeTrainerConfig(int vocabSize, int minPairFrequency, SpecialTokens specialTokens) {

  public BpeTrainerConfig {
    if (specialTokens == null) {
      throw new IllegalArgumentException(
          "specialTokens: found null, expected the special token names");
    }
    int minimum = ByteLevelAlphabet.SIZE + specialTokens.all().size();
    if (vocabSize < minimum) {
      throw new IllegalArgumentException(
          "vocabSize: found "
              + vocabSize
              + ", expected >= "
              + minimum
              + " (256 byte symbols + "
              + specialTokens.all().size()
              + " special tokens)");
    }
    if (minPairFrequency < 1) {
      throw new IllegalArgumentException(
          "minPairFrequency: found " + minPairFrequency + ", expected >= 1");
    }
  }

  /**
   * A builder starting from vocabulary size 4096, minimum pair frequency 2 and the default special
   * tokens.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BpeTrainerConfig}; validation happens in {@link #build()}. */
  public static final class Builder {
    private int vocabSize = 4096;
    private int minPairFrequency = 2;
    private SpecialTokens specialTokens = SpecialTokens.defaults();

    private Builder() {}

    public Builder vocabSize(int value) {
      this.vocabSize = value;
      return this;
    }

    public Builder minPairFrequency(int value) {
      this.minPairFrequency = value;
      return this;
    }

    public Builder specialTokens(SpecialTokens value) {
      this.specialTokens = value;
      return this;
    }

    public BpeTrainerConfig build() {
      return new BpeTrainerConfig(vocabSize, minPairFrequency, specialTokens);
    }
  }
}
