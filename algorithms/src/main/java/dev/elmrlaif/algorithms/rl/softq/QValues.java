package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;

/**
 * {@code Q(s_t, ·)} at every state of a batch of continuations, the one thing {@link SoftQTrainer}
 * asks of a Q function when it turns Q into {@code π*} (H7): the learned critic in training, the
 * exact {@code Q*} of the synthetic CoMDP in the tests.
 */
@FunctionalInterface
public interface QValues {
  /**
   * {@code [B, C, V]}, C the longest continuation: row {@code b}, position {@code t <
   * continuations.get(b).length} holds {@code Q(s_t, ·)} with {@code s_t = prompt_b +
   * continuation_b[0..t)}; padding positions hold arbitrary finite values. Arrays are created in
   * {@code scope} (or its children).
   */
  NDArray q(NDManager scope, List<ElmPrompt> prompts, List<int[]> continuations);
}
