package dev.elmrlaif.algorithms.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The optimisation loop every supervised sub-stage shares (pretraining, ELM stage 1, ELM stage 2):
 * per step, the objective's batch loss under a gradient collector, global-norm clipping, one AdamW
 * update on the trainable groups, then metrics (loss, learning rate, gradient norm, tokens/s),
 * held-out loss every N steps, and a full-state checkpoint every N steps and at the end. When the
 * run is asked to stop (SIGTERM, SIGINT: {@link RunContext#stop()}), the loop finishes the step,
 * writes a checkpoint and throws {@link dev.elmrlaif.algorithms.run.RunStopped}.
 *
 * <p>Resume: when the sub-stage's checkpoint folder holds a complete checkpoint, the loop continues
 * from it (weights, AdamW moments and step count, hence the schedule position; the data cursor is
 * the step, see {@link BatchOrder}), so an interrupted run ends with the same weights as an
 * uninterrupted one. The loss itself is the objective's business: each trainer keeps its math in
 * one place.
 *
 * <p>Best weights ({@code trainer.keep_best}): each held-out loss lower than every earlier one
 * (ties keep the earlier) writes the weights to {@link BestWeights} beside the checkpoints; at the
 * end of the sub-stage those weights, not the last ones, are what the loop returns. A resumed run
 * reads the best so far back, so it ends with the same selection as an uninterrupted one.
 *
 * <p>Early stopping ({@code trainer.patience} P, with keep_best): after each evaluation the loop
 * counts the evaluations since the best one, {@code stall = ⌊done/eval_every⌋ −
 * ⌊best_step/eval_every⌋}; when it reaches P the sub-stage writes a checkpoint at that step and
 * ends (with the best weights). The count is a function of the best weights' step and the current
 * step, both on disk, so a resumed run needs no extra state: a checkpoint at an evaluation step
 * whose stall has reached P is one an early stop wrote, and the sub-stage counts as finished there.
 */
public final class OptimizationLoop {
  private static final Logger LOG = LogManager.getLogger(OptimizationLoop.class);

  private OptimizationLoop() {}

  /** What a sub-stage minimises. */
  public interface Objective {
    /**
     * The differentiable loss of the batch of step {@code step}, created in {@code scope}, and the
     * number of target tokens it averages over.
     */
    BatchLoss loss(Elm elm, NDManager scope, long step);

    /** The held-out loss (no gradient), or NaN when there is no held-out data. */
    double heldOutLoss(Elm elm);
  }

  /** A batch's mean loss and the tokens it covers. */
  public record BatchLoss(NDArray loss, long tokens) {}

  /**
   * One sub-stage's settings.
   *
   * @param label metrics stage and checkpoint label, e.g. {@code pretrain} or {@code
   *     sft/movie/stage1}
   * @param totalSteps optimisation steps in all
   * @param trains the parameter groups that train; the others are frozen
   * @param schedule the learning rate per step
   * @param optimizer AdamW's hyperparameters
   * @param gradClip global-norm clip, 0 for none
   * @param checkpointEvery steps between full-state checkpoints, 0 for only the end
   * @param logEvery steps between metric lines
   * @param evalEvery steps between held-out losses, 0 for only the end
   * @param order the batch of each step (the data cursor)
   * @param initSeed the seed the fresh model's new parameters were drawn with (recorded)
   * @param sequenceLength tokens per sequence, for the memory estimate
   * @param checkpointDir this sub-stage's checkpoint folder
   * @param tokenizerJson the tokenizer saved beside every checkpointed model
   * @param keepBest whether the weights with the lowest held-out loss replace the last ones at the
   *     end ({@link BestWeights})
   * @param patience evaluations in a row without a lower held-out loss after which the sub-stage
   *     stops early; 0 never stops early (needs {@code keepBest})
   */
  public record Plan(
      String label,
      long totalSteps,
      Set<ParameterGroup> trains,
      LearningRateSchedule schedule,
      AdamWConfig optimizer,
      double gradClip,
      int checkpointEvery,
      int logEvery,
      int evalEvery,
      BatchOrder order,
      long initSeed,
      int sequenceLength,
      Path checkpointDir,
      Path tokenizerJson,
      boolean keepBest,
      int patience) {
    public Plan {
      if (totalSteps < 1) {
        throw new IllegalArgumentException(
            "Plan.totalSteps of " + label + ": found " + totalSteps + ", expected >= 1");
      }
      trains = Set.copyOf(trains);
      if (trains.isEmpty()) {
        throw new IllegalArgumentException(
            "Plan.trains of " + label + ": empty, expected at least one group");
      }
      if (logEvery < 1) {
        throw new IllegalArgumentException(
            "Plan.logEvery of " + label + ": found " + logEvery + ", expected >= 1");
      }
      if (patience < 0 || (patience > 0 && !keepBest)) {
        throw new IllegalArgumentException(
            "Plan.patience of "
                + label
                + ": found "
                + patience
                + ", expected 0, or > 0 with keepBest");
      }
    }

    /** A plan without early stopping. */
    public Plan(
        String label,
        long totalSteps,
        Set<ParameterGroup> trains,
        LearningRateSchedule schedule,
        AdamWConfig optimizer,
        double gradClip,
        int checkpointEvery,
        int logEvery,
        int evalEvery,
        BatchOrder order,
        long initSeed,
        int sequenceLength,
        Path checkpointDir,
        Path tokenizerJson,
        boolean keepBest) {
      this(
          label,
          totalSteps,
          trains,
          schedule,
          optimizer,
          gradClip,
          checkpointEvery,
          logEvery,
          evalEvery,
          order,
          initSeed,
          sequenceLength,
          checkpointDir,
          tokenizerJson,
          keepBest,
          0);
    }
  }

  /**
   * What a sub-stage ended with.
   *
   * @param model the trained model; the caller closes it
   * @param stepsRun steps this call ran (0 when the sub-stage was already finished)
   * @param lastLoss the loss of the last step run, NaN when none ran
   * @param heldOutLoss the last held-out loss, NaN when none was computed
   * @param tokensPerSecond target tokens per second over the steps run, NaN when none ran
   * @param peakResidentBytes the process's resident high-water mark, -1 when unknown
   * @param resumedFromStep the step the call started from (0 for a fresh start)
   * @param bestStep with {@link Plan#keepBest}, the step whose weights {@code model} holds (the
   *     lowest held-out loss); -1 otherwise or when no held-out loss was computed
   * @param bestHeldOutLoss the held-out loss at {@code bestStep}, NaN when there is none
   * @param stoppedEarlyAtStep with {@link Plan#patience}, the step at which the sub-stage stopped
   *     early (now or in an earlier call); -1 when it ran all its steps
   */
  public record Outcome(
      Elm model,
      long stepsRun,
      double lastLoss,
      double heldOutLoss,
      double tokensPerSecond,
      long peakResidentBytes,
      long resumedFromStep,
      long bestStep,
      double bestHeldOutLoss,
      long stoppedEarlyAtStep) {}

  /**
   * Runs (or resumes, or skips when finished) the sub-stage; {@code freshModel} is called only for
   * a fresh start.
   */
  public static Outcome run(
      Plan plan, Supplier<Elm> freshModel, Objective objective, RunContext context) {
    Optional<TrainingCheckpoints.Saved> latest = TrainingCheckpoints.latest(plan.checkpointDir());
    latest.ifPresent(saved -> checkCompatible(plan, saved));
    Elm elm =
        latest.isPresent() ? latest.get().loadModel(context.compute().device()) : freshModel.get();
    try {
      elm.trainOnly(plan.trains());
      long start = latest.map(saved -> saved.state().step()).orElse(0L);
      Optional<BestWeights.Saved> kept =
          plan.keepBest() && latest.isPresent()
              ? BestWeights.latest(plan.checkpointDir())
              : Optional.empty();
      boolean stoppedEarly =
          start < plan.totalSteps()
              && kept.isPresent()
              && patienceExhausted(plan, kept.get(), start);
      if (start >= plan.totalSteps() || stoppedEarly) {
        LOG.info(
            "{}: finished earlier ({} steps{}), reusing {}",
            plan.label(),
            start,
            stoppedEarly ? ", stopped early" : "",
            latest.get().folder());
        Optional<BestWeights.Saved> best = kept;
        if (best.isPresent()) {
          elm = restoreBest(plan, elm, best.get(), context);
        }
        return new Outcome(
            elm,
            0,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            -1,
            start,
            best.map(BestWeights.Saved::step).orElse(-1L),
            best.map(BestWeights.Saved::heldOutLoss).orElse(Double.NaN),
            stoppedEarly ? start : -1);
      }
      try (AdamW optimizer = new AdamW(plan.optimizer(), plan.schedule(), elm.manager())) {
        if (latest.isPresent()) {
          optimizer.load(latest.get().optimizer());
          LOG.info(
              "{}: resuming at step {} of {} from {}",
              plan.label(),
              start,
              plan.totalSteps(),
              latest.get().folder());
        }
        return loop(plan, elm, optimizer, objective, context, start);
      }
    } catch (IOException e) {
      elm.close();
      throw new UncheckedIOException(plan.label() + ": cannot read the optimizer state", e);
    } catch (RuntimeException | Error e) {
      elm.close();
      throw e;
    }
  }

  private static Outcome loop(
      Plan plan, Elm elm, AdamW optimizer, Objective objective, RunContext context, long start) {
    MemoryEstimate estimate =
        MemoryEstimate.of(elm, plan.order().batchSize(), plan.sequenceLength());
    LOG.info(
        "{}: memory estimate at batch {} x {} tokens: {}",
        plan.label(),
        plan.order().batchSize(),
        plan.sequenceLength(),
        estimate);
    context.metrics().resumeAt(plan.label(), start); // the steps after the checkpoint run again
    if (start == 0) {
      context.metrics().log(plan.label(), start, estimate.asMebibytes());
    }

    double lastLoss = Double.NaN;
    double heldOut = Double.NaN;
    if (plan.keepBest() && start == 0) {
      BestWeights.clear(plan.checkpointDir()); // a fresh start: no earlier run's choice survives
    }
    Optional<BestWeights.Saved> best =
        plan.keepBest() ? BestWeights.latest(plan.checkpointDir()) : Optional.empty();
    best.ifPresent(
        saved ->
            LOG.info(
                "{}: best held-out loss so far {} at step {} ({})",
                plan.label(),
                String.format(java.util.Locale.ROOT, "%.4f", saved.heldOutLoss()),
                saved.step(),
                saved.folder()));
    long stoppedEarlyAt = -1;
    long tokensSinceLog = 0;
    long tokensTotal = 0;
    long loopStart = System.nanoTime();
    long windowStart = loopStart;
    try (ProgressReporter.Task progress =
        context.progress().start(plan.label(), plan.totalSteps(), "steps")) {
      progress.stepBy(start);
      for (long step = start; step < plan.totalSteps(); step++) {
        long tokens;
        double gradNorm;
        try (NDScope arrays = new NDScope();
            NDManager scope = elm.manager().newSubManager()) {
          arrays.suppressNotUsedWarning();
          BatchLoss batch;
          try (GradientCollector collector = elm.manager().getEngine().newGradientCollector()) {
            batch = objective.loss(elm, scope, step);
            collector.backward(batch.loss());
          }
          lastLoss = batch.loss().getFloat();
          tokens = batch.tokens();
        }
        if (!Double.isFinite(lastLoss)) {
          throw new IllegalStateException(
              plan.label()
                  + ": the loss is "
                  + lastLoss
                  + " at step "
                  + (step + 1)
                  + "; expected a finite loss (lower the learning rate or enable trainer.grad_clip)");
        }
        Map<String, NDArray> trainable = elm.trainableParameters();
        gradNorm =
            plan.gradClip() > 0
                ? GradientClipping.clipByGlobalNorm(trainable, plan.gradClip())
                : GradientClipping.globalNorm(trainable);
        double learningRate = optimizer.step(trainable);
        long done = step + 1;
        tokensSinceLog += tokens;
        tokensTotal += tokens;
        progress.step();
        progress.setExtra(String.format(java.util.Locale.ROOT, "loss %.4f", lastLoss));

        boolean last = done == plan.totalSteps();
        if (done % plan.logEvery() == 0 || last) {
          long now = System.nanoTime();
          double tokensPerSecond = tokensSinceLog / Math.max(1e-9, (now - windowStart) / 1e9);
          Map<String, Number> metrics = new LinkedHashMap<>();
          metrics.put("loss", lastLoss);
          metrics.put("learning_rate", learningRate);
          metrics.put("grad_norm", gradNorm);
          metrics.put("tokens_per_s", tokensPerSecond);
          context.metrics().log(plan.label(), done, metrics);
          LOG.info(
              "{}: step {}/{} loss {} lr {} grad_norm {} tokens/s {}",
              plan.label(),
              done,
              plan.totalSteps(),
              String.format(java.util.Locale.ROOT, "%.4f", lastLoss),
              String.format(java.util.Locale.ROOT, "%.3g", learningRate),
              String.format(java.util.Locale.ROOT, "%.3g", gradNorm),
              Math.round(tokensPerSecond));
          tokensSinceLog = 0;
          windowStart = now;
        }
        if ((plan.evalEvery() > 0 && done % plan.evalEvery() == 0) || last) {
          heldOut = objective.heldOutLoss(elm);
          if (!Double.isNaN(heldOut)) {
            context.metrics().log(plan.label(), done, Map.of("held_out_loss", heldOut));
            LOG.info(
                "{}: step {} held-out loss {}",
                plan.label(),
                done,
                String.format(java.util.Locale.ROOT, "%.4f", heldOut));
            // strictly lower: on a tie the earlier weights stay
            if (plan.keepBest() && (best.isEmpty() || heldOut < best.get().heldOutLoss())) {
              best =
                  Optional.of(
                      BestWeights.save(
                          plan.checkpointDir(), done, heldOut, elm, plan.tokenizerJson()));
            }
            // Early stopping: P evaluations in a row without a new best end the sub-stage here.
            if (!last && best.isPresent() && patienceExhausted(plan, best.get(), done)) {
              stoppedEarlyAt = done;
              LOG.info(
                  "{}: stopping early at step {} of {}: {} evaluations without a held-out loss"
                      + " below {} (step {}; trainer.patience {})",
                  plan.label(),
                  done,
                  plan.totalSteps(),
                  evaluationsSince(plan, best.get().step(), done),
                  String.format(java.util.Locale.ROOT, "%.4f", best.get().heldOutLoss()),
                  best.get().step(),
                  plan.patience());
              context.metrics().log(plan.label(), done, Map.of("stopped_early_at_step", done));
            }
          }
        }
        boolean stopping = context.stop().requested() && !last && stoppedEarlyAt < 0;
        if ((plan.checkpointEvery() > 0 && done % plan.checkpointEvery() == 0)
            || last
            || stopping
            || stoppedEarlyAt >= 0) {
          TrainingCheckpoints.Saved saved =
              TrainingCheckpoints.save(
                  plan.checkpointDir(), elm, optimizer, stateAt(plan, done), plan.tokenizerJson());
          if (stopping) {
            context
                .stop()
                .stopIfRequested(
                    plan.label() + " after step " + done + " of " + plan.totalSteps(),
                    saved.folder());
          }
        }
        if (stoppedEarlyAt >= 0) {
          break;
        }
      }
    }
    double seconds = (System.nanoTime() - loopStart) / 1e9;
    long endStep = stoppedEarlyAt >= 0 ? stoppedEarlyAt : plan.totalSteps();
    long peak = MemoryEstimate.peakResidentBytes().orElse(-1);
    if (peak > 0) {
      LOG.info(
          "{}: measured peak resident memory {} MiB (estimate {} MiB plus the JVM and engine)",
          plan.label(),
          String.format(java.util.Locale.ROOT, "%.1f", MemoryEstimate.mib(peak)),
          String.format(java.util.Locale.ROOT, "%.1f", MemoryEstimate.mib(estimate.totalBytes())));
      context
          .metrics()
          .log(plan.label(), endStep, Map.of("memory_peak_rss_mib", MemoryEstimate.mib(peak)));
    }
    Elm result = elm;
    if (plan.keepBest()) {
      if (best.isPresent()) {
        Map<String, Number> chosen = new LinkedHashMap<>();
        chosen.put("best_step", best.get().step());
        chosen.put("best_held_out_loss", best.get().heldOutLoss());
        context.metrics().log(plan.label(), endStep, chosen);
        result = restoreBest(plan, elm, best.get(), context);
      } else {
        LOG.warn(
            "{}: trainer.keep_best is set but no held-out loss was computed (no held-out data);"
                + " keeping the last weights",
            plan.label());
      }
    }
    return new Outcome(
        result,
        endStep - start,
        lastLoss,
        heldOut,
        tokensTotal / Math.max(1e-9, seconds),
        peak,
        start,
        best.map(BestWeights.Saved::step).orElse(-1L),
        best.map(BestWeights.Saved::heldOutLoss).orElse(Double.NaN),
        stoppedEarlyAt);
  }

  /**
   * Held-out evaluations after {@code bestStep} up to {@code done}: {@code ⌊done/eval_every⌋ −
   * ⌊bestStep/eval_every⌋} (the evaluation at the last step ends the sub-stage anyway).
   */
  static long evaluationsSince(Plan plan, long bestStep, long done) {
    return plan.evalEvery() > 0 ? done / plan.evalEvery() - bestStep / plan.evalEvery() : 0;
  }

  /**
   * Whether the sub-stage stops early at {@code done}, an evaluation step: {@link Plan#patience}
   * evaluations in a row without a lower held-out loss than {@code best}'s.
   */
  static boolean patienceExhausted(Plan plan, BestWeights.Saved best, long done) {
    return plan.patience() > 0
        && plan.evalEvery() > 0
        && done % plan.evalEvery() == 0
        && evaluationsSince(plan, best.step(), done) >= plan.patience();
  }

  /**
   * The best weights in place of {@code elm} (closed when replaced), trainable as the plan says;
   * the choice is logged.
   */
  private static Elm restoreBest(Plan plan, Elm elm, BestWeights.Saved best, RunContext context) {
    LOG.info(
        "{}: keeping the weights of step {} of {}, the lowest held-out loss ({})",
        plan.label(),
        best.step(),
        plan.totalSteps(),
        String.format(java.util.Locale.ROOT, "%.4f", best.heldOutLoss()));
    Elm restored = best.loadModel(context.compute().device());
    try {
      restored.trainOnly(plan.trains());
    } catch (RuntimeException e) {
      restored.close();
      throw e;
    }
    elm.close();
    return restored;
  }

  /**
   * The state after {@code done} steps: the data cursor of the next batch and what must not change
   * on resume.
   */
  static TrainerState stateAt(Plan plan, long done) {
    BatchOrder.Cursor cursor = plan.order().cursor(done);
    List<String> groups = plan.trains().stream().map(Enum::name).sorted().toList();
    return new TrainerState(
        plan.label(),
        done,
        plan.totalSteps(),
        cursor.epoch(),
        cursor.offset(),
        plan.order().batchSize(),
        plan.order().datasetSize(),
        plan.order().seed(),
        plan.initSeed(),
        groups);
  }

  /**
   * A checkpoint can only be continued by the same plan: otherwise the data order or the schedule
   * would differ.
   */
  private static void checkCompatible(Plan plan, TrainingCheckpoints.Saved saved) {
    TrainerState found = saved.state();
    TrainerState expected = stateAt(plan, found.step());
    Path file = saved.folder().resolve(TrainingCheckpoints.STATE);
    String mismatch = null;
    if (!found.label().equals(expected.label())) {
      mismatch = "label: found " + found.label() + ", expected " + expected.label();
    } else if (found.totalSteps() != expected.totalSteps()) {
      mismatch = "total_steps: found " + found.totalSteps() + ", expected " + expected.totalSteps();
    } else if (found.batchSize() != expected.batchSize()) {
      mismatch = "batch_size: found " + found.batchSize() + ", expected " + expected.batchSize();
    } else if (found.datasetSize() != expected.datasetSize()) {
      mismatch =
          "dataset_size: found " + found.datasetSize() + ", expected " + expected.datasetSize();
    } else if (found.shuffleSeed() != expected.shuffleSeed()) {
      mismatch =
          "shuffle_seed: found " + found.shuffleSeed() + ", expected " + expected.shuffleSeed();
    } else if (found.epoch() != expected.epoch()
        || found.offsetInEpoch() != expected.offsetInEpoch()) {
      mismatch =
          "data cursor: found epoch "
              + found.epoch()
              + " offset "
              + found.offsetInEpoch()
              + ", expected epoch "
              + expected.epoch()
              + " offset "
              + expected.offsetInEpoch();
    } else if (!found.trainableGroups().equals(expected.trainableGroups())) {
      mismatch =
          "trainable_groups: found "
              + found.trainableGroups()
              + ", expected "
              + expected.trainableGroups();
    }
    if (mismatch != null) {
      throw new UserInputException(
          file
              + ": key "
              + mismatch
              + "; the run's config changed since this checkpoint was written, so resuming would not continue the same"
              + " training (restore the config, or start a new run)");
    }
  }
}
