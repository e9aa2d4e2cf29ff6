package dev.elmrlaif.critics;

import ai.djl.ndarray.NDArray;

/**
 * A critic's values for a right-padded batch of continuations: position {@code t} of row {@code b}
 * is the state {@code s_t = prompt_b + y_b[0..t)}, for {@code t < lengths[b]}; later positions are
 * padding, 0 in {@code values} and in {@code mask}.
 *
 * @param values {@code [B, C, V]} for a {@link QCritic} ({@code Q(s_t, a)} for every token {@code
 *     a}), {@code [B, C]} for a {@link VCritic} ({@code V(s_t)}); C the longest continuation
 * @param mask {@code [B, C]}, 1 at real states and 0 at padding, in the critic's data type
 * @param lengths real states (continuation tokens) per row
 */
public record CriticValues(NDArray values, NDArray mask, int[] lengths) {
  public CriticValues {
    lengths = lengths.clone();
  }

  @Override
  public int[] lengths() {
    return lengths.clone();
  }
}
