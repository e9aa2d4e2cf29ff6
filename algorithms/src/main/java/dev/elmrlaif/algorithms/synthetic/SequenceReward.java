package dev.elmrlaif.algorithms.synthetic;

import java.util.List;

/** The terminal reward {@code r(y)} of a complete token sequence of a {@link TokenMdp}. */
@FunctionalInterface
public interface SequenceReward {
  double reward(List<Integer> sequence);
}
