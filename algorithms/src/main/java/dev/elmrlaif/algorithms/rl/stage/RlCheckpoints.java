package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.rl.RlTrainer;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Full-state checkpoints of one RL training ({@code checkpoints/rl/<algorithm>/<kind>/}):
 *
 * <pre>
 *   step-00000040/policy/       the policy's weights (ElmCheckpoint)
 *   step-00000040/reference/    the frozen π_ref, when it is not a model on disk already (synthetic)
 *   step-00000040/trainer/      everything else the trainer learns or remembers (RlTrainer.saveState)
 *   step-00000040/environment/  what the environment remembers (RlEnvironment.saveState), e.g. the
 *                               running reward statistics
 *   step-00000040/stage.json    the step and the training-health monitor
 *   latest.json                 the name of the newest complete step folder
 * </pre>
 *
 * Each is written through {@link CheckpointFolders}, so a process killed at any moment leaves
 * {@code latest.json} naming a complete checkpoint (or none); the newest {@link #KEEP} are kept.
 */
public final class RlCheckpoints {
  /** The pointer file naming the newest complete checkpoint. */
  public static final String LATEST = CheckpointFolders.LATEST;

  /** Step folders kept. */
  public static final int KEEP = CheckpointFolders.KEEP;

  static final String POLICY = "policy";
  static final String REFERENCE = "reference";
  static final String TRAINER = "trainer";
  static final String ENVIRONMENT = "environment";
  static final String STAGE = "stage.json";

  private RlCheckpoints() {}

  /** What the stage itself remembers: the steps done and the health monitor. */
  public record StageState(long step, TrainingHealth.State health) {}

  /** A complete checkpoint on disk. */
  public record Saved(Path folder, StageState state) {
    public Path policy() {
      return folder.resolve(POLICY);
    }

    /** The saved reference folder, if this checkpoint has one. */
    public Optional<Path> reference() {
      Path reference = folder.resolve(REFERENCE);
      return Files.isDirectory(reference) ? Optional.of(reference) : Optional.empty();
    }

    public Path trainer() {
      return folder.resolve(TRAINER);
    }

    /** The environment's state folder (empty, or absent in checkpoints of older versions). */
    public Path environment() {
      return folder.resolve(ENVIRONMENT);
    }
  }

  /**
   * Writes a checkpoint into {@code dir}.
   *
   * @param reference the frozen reference to save too, or null when it is reloaded from elsewhere
   * @param tokenizerJson the tokenizer to keep beside the policy, or null
   */
  public static Saved save(
      Path dir,
      StageState state,
      Elm policy,
      Elm reference,
      RlTrainer trainer,
      RlEnvironment environment,
      Path tokenizerJson) {
    Path folder =
        CheckpointFolders.save(
            dir,
            state.step(),
            "the RL checkpoint",
            temporary -> {
              ElmCheckpoint.save(policy, temporary.resolve(POLICY), tokenizerJson);
              if (reference != null) {
                ElmCheckpoint.save(reference, temporary.resolve(REFERENCE), null);
              }
              Files.createDirectories(temporary.resolve(TRAINER));
              trainer.saveState(temporary.resolve(TRAINER));
              Files.createDirectories(temporary.resolve(ENVIRONMENT));
              environment.saveState(temporary.resolve(ENVIRONMENT));
              AtomicFiles.write(
                  temporary.resolve(STAGE), CheckpointFolders.JSON.writeValueAsBytes(state));
            });
    return new Saved(folder, state);
  }

  /** The newest complete checkpoint in {@code dir}, if any. */
  public static Optional<Saved> latest(Path dir) {
    return CheckpointFolders.latest(dir, STAGE, "a complete RL checkpoint", "this training")
        .map(
            folder ->
                new Saved(
                    folder,
                    CheckpointFolders.readJson(
                        folder.resolve(STAGE), StageState.class, "an RL checkpoint")));
  }
}
