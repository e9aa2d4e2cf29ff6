package dev.elmrlaif.algorithms.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.optim.AdamW;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Full-state checkpoints of one training sub-stage, in one folder:
 *
 * <pre>
 *   step-00000040/model/        weights, config.json, elm.json, tokenizer.json (ElmCheckpoint)
 *   step-00000040/optimizer.safetensors   AdamW moments and step count (hence schedule position)
 *   step-00000040/state.json    step, data cursor, seeds, batch and dataset size (TrainerState)
 *   latest.json                 the name of the newest complete step folder
 * </pre>
 *
 * Each is written through {@link CheckpointFolders}, so a process killed at any moment leaves
 * {@code latest.json} naming a complete checkpoint (or none: start from scratch), and only the
 * newest {@link #KEEP} step folders are kept.
 */
public final class TrainingCheckpoints {
  /** The pointer file naming the newest complete checkpoint. */
  public static final String LATEST = CheckpointFolders.LATEST;

  /** Step folders kept; older ones are deleted after a new one is complete. */
  public static final int KEEP = CheckpointFolders.KEEP;

  static final String MODEL = "model";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "state.json";

  private TrainingCheckpoints() {}

  /** A complete checkpoint on disk. */
  public record Saved(Path folder, TrainerState state) {
    public Path model() {
      return folder.resolve(MODEL);
    }

    public Path optimizer() {
      return folder.resolve(OPTIMIZER);
    }

    /** Loads the model of this checkpoint; every parameter trains until frozen. */
    public Elm loadModel(Device device) {
      return ElmCheckpoint.load(model(), device, DataType.FLOAT32);
    }
  }

  /** Writes a checkpoint of {@code elm}, {@code optimizer} and {@code state} into {@code dir}. */
  public static Saved save(
      Path dir, Elm elm, AdamW optimizer, TrainerState state, Path tokenizerJson) {
    Path folder =
        CheckpointFolders.save(
            dir,
            state.step(),
            "the checkpoint",
            temporary -> {
              ElmCheckpoint.save(elm, temporary.resolve(MODEL), tokenizerJson);
              optimizer.save(temporary.resolve(OPTIMIZER));
              AtomicFiles.write(
                  temporary.resolve(STATE), CheckpointFolders.JSON.writeValueAsBytes(state));
            });
    return new Saved(folder, state);
  }

  /** The newest complete checkpoint in {@code dir}, if any. */
  public static Optional<Saved> latest(Path dir) {
    return CheckpointFolders.latest(dir, STATE, "a complete checkpoint folder", "this sub-stage")
        .map(
            folder ->
                new Saved(
                    folder,
                    CheckpointFolders.readJson(
                        folder.resolve(STATE), TrainerState.class, "a training checkpoint")));
  }
}
