package dev.elmrlaif.app.eval;

import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.config.TwoStageToyConfig;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.algorithms.train.TwoStageToy;
import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code sft} stage as the pipeline sees it: App. D's two-stage toy ({@link TwoStageToy}) when
 * the config has a {@code two_stage_toy} section ({@code configs/toy-two-stage.yaml}), the ELM's
 * supervised training otherwise. The toy writes
 *
 * <pre>
 * eval.json                  {"environment": "two_stage_toy",
 *                             "two_stage": {"seeds": [{"seed": s,
 *                                                      "one_stage": {"fitted", "iterations", "final_loss"},
 *                                                      "two_stage": {"fitted", "iterations", "stage1_iterations",
 *                                                                    "final_loss"}}, ...],
 *                                           "one_stage_fitted": k, "two_stage_fitted": k,
 *                                           "max_iterations": n, "fit_loss": x}}
 * eval.md                    the same as a table
 * experiments/two-stage.json the loss curves of every seed and the iterations to fit ({@link
 *                            ExperimentFigures})
 * </pre>
 *
 * The choice is made per run, from its config, because the pipeline is assembled before any config
 * is read (as {@code EvalByEnvironmentStage} does for the synthetic CoMDP).
 */
public final class TwoStageToyStage implements Stage {
  /** The experiment's name and file name under {@code experiments/}. */
  public static final String NAME = "two-stage";

  private static final Logger LOG = LogManager.getLogger(TwoStageToyStage.class);

  private final Stage sft;

  /**
   * @param sft the ELM's supervised training, run when the config has no toy section
   */
  public TwoStageToyStage(Stage sft) {
    if (sft.name() != StageName.SFT) {
      throw new IllegalArgumentException(
          "TwoStageToyStage: found stage " + sft.name() + ", expected the sft stage");
    }
    this.sft = sft;
  }

  @Override
  public StageName name() {
    return StageName.SFT;
  }

  @Override
  public Map<String, Object> run(RunContext context) throws Exception {
    TwoStageToyConfig config = context.config().twoStageToy();
    if (config == null) {
      return sft.run(context);
    }
    // 1. both trainings for every seed
    List<TwoStageToy.SeedResult> results = new ArrayList<>();
    for (long seed : config.seeds()) {
      context.stop().stopIfRequested("before seed " + seed + " of the two-stage toy", null);
      TwoStageToy.SeedResult result = TwoStageToy.run(config, seed);
      results.add(result);
      Map<String, Number> metrics = new LinkedHashMap<>();
      metrics.put("one_stage_iterations", result.oneStage().iterations());
      metrics.put("one_stage_fitted", result.oneStage().fitted() ? 1 : 0);
      metrics.put("two_stage_iterations", result.twoStage().iterations());
      metrics.put("two_stage_fitted", result.twoStage().fitted() ? 1 : 0);
      context.metrics().log(StageName.SFT.key() + "/two_stage_toy", seed, metrics);
      LOG.info(
          "two-stage toy, seed {}: one-stage {} after {} iterations (loss {}), two-stage {} after {}"
              + " iterations, {} of them adapter-only (loss {})",
          seed,
          result.oneStage().fitted() ? "fitted" : "NOT fitted",
          result.oneStage().iterations(),
          fmt(result.oneStage().finalLoss()),
          result.twoStage().fitted() ? "fitted" : "NOT fitted",
          result.twoStage().iterations(),
          result.twoStage().stage1Iterations(),
          fmt(result.twoStage().finalLoss()));
    }
    // 2. eval.json, eval.md and the figures
    Path runDir = context.run().path();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("environment", "two_stage_toy");
    json.put("two_stage", figuresJson(config, results));
    context.run().writeJson(runDir.resolve(EvalReport.JSON_FILE), json);
    AtomicFiles.writeString(runDir.resolve(EvalReport.MARKDOWN_FILE), markdown(config, results));
    try {
      figures(config, results).write(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the two-stage toy's figures into " + runDir, e);
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("one_stage_fitted", results.stream().filter(r -> r.oneStage().fitted()).count());
    record.put("two_stage_fitted", results.stream().filter(r -> r.twoStage().fitted()).count());
    record.put("seeds", results.size());
    return record;
  }

  static Map<String, Object> figuresJson(
      TwoStageToyConfig config, List<TwoStageToy.SeedResult> results) {
    List<Map<String, Object>> seeds = new ArrayList<>();
    for (TwoStageToy.SeedResult result : results) {
      Map<String, Object> seed = new LinkedHashMap<>();
      seed.put("seed", result.seed());
      seed.put("one_stage", training(result.oneStage(), false));
      seed.put("two_stage", training(result.twoStage(), true));
      seeds.add(seed);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("seeds", seeds);
    json.put("one_stage_fitted", results.stream().filter(r -> r.oneStage().fitted()).count());
    json.put("two_stage_fitted", results.stream().filter(r -> r.twoStage().fitted()).count());
    json.put("max_iterations", config.maxIterations());
    json.put("fit_loss", config.fitLoss());
    return json;
  }

  private static Map<String, Object> training(TwoStageToy.Training training, boolean twoStage) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("fitted", training.fitted());
    json.put("iterations", training.iterations());
    if (twoStage) {
      json.put("stage1_iterations", training.stage1Iterations());
    }
    json.put("final_loss", training.finalLoss());
    return json;
  }

  private static String markdown(TwoStageToyConfig config, List<TwoStageToy.SeedResult> results) {
    StringBuilder md =
        new StringBuilder(
            "# Two-stage toy (paper App. D): iterations to fit\n\n"
                + "Two 2-d embeddings must decode to the tokens 'one' and 'two' on a pretrained tiny LM;"
                + " fitted: every embedding's -log p(target) < "
                + config.fitLoss()
                + ", within "
                + config.maxIterations()
                + " iterations.\n\n"
                + "| seed | one-stage | two-stage (adapter-only + all) |\n| --- | --- | --- |\n");
    for (TwoStageToy.SeedResult r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s (%d + %d) |%n",
              r.seed(),
              outcome(r.oneStage()),
              outcome(r.twoStage()),
              r.twoStage().stage1Iterations(),
              r.twoStage().iterations() - r.twoStage().stage1Iterations()));
    }
    return md.toString();
  }

  private static String outcome(TwoStageToy.Training t) {
    return (t.fitted() ? "fitted after " : "not fitted after ")
        + t.iterations()
        + " (loss "
        + fmt(t.finalLoss())
        + ")";
  }

  static ExperimentFigures figures(TwoStageToyConfig config, List<TwoStageToy.SeedResult> results) {
    List<CurveSeries> curves = new ArrayList<>();
    double[] seeds = new double[results.size()];
    double[] one = new double[results.size()];
    double[] two = new double[results.size()];
    for (int i = 0; i < results.size(); i++) {
      TwoStageToy.SeedResult r = results.get(i);
      curves.add(curve("one-stage, seed " + r.seed(), r.oneStage()));
      curves.add(curve("two-stage, seed " + r.seed(), r.twoStage()));
      seeds[i] = r.seed();
      one[i] = r.oneStage().iterations();
      two[i] = r.twoStage().iterations();
    }
    List<CurveFigure> figures =
        List.of(
            new CurveFigure(
                "loss-curves",
                "Two-stage toy: worst -log p(target) over training iterations",
                "iteration",
                "max_k -log p(target_k | e_k)",
                CurveFigure.Kind.LINE,
                curves),
            new CurveFigure(
                "iterations-to-fit",
                "Iterations to fit (" + config.maxIterations() + " = not fitted)",
                "seed",
                "iterations",
                CurveFigure.Kind.SCATTER,
                List.of(
                    CurveSeries.of("one-stage", seeds, one),
                    CurveSeries.of("two-stage", seeds, two))));
    List<Map<String, String>> samples = new ArrayList<>();
    for (TwoStageToy.SeedResult r : results) {
      Map<String, String> row = new LinkedHashMap<>();
      row.put("seed", Long.toString(r.seed()));
      row.put("one-stage", outcome(r.oneStage()));
      row.put("two-stage", outcome(r.twoStage()));
      samples.add(row);
    }
    return new ExperimentFigures(
        NAME,
        "App. D's toy: a pretrained tiny LM must decode two 2-d embeddings to 'one' and 'two';"
            + " one-stage trains adapter and LM together, two-stage the adapter alone first.",
        figures,
        samples);
  }

  private static CurveSeries curve(String name, TwoStageToy.Training training) {
    double[] x = training.curve().stream().mapToDouble(p -> p[0]).toArray();
    double[] y = training.curve().stream().mapToDouble(p -> p[1]).toArray();
    return CurveSeries.of(name, x, y);
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
