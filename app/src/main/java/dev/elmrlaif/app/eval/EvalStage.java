package dev.elmrlaif.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.ExperimentName;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.train.TrainingSetup;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The {@code eval} stage: semantic and behavioral consistency on held-out entities of the
 * supervised models ({@code sft/<kind>/model/}, stage {@code sft}) and of every RL policy ({@code
 * rl/<algorithm>/<kind>/model/}, stage {@code rl_<algorithm>}) beside the baselines, with the RL
 * policies' KL to the supervised model, entropy, length, distinct-2 and non-word rate, every SC and
 * BC figure with a bootstrap interval and each RL stage's paired difference from the supervised
 * model ({@link ConsistencyEvaluator}), written to {@code eval.json}, {@code eval.md} and {@code
 * generations.jsonl} in the run folder and to the metrics (stage {@code eval}, one series per stage
 * and task). Every entity kind with a model folder is evaluated when some task describes it,
 * whatever the domain's kinds are. {@code rlaif eval RUN_DIR} runs the same code on a finished run.
 * Then the experiments {@code eval.experiments} lists ({@link Experiments}), none by default.
 */
public final class EvalStage implements Stage {
  private final TrainingSetup setup;

  public EvalStage(TrainingSetup setup) {
    this.setup = setup;
  }

  @Override
  public StageName name() {
    return StageName.EVAL;
  }

  @Override
  public Map<String, Object> run(RunContext context) {
    PreparedData data = setup.data().apply(context);
    Map<String, Map<String, Path>> models = modelsByStage(context.run().path(), data);
    if (!models.containsKey(ConsistencyEvaluator.SFT)) {
      throw new UserInputException(
          context.run().path().resolve(StageName.SFT.key())
              + ": holds no trained model (<kind>/model, e.g. movie/model or user/model) for any task's entity kind;"
              + " expected the output of the 'sft' stage");
    }
    EvalConfig config = setup.eval().apply(context.config());
    ConsistencyEvaluator evaluator =
        new ConsistencyEvaluator(data, config, context.config().seed() + 77);
    EvalReport report = evaluator.evaluateStages(models, context.compute().device());
    JsonNode earlier = Experiments.earlier(context.run().path());
    report.write(context.run().path());
    Experiments.restore(context.run().path(), earlier);
    Map<String, Object> record = new LinkedHashMap<>();
    if (!config.experiments().isEmpty()) {
      record.put(
          Experiments.EVAL_JSON_KEY,
          runExperiments(context, data, config, config.experiments(), models).keySet());
    }
    report
        .stages()
        .forEach(
            (stage, table) -> {
              table
                  .tasks()
                  .forEach(
                      (task, score) -> {
                        Map<String, Number> metrics = new LinkedHashMap<>();
                        metrics.put("sc_" + task, score.sc().estimate());
                        if (score.bc() != null) {
                          metrics.put("bc_" + task, score.bc().estimate());
                        }
                        if (score.kl() != null) {
                          metrics.put("kl_" + task, score.kl());
                        }
                        if (score.entropy() != null) {
                          metrics.put("entropy_" + task, score.entropy());
                        }
                        if (score.text() != null) {
                          putFinite(metrics, "words_" + task, score.text().words());
                          putFinite(metrics, "distinct_2_" + task, score.text().distinct2());
                          putFinite(metrics, "non_word_rate_" + task, score.text().nonWordRate());
                        }
                        context.metrics().log(StageName.EVAL.key() + "/" + stage, 0, metrics);
                      });
              record.put(stage + "_mean_sc", table.meanSc().estimate());
              if (table.meanBc() != null) {
                record.put(stage + "_mean_bc", table.meanBc().estimate());
              }
              if (table.meanKl() != null) {
                record.put(stage + "_mean_kl", table.meanKl());
              }
              EvalComparison comparison = report.versusSft().get(stage);
              if (comparison != null) {
                record.put(
                    stage + "_minus_sft_mean_sc", EvalReport.interval(comparison.meanSc(), true));
              }
            });
    report
        .baselines()
        .forEach((name, table) -> record.put(name + "_mean_sc", table.meanSc().estimate()));
    record.put("generations", report.generations().size());
    record.put("eval_json", context.run().path().resolve(EvalReport.JSON_FILE).toString());
    return record;
  }

  /**
   * Runs the experiments {@code which} on the run's models ({@link Experiments}): their files go
   * into the run folder and their figures into {@code eval.json}.
   */
  public static Map<String, Path> runExperiments(
      RunContext context,
      PreparedData data,
      EvalConfig config,
      List<ExperimentName> which,
      Map<String, Map<String, Path>> models) {
    Experiments.requireModels(context.run().path(), models);
    TextOnlyBaseline textOnly =
        which.contains(ExperimentName.INTERPOLATION)
            ? Experiments.textOnlyBaseline(
                context.config().rl().contexts().reward().judge(),
                context.env(),
                4 * config.maxNewTokens())
            : null;
    return new Experiments(data, config, context.config().seed() + 91, textOnly)
        .runAndWrite(which, models, context.compute().device(), context.run().path());
  }

  private static void putFinite(Map<String, Number> metrics, String key, double value) {
    if (Double.isFinite(value)) {
      metrics.put(key, value);
    }
  }

  /**
   * The model folders to evaluate, by stage: {@code sft} from {@code sft/<kind>/model/}, then
   * {@code rl_<algorithm>} from {@code rl/<algorithm>/<kind>/model/} for each algorithm in {@link
   * RlAlgorithm} order; a kind counts when its folder holds a complete model and some task
   * describes it. Stages without any model are left out.
   */
  public static Map<String, Map<String, Path>> modelsByStage(Path run, PreparedData data) {
    Set<String> describedKinds = new TreeSet<>();
    data.tasks().forEach(task -> describedKinds.add(task.slots().get(0).kind()));
    Map<String, Map<String, Path>> models = new LinkedHashMap<>();
    Map<String, Path> sft = modelsUnder(run.resolve(StageName.SFT.key()), describedKinds);
    if (!sft.isEmpty()) {
      models.put(ConsistencyEvaluator.SFT, sft);
    }
    for (RlAlgorithm algorithm : RlAlgorithm.values()) {
      String key = algorithm.name().toLowerCase(Locale.ROOT);
      Map<String, Path> rl =
          modelsUnder(run.resolve(StageName.RL.key()).resolve(key), describedKinds);
      if (!rl.isEmpty()) {
        models.put(StageName.RL.key() + "_" + key, rl);
      }
    }
    return models;
  }

  /**
   * {@code folder/<kind>/model} for each listed kind with a complete model, by kind in sorted
   * order.
   */
  private static Map<String, Path> modelsUnder(Path folder, Set<String> kinds) {
    Map<String, Path> models = new LinkedHashMap<>();
    if (!Files.isDirectory(folder)) {
      return models;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path kindFolder : entries.sorted().toList()) {
        Path model = kindFolder.resolve("model");
        String kind = kindFolder.getFileName().toString();
        if (kinds.contains(kind)
            && Files.isRegularFile(model.resolve(ElmCheckpoint.WEIGHTS_FILE))) {
          models.put(kind, model);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the model folders in " + folder, e);
    }
    return models;
  }
}
