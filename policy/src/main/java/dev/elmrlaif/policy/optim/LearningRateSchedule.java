package dev.elmrlaif.policy.optim;

/**
 * The learning rate as a function of the optimizer step: a linear warmup from {@code peak /
 * warmupSteps} to {@code peak}, then a decay to {@code peak * minLearningRateRatio} at {@code
 * totalSteps}, held there afterwards. Steps count from 0 (the first update).
 *
 * <pre>
 *   step &lt; W:       lr = peak * (step + 1) / W
 *   progress p:      p = (step - W) / (T - W), clamped to [0, 1]
 *   CONSTANT:        lr = peak
 *   LINEAR:          lr = min + (peak - min) * (1 - p)
 *   COSINE:          lr = min + (peak - min) * (1 + cos(pi * p)) / 2
 * </pre>
 *
 * The warmup reaches the peak on its last step (step {@code W - 1}), so no update is wasted at a
 * learning rate of zero. The decay reaches the floor exactly at step {@code T}.
 *
 * @param decay the shape after warmup
 * @param peakLearningRate the learning rate at the end of warmup
 * @param warmupSteps number of warmup steps {@code W}, 0 for none
 * @param totalSteps step {@code T} at which the decay reaches the floor; ignored by CONSTANT
 * @param minLearningRateRatio the floor as a fraction of the peak, in [0, 1]
 */
public record LearningRateSchedule(
    Decay decay,
    double peakLearningRate,
    long warmupSteps,
    long totalSteps,
    double minLearningRateRatio) {

  /** What the learning rate does after warmup. */
  public enum Decay {
    /** Stay at the peak. */
    CONSTANT,
    /** Fall linearly to the floor at {@code totalSteps}. */
    LINEAR,
    /** Follow half a cosine down to the floor at {@code totalSteps}. */
    COSINE
  }

  public LearningRateSchedule {
    if (decay == null) {
      throw new IllegalArgumentException(
          "decay must be one of CONSTANT, LINEAR, COSINE, found null");
    }
    if (!(peakLearningRate > 0) || !Double.isFinite(peakLearningRate)) {
      throw new IllegalArgumentException(
          "peakLearningRate must be a finite number > 0, found " + peakLearningRate);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, found " + warmupSteps);
    }
    if (decay != Decay.CONSTANT && totalSteps <= warmupSteps) {
      throw new IllegalArgumentException(
          "totalSteps must be > warmupSteps ("
              + warmupSteps
              + ") for a "
              + decay
              + " decay, found "
              + totalSteps);
    }
    if (!(minLearningRateRatio >= 0 && minLearningRateRatio <= 1)) {
      throw new IllegalArgumentException(
          "minLearningRateRatio must be in [0, 1], found " + minLearningRateRatio);
    }
  }

  /** A fixed learning rate with no warmup. */
  public static LearningRateSchedule constant(double learningRate) {
    return new LearningRateSchedule(Decay.CONSTANT, learningRate, 0, 0, 1);
  }

  /** Linear warmup, then cosine decay to {@code peak * minRatio} at {@code totalSteps}. */
  public static LearningRateSchedule warmupCosine(
      double peak, long warmupSteps, long totalSteps, double minRatio) {
    return new LearningRateSchedule(Decay.COSINE, peak, warmupSteps, totalSteps, minRatio);
  }

  /** Linear warmup, then linear decay to {@code peak * minRatio} at {@code totalSteps}. */
  public static LearningRateSchedule warmupLinear(
      double peak, long warmupSteps, long totalSteps, double minRatio) {
    return new LearningRateSchedule(Decay.LINEAR, peak, warmupSteps, totalSteps, minRatio);
  }

  /** The learning rate for update number {@code step} (0 for the first update). */
  public double learningRate(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, found " + step);
    }
    if (step < warmupSteps) {
      return peakLearningRate * (step + 1) / warmupSteps;
    }
    if (decay == Decay.CONSTANT) {
      return peakLearningRate;
    }
    double floor = peakLearningRate * minLearningRateRatio;
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    return switch (decay) {
      case CONSTANT -> peakLearningRate;
      case LINEAR -> floor + (peakLearningRate - floor) * (1 - progress);
      case COSINE -> floor + (peakLearningRate - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    };
  }
}
