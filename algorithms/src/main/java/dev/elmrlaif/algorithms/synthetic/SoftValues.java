package dev.elmrlaif.algorithms.synthetic;

import com.google.common.collect.ImmutableMap;
import java.util.List;

/**
 * The optimal soft values of a {@link SyntheticCoMdp} at every non-terminal prefix (H5-H7): {@code
 * Q*(s, a)} for each token and {@code V*(s) = β log Σ_a π_ref(a|s) exp(Q*(s,a)/β)}. {@code V*} of
 * the empty prefix is {@code β log Z}, the optimal objective.
 */
public record SoftValues(
    ImmutableMap<List<Integer>, Double> v, ImmutableMap<List<Integer>, double[]> q) {

  /** {@code V*(s)}. */
  public double v(List<Integer> prefix) {
    Double value = v.get(prefix);
    if (value == null) {
      throw new IllegalArgumentException(
          "no soft value for prefix \""
              + TokenMdp.format(prefix)
              + "\": not a non-terminal prefix");
    }
    return value;
  }

  /** A copy of {@code Q*(s, ·)}. */
  public double[] q(List<Integer> prefix) {
    double[] values = q.get(prefix);
    if (values == null) {
      throw new IllegalArgumentException(
          "no soft Q-values for prefix \""
              + TokenMdp.format(prefix)
              + "\": not a non-terminal prefix");
    }
    return values.clone();
  }
}
