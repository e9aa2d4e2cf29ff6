package dev.elmrlaif.critics;

import ai.djl.ndarray.NDArray;
import dev.elmrlaif.policy.model.Elm;

/**
 * A trunk's final hidden states at every state {@code s_t = prompt_b + y_b[0..t)} of a right-padded
 * batch (see {@link Critic} for the position convention), computed once by {@link
 * Critic#trunkStates} and read by every critic on that trunk: a Q critic, a V critic and its target
 * on the shared frozen reference need one forward pass, not three. {@code trunk.logits(hidden)}
 * gives the trunk's own next-token logits at the same states.
 *
 * @param trunk the model that computed them
 * @param hidden {@code [B, C, d]}, C the longest continuation (padding rows hold some position's
 *     state)
 * @param mask {@code [B, C]}, 1 at real states and 0 at padding, in the trunk's data type
 * @param lengths real states (continuation tokens) per row
 */
public record TrunkStates(Elm trunk, NDArray hidden, NDArray mask, int[] lengths) {
  public TrunkStates {
    lengths = lengths.clone();
  }

  @Override
  public int[] lengths() {
    return lengths.clone();
  }
}
