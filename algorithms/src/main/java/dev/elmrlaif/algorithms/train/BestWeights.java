package dev.elmrlaif.algorithms.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The weights with the lowest held-out loss so far of one training sub-stage ({@code
 * trainer.keep_best}), kept beside its full-state checkpoints so that a resumed run still ends with
 * them:
 *
 * <pre>
 *   best/step-00000400/model/     weights, config.json, elm.json, tokenizer.json (ElmCheckpoint)
 *   best/step-00000400/best.json  the step and its held-out loss
 *   best/latest.json              the name of the newest complete best folder
 * </pre>
 *
 * Written through {@link CheckpointFolders}, so a process killed while writing leaves the previous
 * best intact and named.
 */
public final class BestWeights {
  /** The sub-folder of a sub-stage's checkpoint folder that holds the best weights. */
  public static final String FOLDER = "best";

  static final String MODEL = "model";
  static final String RECORD = "best.json";

  private BestWeights() {}

  /**
   * The best weights on disk.
   *
   * @param folder the step folder holding them
   * @param step the optimisation step after which they were evaluated
   * @param heldOutLoss their held-out loss
   */
  public record Saved(Path folder, long step, double heldOutLoss) {
    /** Loads the best model; every parameter trains until frozen. */
    public Elm loadModel(Device device) {
      return ElmCheckpoint.load(folder.resolve(MODEL), device, DataType.FLOAT32);
    }
  }

  /** What best.json holds. */
  record Record(long step, double heldOutLoss) {}

  /** The best-weights folder of a sub-stage whose checkpoints live in {@code checkpointDir}. */
  public static Path dir(Path checkpointDir) {
    return checkpointDir.resolve(FOLDER);
  }

  /** Writes {@code elm} as the best weights, evaluated after {@code step} at {@code loss}. */
  static Saved save(Path checkpointDir, long step, double loss, Elm elm, Path tokenizerJson) {
    Path folder =
        CheckpointFolders.save(
            dir(checkpointDir),
            step,
            "the best weights",
            temporary -> {
              ElmCheckpoint.save(elm, temporary.resolve(MODEL), tokenizerJson);
              AtomicFiles.write(
                  temporary.resolve(RECORD),
                  CheckpointFolders.JSON.writeValueAsBytes(new Record(step, loss)));
            });
    return new Saved(folder, step, loss);
  }

  /** Deletes the sub-stage's best weights, if any (a fresh start must not inherit them). */
  static void clear(Path checkpointDir) {
    try {
      CheckpointFolders.deleteRecursively(dir(checkpointDir));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete " + dir(checkpointDir) + ": " + IoFailures.reason(e), e);
    }
  }

  /** The newest complete best weights of the sub-stage, if any were written. */
  static Optional<Saved> latest(Path checkpointDir) {
    return CheckpointFolders.latest(
            dir(checkpointDir), RECORD, "complete best weights", "this sub-stage")
        .map(
            folder -> {
              Record record =
                  CheckpointFolders.readJson(
                      folder.resolve(RECORD), Record.class, "the best-weights selection");
              return new Saved(folder, record.step(), record.heldOutLoss());
            });
  }
}
