package dev.elmrlaif.algorithms.rl;

/**
 * The scalars an {@link RlTrainer} keeps in a checkpoint's {@code trainer_state.json}: one record
 * per trainer (its step count, its generator's state and whatever else it remembers, e.g. a KL
 * controller), bound by Jackson with snake_case keys through {@link TrainerStateFolder}, so every
 * trainer's state file is read and checked the same way. Tensors (critics, optimizer moments) and
 * the replay buffer go beside it under the names of {@link TrainerStateFolder}.
 */
public interface TrainerState {
  /** The {@code format} value of every trainer's state file. */
  String FORMAT = "elm-rlaif/trainer-state-v1";

  /** {@link #FORMAT}, so a file from elsewhere is told apart from a trainer state. */
  String format();

  /** The algorithm's YAML name ({@code reinforce}, {@code sac}, {@code soft_q}) that wrote it. */
  String algorithm();

  /** Steps completed when the checkpoint was written. */
  long completedSteps();

  /** The state of the trainer's own {@code ResumableRandom} (the sampler's seeds). */
  long randomState();
}
