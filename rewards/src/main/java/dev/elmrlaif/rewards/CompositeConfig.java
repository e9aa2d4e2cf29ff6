package dev.elmrlaif.rewards;

/**
 * How {@link CompositeReward} combines its terms.
 *
 * @param normalization {@link Normalization#NONE}, {@link Normalization#SUM_THEN_NORMALIZE} or
 *     {@link Normalization#NORMALIZE_THEN_SUM}
 * @param epsilon added to the running variance before the square root: {@code (x − μ) / sqrt(σ² +
 *     ε)}
 * @param warmupSamples until the running statistics have seen this many values (the current batch
 *     included), values pass through unnormalised; 0 normalises from the first batch
 * @param clipMin lower bound of the total (use {@code Double.NEGATIVE_INFINITY} for none)
 * @param clipMax upper bound of the total (use {@code Double.POSITIVE_INFINITY} for none)
 */
public record CompositeConfig(
    Normalization normalization,
    double epsilon,
    long warmupSamples,
    double clipMin,
    double clipMax) {

  /** Where the running normalisation sits relative to the weighted sum. */
  public enum Normalization {
    NONE,
    SUM_THEN_NORMALIZE,
    NORMALIZE_THEN_SUM
  }

  public CompositeConfig {
    if (normalization == null) {
      throw new InvalidRewardInputException(
          "CompositeConfig.normalization is missing, expected NONE, "
              + "SUM_THEN_NORMALIZE or NORMALIZE_THEN_SUM");
    }
    if (!(epsilon > 0.0) || !Double.isFinite(epsilon)) {
      throw new InvalidRewardInputException(
          "CompositeConfig.epsilon must be a positive number, found " + epsilon);
    }
    if (warmupSamples < 0) {
      throw new InvalidRewardInputException(
          "CompositeConfig.warmupSamples must be >= 0, found " + warmupSamples);
    }
    if (Double.isNaN(clipMin) || Double.isNaN(clipMax) || clipMin > clipMax) {
      throw new InvalidRewardInputException(
          "CompositeConfig clip bounds must satisfy clipMin <= clipMax, found ["
              + clipMin
              + ", "
              + clipMax
              + "]");
    }
  }

  /** A plain weighted sum: no normalisation, no clipping. */
  public static CompositeConfig weightedSum() {
    return new CompositeConfig(
        Normalization.NONE, 1e-8, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** The given normalisation with ε = 1e-8, a warm-up of 64 values and no clipping. */
  public static CompositeConfig normalized(Normalization normalization) {
    return new CompositeConfig(
        normalization, 1e-8, 64, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }
}
