package dev.elmrlaif.app.sweep;

import dev.elmrlaif.algorithms.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One trial of a sweep as an executor sees it: an ordinary {@code rlaif train} run in its own run
 * folder, started as a separate process by a {@link TrialExecutor}.
 *
 * @param id the trial's id, e.g. {@code t03-s2}; also its run folder's name
 * @param index its position in the sweep (the Slurm array task id)
 * @param runDir the run folder
 * @param logFile where the trial's stdout and stderr go ({@code SWEEP_DIR/logs/<id>.log}); the
 *     run's own {@code run.log} is inside the run folder
 * @param trainArgs the full argument list of a fresh start, beginning with {@code train}
 */
public record Trial(String id, int index, Path runDir, Path logFile, List<String> trainArgs) {
  public Trial {
    trainArgs = List.copyOf(trainArgs);
  }

  /** The arguments that continue the trial's run from its checkpoints. */
  public List<String> resumeArgs() {
    return List.of("train", "--resume", runDir.toString());
  }

  /** The arguments of the next attempt: resume when the run folder holds a run, else start. */
  public List<String> nextArgs() {
    return Files.isRegularFile(runDir.resolve(RunDirectory.CONFIG_FILE)) ? resumeArgs() : trainArgs;
  }
}
