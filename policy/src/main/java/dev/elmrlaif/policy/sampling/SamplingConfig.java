package dev.elmrlaif.policy.sampling;

/**
 * How to pick each next token. {@code greedy} takes the most likely token; otherwise the token is
 * drawn from {@code softmax(logits / temperature)} restricted to the {@code topK} most likely
 * tokens (0 = all) and then to the smallest prefix of them whose probability reaches {@code topP}
 * (1 = all), renormalised.
 *
 * @param maxNewTokens generation stops after this many tokens per row (or at the end token)
 * @param greedy take the argmax instead of sampling
 * @param temperature divides the logits before sampling; &gt; 0
 * @param topK keep the k most likely tokens; 0 keeps all
 * @param topP keep the most likely tokens whose cumulative probability first reaches p; in (0, 1]
 */
public record SamplingConfig(
    int maxNewTokens, boolean greedy, double temperature, int topK, double topP) {
  public SamplingConfig {
    if (maxNewTokens <= 0) {
      throw new IllegalArgumentException(
          "SamplingConfig.maxNewTokens: found " + maxNewTokens + ", expected an integer > 0");
    }
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      throw new IllegalArgumentException(
          "SamplingConfig.temperature: found " + temperature + ", expected a finite value > 0");
    }
    if (topK < 0) {
      throw new IllegalArgumentException(
          "SamplingConfig.topK: found " + topK + ", expected 0 (off) or > 0");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException(
          "SamplingConfig.topP: found " + topP + ", expected a value in (0, 1]");
    }
  }

  /** Argmax decoding. */
  public static SamplingConfig greedy(int maxNewTokens) {
    return new SamplingConfig(maxNewTokens, true, 1.0, 0, 1.0);
  }

  /** Ancestral sampling from the untempered, untruncated policy. */
  public static SamplingConfig ancestral(int maxNewTokens) {
    return new SamplingConfig(maxNewTokens, false, 1.0, 0, 1.0);
  }

  public SamplingConfig withTemperature(double value) {
    return new SamplingConfig(maxNewTokens, greedy, value, topK, topP);
  }

  public SamplingConfig withTopK(int value) {
    return new SamplingConfig(maxNewTokens, greedy, temperature, value, topP);
  }

  public SamplingConfig withTopP(double value) {
    return new SamplingConfig(maxNewTokens, greedy, temperature, topK, value);
  }
}
