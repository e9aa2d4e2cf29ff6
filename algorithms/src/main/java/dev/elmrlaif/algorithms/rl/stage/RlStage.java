package dev.elmrlaif.algorithms.rl.stage;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.DomainRewardConfig;
import dev.elmrlaif.algorithms.config.JudgeRewardConfig;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.RlConfig;
import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.RlEnvironment;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.algorithms.rl.RlTrainer;
import dev.elmrlaif.algorithms.rl.domain.AiJudge;
import dev.elmrlaif.algorithms.rl.domain.DomainRlEnvironment;
import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.algorithms.rl.sac.SacAlphaConfig;
import dev.elmrlaif.algorithms.rl.sac.SacConfig;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.synthetic.SyntheticConfig;
import dev.elmrlaif.algorithms.train.RunArtifacts;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code rl} stage: KL-regularised RL fine-tuning (DESIGN.md §3–4) of every algorithm in {@code
 * rl.algorithms} (REINFORCE, soft actor-critic, soft-Q + distillation; {@link RlTrainers}), each
 * starting afresh from the same policy:
 *
 * <ul>
 *   <li>{@code rl.environment = synthetic}: the tiny ELM of the synthetic CoMDP ({@link
 *       SyntheticRlEnvironment}); the trained policy is measured against the exact optimum and the
 *       figures written to {@code rl/<algorithm>/toy.json};
 *   <li>{@code rl.environment = domain}: for every entity kind with a supervised model ({@code
 *       sft/<kind>/model/}), that model is the policy, a frozen copy of it {@code π_ref}, and
 *       {@link DomainRlEnvironment} supplies the contexts and the reward.
 * </ul>
 *
 * One training runs {@code rl.steps} steps (or its kind's {@code rl.steps_by_kind}): contexts of
 * the step from the environment, {@link RlTrainer#step}, the step's metrics ({@link StepMetrics})
 * to the run's metrics log under {@code rl/<algorithm>/<kind>} and to {@link TrainingHealth}, and
 * every {@code rl.checkpoint_every} steps a full-state checkpoint ({@link RlCheckpoints}); a rerun
 * in the same folder continues from the newest checkpoint and skips trainings whose model exists; a
 * stop request (SIGTERM, SIGINT) finishes the step, writes a checkpoint and ends the run. The
 * trained policy goes to {@code rl/<algorithm>/<kind>/model/} ({@link RlArtifacts}).
 */
public final class RlStage implements Stage {
  private static final Logger LOG = LogManager.getLogger(RlStage.class);

  /**
   * Told after each step, once its checkpoint (if one was due) is written; tests inject crashes
   * here.
   */
  @FunctionalInterface
  interface StepObserver {
    void afterStep(String label, long step);
  }

  private final Function<RunContext, PreparedData> data;
  private final StepObserver observer;

  /**
   * @param data the run's prepared data (read only for the domain environment)
   */
  public RlStage(Function<RunContext, PreparedData> data) {
    this(data, (label, step) -> {});
  }

  RlStage(Function<RunContext, PreparedData> data, StepObserver observer) {
    this.data = data;
    this.observer = observer;
  }

  @Override
  public StageName name() {
    return StageName.RL;
  }

  /**
   * With an AI judge ({@code rl.contexts.reward.judge}) on a domain: its key's variable is set and
   * one probe reaches the endpoint, before anything is written.
   */
  @Override
  public void preflight(LoadedConfig loaded, Map<String, String> env) {
    RlConfig rl = loaded.config().rl();
    JudgeRewardConfig judge = rl.contexts().reward().judge();
    if (rl.environment() == RlConfig.Environment.DOMAIN && judge != null) {
      AiJudge.check(judge, env);
    }
  }

  @Override
  public Map<String, Object> run(RunContext context) throws IOException {
    RlConfig rl = context.config().rl();
    Map<String, Object> record = new LinkedHashMap<>();
    switch (rl.environment()) {
      case SYNTHETIC -> {
        checkSyntheticSettings(context);
        checkStepsByKind(rl, List.of(RlArtifacts.TOY));
        for (RlAlgorithm algorithm : rl.algorithms()) {
          String label = label(algorithm, RlArtifacts.TOY);
          record.put(
              label,
              train(context, algorithm, RlArtifacts.TOY, latest -> openSynthetic(context, latest)));
        }
      }
      case DOMAIN -> {
        List<String> kinds = RlArtifacts.supervisedKinds(context.run());
        if (kinds.isEmpty()) {
          throw new UserInputException(
              context.run().path().resolve(StageName.SFT.key())
                  + ": holds no supervised model (<kind>/model/); expected the output of the 'sft' stage, or set"
                  + " rl.environment = synthetic");
        }
        checkStepsByKind(rl, kinds);
        PreparedData prepared = data.apply(context);
        for (RlAlgorithm algorithm : rl.algorithms()) {
          for (String kind : kinds) {
            String label = label(algorithm, kind);
            if (!DomainRlEnvironment.hasTasks(prepared, kind, rl.contexts())) {
              LOG.warn("{}: no task of rl.contexts.tasks describes a {}; skipped", label, kind);
              record.put(label, Map.of("skipped", "no task describes a " + kind));
              continue;
            }
            record.put(
                label,
                train(
                    context,
                    algorithm,
                    kind,
                    latest -> openDomain(context, prepared, algorithm, kind, latest)));
          }
        }
      }
      default -> throw new IllegalStateException("unknown rl.environment " + rl.environment());
    }
    return record;
  }

  /** {@code rl.steps_by_kind} names only kinds this run trains. */
  private static void checkStepsByKind(RlConfig rl, List<String> kinds) {
    for (String kind : rl.stepsByKind().keySet()) {
      if (!kinds.contains(kind)) {
        throw new UserInputException(
            "rl.steps_by_kind."
                + kind
                + ": this run has no model of kind '"
                + kind
                + "'; expected one of "
                + kinds);
      }
    }
  }

  /** The metrics stage and log label of one training: {@code rl/<algorithm>/<kind>}. */
  static String label(RlAlgorithm algorithm, String kind) {
    return StageName.RL.key() + "/" + RlArtifacts.key(algorithm) + "/" + kind;
  }

  // ---------------------------------------------------------------- one training, any environment

  /** The models and environment of one training, fresh or restored; closing frees all of them. */
  private record Opened(
      Elm policy,
      Elm reference,
      RlEnvironment environment,
      boolean checkpointReference,
      Path tokenizerJson,
      Runnable closer)
      implements AutoCloseable {
    @Override
    public void close() {
      closer.run();
    }
  }

  @FunctionalInterface
  private interface Opener {
    Opened open(Optional<RlCheckpoints.Saved> latest) throws IOException;
  }

  private Map<String, Object> train(
      RunContext context, RlAlgorithm algorithm, String kind, Opener opener) throws IOException {
    RlConfig rl = context.config().rl();
    int steps = rl.stepsFor(kind);
    RunDirectory run = context.run();
    String label = label(algorithm, kind);
    Path output = RlArtifacts.model(run, algorithm, kind);
    if (RlArtifacts.isComplete(output)) {
      LOG.info("{}: finished earlier, model in {}", label, output);
      return Map.of("model", output.toString(), "finished_earlier", true);
    }
    Path checkpoints = RlArtifacts.checkpoints(run, algorithm, kind);
    Optional<RlCheckpoints.Saved> latest = RlCheckpoints.latest(checkpoints);
    Map<String, Object> record = new LinkedHashMap<>();
    try (Opened opened = opener.open(latest);
        RlTrainer trainer =
            RlTrainers.create(
                algorithm,
                opened.policy(),
                opened.reference(),
                opened.environment(),
                context.config(),
                label)) {
      TrainingHealth health = new TrainingHealth(rl.warnings(), rl.klBudget());
      long start = 0;
      if (latest.isPresent()) {
        try {
          trainer.loadState(latest.get().trainer());
          opened.environment().loadState(latest.get().environment());
        } catch (RuntimeException e) {
          if (e instanceof UserInputException || e instanceof java.io.UncheckedIOException) {
            throw e;
          }
          throw new UserInputException(
              latest.get().trainer()
                  + ": cannot be read ("
                  + e.getMessage()
                  + "); expected the trainer state of a complete checkpoint (delete "
                  + checkpoints.resolve(RlCheckpoints.LATEST)
                  + " to start this training over)",
              e);
        }
        health.restore(latest.get().state().health());
        start = latest.get().state().step();
        if (trainer.completedSteps() != start) {
          throw new UserInputException(
              latest.get().folder()
                  + ": the trainer state is at step "
                  + trainer.completedSteps()
                  + " and "
                  + RlCheckpoints.STAGE
                  + " at step "
                  + start
                  + "; expected one checkpoint written at one step");
        }
        LOG.info("{}: resuming at step {} from {}", label, start, latest.get().folder());
      }
      context.metrics().resumeAt(label, start); // the steps after the checkpoint run again
      int endToken = opened.policy().config().endTokenId();
      Map<String, Double> last = Map.of();
      try (ProgressReporter.Task progress = context.progress().start(label, steps, "steps")) {
        progress.stepBy(start);
        for (long step = start; step < steps; step++) {
          List<ElmPrompt> contexts = opened.environment().contexts(step, rl.batchContexts());
          long began = System.nanoTime();
          RlStep result = trainer.step(contexts);
          double seconds = (System.nanoTime() - began) / 1e9;
          long done = step + 1;
          last = StepMetrics.of(result, seconds, opened.environment(), endToken);
          for (TrainingHealth.Fired fired : health.observe(done, last)) {
            LOG.warn("{}: {}", label, fired.message());
          }
          if (done % rl.logEvery() == 0 || done == steps) {
            context.metrics().log(label, done, last);
            LOG.info("{}: step {}/{}: {}", label, done, steps, summary(last));
          }
          boolean stopping = context.stop().requested() && done < steps;
          Path saved = null;
          if ((rl.checkpointEvery() > 0 && done % rl.checkpointEvery() == 0 && done < steps)
              || stopping) {
            saved =
                RlCheckpoints.save(
                        checkpoints,
                        new RlCheckpoints.StageState(done, health.state()),
                        opened.policy(),
                        opened.checkpointReference() ? opened.reference() : null,
                        trainer,
                        opened.environment(),
                        opened.tokenizerJson())
                    .folder();
            LOG.info("{}: checkpoint at step {}", label, done);
          }
          progress.step();
          progress.setExtra(summary(last));
          observer.afterStep(label, done);
          if (stopping) {
            context.stop().stopIfRequested(label + " after step " + done + " of " + steps, saved);
          }
        }
      }
      writeModel(opened.policy(), output, opened.tokenizerJson());
      if (opened.environment() instanceof SyntheticRlEnvironment synthetic) {
        writeModel(opened.reference(), RlArtifacts.toyReference(run, algorithm), null);
        Map<String, Double> figures = synthetic.figures();
        run.writeJson(RlArtifacts.toyFigures(run, algorithm), figures);
        LOG.info(
            "{}: TV to the exact optimum {}, J {} (optimum {})",
            label,
            String.format(Locale.ROOT, "%.4f", figures.get("tv_to_optimum")),
            String.format(Locale.ROOT, "%.4f", figures.get("objective_trained")),
            String.format(Locale.ROOT, "%.4f", figures.get("objective_optimal")));
        record.put("toy", figures);
      }
      record.put("model", output.toString());
      record.put("steps", steps);
      record.put("resumed_from_step", start);
      Map<String, Integer> warnings = new LinkedHashMap<>();
      health.counts().forEach((warning, count) -> warnings.put(warning.key(), count));
      record.put("warnings", warnings);
      for (String key :
          List.of("reward_mean", "kl_exact", "entropy", "length_mean", "distinct_2", "beta")) {
        Double value = last.get(key);
        if (value != null && Double.isFinite(value)) {
          record.put("final_" + key, value);
        }
      }
    }
    return record;
  }

  private static String summary(Map<String, Double> metrics) {
    return String.format(
        Locale.ROOT,
        "reward %.4f, kl %.4f, entropy %.3f, beta %.3g",
        metrics.getOrDefault("reward_mean", Double.NaN),
        metrics.getOrDefault("kl_exact", Double.NaN),
        metrics.getOrDefault("entropy", Double.NaN),
        metrics.getOrDefault("beta", Double.NaN));
  }

  /** Writes a model folder whole: into a temporary sibling, then one atomic rename. */
  private static void writeModel(Elm elm, Path folder, Path tokenizerJson) throws IOException {
    Path temporary =
        folder.resolveSibling(
            folder.getFileName() + dev.elmrlaif.policy.io.AtomicFiles.TEMP_INFIX + "model");
    CheckpointFolders.deleteRecursively(temporary);
    ElmCheckpoint.save(elm, temporary, tokenizerJson);
    CheckpointFolders.deleteRecursively(folder);
    Files.move(temporary, folder, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------- environments

  /**
   * The synthetic CoMDP needs each trainer's horizon to be the CoMDP's, and its fixed KL
   * coefficient (REINFORCE's β, SAC's and soft-Q's α) to be {@code synthetic.beta}, the β of the
   * exact optimum.
   */
  private static void checkSyntheticSettings(RunContext context) {
    RlaifConfig config = context.config();
    SyntheticConfig synthetic = config.synthetic();
    for (RlAlgorithm algorithm : config.rl().algorithms()) {
      switch (algorithm) {
        case REINFORCE -> {
          KlControllerConfig controller = config.reinforce().kl().controller();
          requireSame(
              context,
              "reinforce.max_new_tokens",
              config.reinforce().maxNewTokens(),
              "synthetic.horizon",
              synthetic.horizon());
          if (controller.kind() == KlControllerConfig.Kind.FIXED) {
            requireSame(
                context,
                "reinforce.kl.controller.beta",
                controller.beta(),
                "synthetic.beta",
                synthetic.beta());
          }
        }
        case SOFT_Q -> {
          requireSame(
              context,
              "soft_q.max_new_tokens",
              config.softQ().maxNewTokens(),
              "synthetic.horizon",
              synthetic.horizon());
          requireSame(
              context, "soft_q.alpha", config.softQ().alpha(), "synthetic.beta", synthetic.beta());
        }
        case SAC -> {
          SacAlphaConfig alpha = config.sac().alpha();
          requireSame(
              context,
              "sac.max_new_tokens",
              config.sac().maxNewTokens(),
              "synthetic.horizon",
              synthetic.horizon());
          if (alpha.kind() == KlControllerConfig.Kind.FIXED) {
            requireSame(
                context, "sac.alpha.value", alpha.value(), "synthetic.beta", synthetic.beta());
          }
        }
        default -> throw new IllegalStateException("unknown algorithm " + algorithm);
      }
    }
  }

  private static void requireSame(
      RunContext context, String key, double value, String syntheticKey, double syntheticValue) {
    if (value != syntheticValue) {
      throw new UserInputException(
          context.loaded().originOf(key)
              + ": "
              + key
              + " = "
              + value
              + " but "
              + syntheticKey
              + " = "
              + syntheticValue
              + "; expected the same value with rl.environment = synthetic"
              + " (the exact optimum is computed for the synthetic CoMDP's horizon and beta)");
    }
  }

  private static Opened openSynthetic(RunContext context, Optional<RlCheckpoints.Saved> latest) {
    SyntheticConfig synthetic = context.config().synthetic();
    SyntheticRlEnvironment environment;
    if (latest.isPresent()) {
      RlCheckpoints.Saved saved = latest.get();
      Path referenceFolder =
          saved
              .reference()
              .orElseThrow(
                  () ->
                      new UserInputException(
                          saved.folder()
                              + ": has no "
                              + RlCheckpoints.REFERENCE
                              + "/ folder; expected the synthetic run's frozen reference"));
      Elm policy = ElmCheckpoint.load(saved.policy(), context.compute().device(), DataType.FLOAT32);
      Elm reference;
      try (Elm loaded =
          ElmCheckpoint.load(referenceFolder, context.compute().device(), DataType.FLOAT32)) {
        reference = loaded.referencePolicy();
      }
      environment = SyntheticRlEnvironment.restore(synthetic, policy, reference);
    } else {
      environment = SyntheticRlEnvironment.create(synthetic);
    }
    return new Opened(
        environment.policy(), environment.reference(), environment, true, null, environment::close);
  }

  /**
   * Where the judge's replies persist: {@code <data.cache_dir>/judge}, {@code <run>/judge}, or
   * nowhere.
   */
  private static Path judgeCache(RunContext context, JudgeRewardConfig judge) {
    return switch (judge.cache()) {
      case DATA -> Path.of(context.config().data().cacheDir()).resolve("judge");
      case RUN -> context.run().path().resolve("judge");
      case NONE -> null;
    };
  }

  /**
   * The contexts and reward an algorithm trains on: {@code rl.contexts} as configured, but without
   * the cross-context repetition penalty for an algorithm that replays stored rewards after their
   * step. That penalty scores a completion against the other completions of its step, and a replay
   * buffer keeps the score long after that batch is gone (SAC with it and a buffer of 8 steps, seed
   * 1 of the CPU recipe: held-out SC −0.009 against SFT, the user model's KL 11.5;
   * docs/recipe-movielens-cpu.md). REINFORCE, and SAC whose buffer holds only its step's
   * completions ({@link SacConfig#replaysOnlyItsStep}), keep it.
   *
   * @param learnsOnlyFromItsStep whether every update uses only completions sampled at its step
   */
  static RlContextsConfig contextsFor(boolean learnsOnlyFromItsStep, RlContextsConfig contexts) {
    DomainRewardConfig reward = contexts.reward();
    if (learnsOnlyFromItsStep || reward.crossContextWeight() == 0) {
      return contexts;
    }
    return contexts.withReward(reward.withCrossContextWeight(0.0));
  }

  /** Whether {@code algorithm}, as configured, updates only on completions of the current step. */
  static boolean learnsOnlyFromItsStep(RlAlgorithm algorithm, RlaifConfig config) {
    return algorithm.onPolicy()
        || (algorithm == RlAlgorithm.SAC
            && config.sac().replaysOnlyItsStep(config.rl().batchContexts()));
  }

  private static Opened openDomain(
      RunContext context,
      PreparedData prepared,
      RlAlgorithm algorithm,
      String kind,
      Optional<RlCheckpoints.Saved> latest)
      throws IOException {
    Path supervised = RunArtifacts.sftModel(context.run(), kind);
    Path tokenizerJson =
        RunArtifacts.requireFile(supervised.resolve(ElmCheckpoint.TOKENIZER_FILE), StageName.SFT);
    ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerJson);
    Elm reference;
    try (Elm sft = ElmCheckpoint.load(supervised, context.compute().device(), DataType.FLOAT32)) {
      reference = sft.referencePolicy();
    }
    Elm policy =
        ElmCheckpoint.load(
            latest.map(RlCheckpoints.Saved::policy).orElse(supervised),
            context.compute().device(),
            DataType.FLOAT32);
    RlConfig rl = context.config().rl();
    JudgeRewardConfig judgeConfig = rl.contexts().reward().judge();
    AiJudge judge =
        judgeConfig == null
            ? null
            : AiJudge.open(judgeConfig, context.env(), judgeCache(context, judgeConfig));
    RlContextsConfig contexts =
        contextsFor(learnsOnlyFromItsStep(algorithm, context.config()), rl.contexts());
    if (contexts != rl.contexts()) {
      LOG.info(
          "{}: rl.contexts.reward.cross_context_weight is for updates on their own step's"
              + " completions only (REINFORCE, or SAC with sac.replay.capacity at most K x"
              + " rl.batch_contexts and no demonstrations); 0 here",
          label(algorithm, kind));
    }
    DomainRlEnvironment environment =
        DomainRlEnvironment.create(
            prepared,
            kind,
            tokenizer,
            policy.config(),
            contexts,
            RlTrainers.derive(context.config().seed(), "rl/contexts/" + kind),
            judge == null ? null : judge.reward());
    Runnable closer =
        () -> {
          if (judge != null) {
            judge.close();
          }
          reference.close();
          policy.close();
          tokenizer.close();
        };
    return new Opened(policy, reference, environment, false, tokenizerJson, closer);
  }
}
