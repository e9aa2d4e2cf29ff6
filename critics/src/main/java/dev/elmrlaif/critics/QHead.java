package dev.elmrlaif.critics;

/**
 * The form of a {@link QCritic}'s head, which maps the hidden state {@code h ∈ R^d} of a state to
 * {@code Q(s, ·) ∈ R^V}. A {@link VCritic} has one output and always a plain linear head.
 */
public enum QHead {
  /**
   * {@code Q(s, ·) = h·W + b} with {@code W [d, V]}: one weight vector per token, learned only from
   * the states where that token was taken.
   */
  FULL,
  /**
   * {@code Q(s, ·) = (h·A)·Eᵀ + b} with {@code A [d, d]} and {@code E [V, d]} the trunk's output
   * embedding (its LM head, frozen when the trunk is shared): the critic learns which direction of
   * the hidden state earns reward, and every token's value follows from its output embedding, so
   * what is learned from one token carries over to tokens the model places near it. {@code d·d + V}
   * parameters instead of {@code d·V + V}. With {@code W = A·Eᵀ} it is a {@link #FULL} head of rank
   * at most {@code d}. On a shared trunk whose logits are {@code h·Eᵀ}, the soft-optimal policy
   * {@code π ∝ π_ref·exp(Q/α) ∝ exp(h·(I + A/α)·Eᵀ + b/α)} is the reference with its final hidden
   * state moved linearly and a bias per token.
   */
  TIED
}
