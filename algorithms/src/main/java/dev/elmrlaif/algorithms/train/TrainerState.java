package dev.elmrlaif.algorithms.train;

import java.util.List;

/**
 * The non-tensor part of a full-state checkpoint ({@code state.json}): where a sub-stage's
 * optimisation stands and what it needs to continue exactly. With the model weights and the AdamW
 * moments (whose step count also fixes the learning-rate schedule position) it is everything a
 * resumed run reads.
 *
 * @param label the sub-stage, e.g. {@code pretrain} or {@code sft/movie/stage2}
 * @param step optimisation steps completed
 * @param totalSteps steps the sub-stage runs in all
 * @param epoch data cursor: the epoch the next batch starts in
 * @param offsetInEpoch data cursor: examples of that epoch already consumed
 * @param batchSize examples per step (a resume with another batch size would change the data order)
 * @param datasetSize training examples (a resume over other data would change the data order)
 * @param shuffleSeed the RNG seed of the data order; with the step it fixes every later batch
 * @param initSeed the RNG seed the sub-stage's fresh parameters (adapter, LoRA) were drawn with
 * @param trainableGroups the parameter groups that train in this sub-stage
 */
public record TrainerState(
    String label,
    long step,
    long totalSteps,
    long epoch,
    long offsetInEpoch,
    int batchSize,
    int datasetSize,
    long shuffleSeed,
    long initSeed,
    List<String> trainableGroups) {

  public TrainerState {
    trainableGroups = List.copyOf(trainableGroups);
  }

  /** Whether the sub-stage has run all its steps. */
  public boolean finished() {
    return step >= totalSteps;
  }
}
