package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One KL-regularised RL algorithm (REINFORCE, soft actor-critic, soft-Q + distillation) as the
 * {@code rl} stage drives it: the stage owns the policy {@code π_θ}, the frozen reference {@code
 * π_ref}, the contexts and the checkpoints; the trainer owns everything else it learns or remembers
 * (optimizer moments, the β/α controller, baselines, critics, target networks, its random
 * generator, its replay buffer).
 *
 * <p>Resume contract: the stage saves the policy's weights and calls {@link #saveState} into an
 * empty folder; after a kill it rebuilds the policy from those weights, constructs a fresh trainer
 * with the same config around it and calls {@link #loadState}; the following steps are then the
 * steps the uninterrupted run would have taken (bit-exact with one intra-op thread).
 */
public interface RlTrainer extends AutoCloseable {

  /** Which algorithm this is. */
  RlAlgorithm algorithm();

  /**
   * One step on {@code contexts}: generate completions with the current policy (off-policy trainers
   * add them to their replay buffer), then update. The metrics always hold {@code reward_mean},
   * {@code kl_k1}, {@code kl_k2}, {@code kl_k3}, {@code kl_exact} (per-sequence sums, under the
   * generating policy), {@code entropy} (summed per-token), {@code length_mean}, {@code grad_norm}
   * (the policy's), {@code beta} (β or α in use), {@code time_generate_s}, {@code time_reward_s}
   * and {@code time_update_s}; trainers add their own (critic losses, buffer size, ...).
   */
  RlStep step(List<ElmPrompt> contexts);

  /** Steps completed so far (restored by {@link #loadState}). */
  long completedSteps();

  /**
   * Writes everything needed to continue exactly, except the policy's and reference's weights, into
   * {@code folder} (which exists and is empty), in the one layout of {@link TrainerStateFolder}
   * ({@code trainer_state.json} and the trainer's tensors and buffer under its shared names). The
   * caller makes the folder's appearance atomic.
   */
  void saveState(Path folder) throws IOException;

  /**
   * Restores what {@link #saveState} wrote (or an older version's layout, {@link
   * TrainerStateFolder}); the policy's weights were already restored. A damaged or foreign state
   * file is a {@link dev.elmrlaif.domain.base.UserInputException} naming the file and key.
   */
  void loadState(Path folder) throws IOException;

  /**
   * The checks every trainer's constructor makes: nothing missing, and a reference over the
   * policy's vocabulary (the KL terms compare the two distributions token by token).
   *
   * @param trainer the trainer's class name, for the message
   */
  static void requireInputs(
      String trainer, Elm policy, Elm reference, CompletionReward reward, Object config) {
    if (policy == null || reference == null || reward == null || config == null) {
      throw new IllegalArgumentException(
          trainer
              + ": policy, reference, reward and config must be set;"
              + " found policy="
              + policy
              + " reference="
              + reference
              + " reward="
              + reward
              + " config="
              + config);
    }
    if (policy.config().lm().vocabSize() != reference.config().lm().vocabSize()) {
      throw new IllegalArgumentException(
          trainer
              + ": the policy's vocabulary has "
              + policy.config().lm().vocabSize()
              + " tokens and the reference's "
              + reference.config().lm().vocabSize()
              + ", expected the same vocabulary");
    }
  }

  /** Frees what the trainer allocated (not the policy or the reference, which the caller owns). */
  @Override
  void close();
}
