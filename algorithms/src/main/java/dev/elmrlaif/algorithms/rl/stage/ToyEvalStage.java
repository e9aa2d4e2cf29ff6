package dev.elmrlaif.algorithms.rl.stage;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code eval} stage of a synthetic run ({@code rl.environment = synthetic}): reloads each
 * algorithm's trained toy policy and frozen reference from {@code rl/<algorithm>/toy/}, rebuilds
 * the CoMDP of the {@code synthetic} section on that reference, and measures the policy against the
 * exact optimum {@code π* ∝ π_ref·exp(r/β)} ({@link SyntheticRlEnvironment#figures}). Writes
 *
 * <pre>
 * eval.json   {"environment": "synthetic",
 *              "toy": {"algorithm": "reinforce", "tv_to_optimum": ..., "objective_trained": ...,
 *                      "objective_optimal": ..., "kl_to_reference": ..., "beta": ...},
 *              "algorithms": {"reinforce": {"toy": {the same figures}}, ...}}
 * eval.md     the same as a table
 * </pre>
 *
 * where the top-level {@code toy} holds the first algorithm's figures (in a {@code
 * configs/toy-comdp-<algorithm>.yaml} run, the only one), and the figures to the metrics (stage
 * {@code eval/<algorithm>/toy}).
 */
public final class ToyEvalStage implements Stage {
  /** The evaluation's JSON file in the run folder (the domain evaluation writes the same name). */
  public static final String JSON_FILE = "eval.json";

  /** The evaluation's Markdown table in the run folder. */
  public static final String MARKDOWN_FILE = "eval.md";

  @Override
  public StageName name() {
    return StageName.EVAL;
  }

  @Override
  public Map<String, Object> run(RunContext context) {
    RunDirectory run = context.run();
    Map<String, Object> algorithms = new LinkedHashMap<>();
    Map<String, Object> record = new LinkedHashMap<>();
    StringBuilder md =
        new StringBuilder(
            "# Synthetic CoMDP: trained policy against the exact optimum\n\n"
                + "| algorithm | TV to π* | J(π_θ) | J(π*) | KL(π_θ ‖ π_ref) | β |\n| --- | --- | --- | --- | --- | --- |\n");
    Map<String, Object> firstToy = null;
    for (RlAlgorithm algorithm : context.config().rl().algorithms()) {
      Map<String, Double> figures = evaluate(context, algorithm);
      String key = RlArtifacts.key(algorithm);
      if (firstToy == null) {
        firstToy = new LinkedHashMap<>();
        firstToy.put("algorithm", key);
        firstToy.putAll(figures);
      }
      algorithms.put(key, Map.of(RlArtifacts.TOY, figures));
      context.metrics().log(StageName.EVAL.key() + "/" + key + "/" + RlArtifacts.TOY, 0, figures);
      record.put(key + "_tv_to_optimum", figures.get("tv_to_optimum"));
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.4f | %.4f | %.4f | %.4g |%n",
              key,
              figures.get("tv_to_optimum"),
              figures.get("objective_trained"),
              figures.get("objective_optimal"),
              figures.get("kl_to_reference"),
              figures.get("beta")));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("environment", "synthetic");
    json.put(RlArtifacts.TOY, firstToy);
    json.put("algorithms", algorithms);
    Path jsonFile = run.path().resolve(JSON_FILE);
    run.writeJson(jsonFile, json);
    AtomicFiles.writeString(run.path().resolve(MARKDOWN_FILE), md.toString());
    record.put("eval_json", jsonFile.toString());
    return record;
  }

  private static Map<String, Double> evaluate(RunContext context, RlAlgorithm algorithm) {
    Path model = RlArtifacts.model(context.run(), algorithm, RlArtifacts.TOY);
    Path reference = RlArtifacts.toyReference(context.run(), algorithm);
    if (!RlArtifacts.isComplete(model) || !RlArtifacts.isComplete(reference)) {
      throw new UserInputException(
          model.getParent()
              + ": holds no trained toy policy (model/ and reference/);"
              + " expected the output of the 'rl' stage with rl.environment = synthetic");
    }
    Elm policy = ElmCheckpoint.load(model, context.compute().device(), DataType.FLOAT32);
    Elm frozen;
    try (Elm loaded = ElmCheckpoint.load(reference, context.compute().device(), DataType.FLOAT32)) {
      frozen = loaded.referencePolicy();
    } catch (RuntimeException e) {
      policy.close();
      throw e;
    }
    try (SyntheticRlEnvironment environment =
        SyntheticRlEnvironment.restore(context.config().synthetic(), policy, frozen)) {
      return environment.figures();
    }
  }
}
