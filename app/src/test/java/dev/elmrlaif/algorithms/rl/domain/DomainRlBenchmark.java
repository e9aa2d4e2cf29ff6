package dev.elmrlaif.algorithms.rl.domain;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.rl.RlTrainer;
import dev.elmrlaif.algorithms.rl.reinforce.ReinforceTrainer;
import dev.elmrlaif.algorithms.rl.sac.SacTrainer;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.eval.ConsistencyEvaluator;
import dev.elmrlaif.app.eval.EvalReport;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * REINFORCE or SAC on the MovieLens CoMDP from a finished supervised run, without the rl stage:
 * seconds per step, the reward per step, and the held-out evaluation (SC, BC, KL to the SFT model,
 * entropy, distinct-2) before and after. The algorithm's section ({@code reinforce} or {@code sac})
 * and {@code rl.contexts} come from a config file, so a config can be tuned on one supervised run
 * (e.g. {@code configs/quickstart-rl.yaml} on a finished {@code configs/quickstart.yaml} run).
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -cp ... dev.elmrlaif.algorithms.rl.domain.DomainRlBenchmark RUN_DIR CONFIG KIND STEPS [reinforce|sac]
 * </pre>
 */
public final class DomainRlBenchmark {
  private DomainRlBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path run = Path.of(args[0]);
    RlaifConfig settings = new ConfigLoader().load(Path.of(args[1]), List.of()).config();
    String kind = args[2];
    int steps = Integer.parseInt(args[3]);
    String algorithm = args.length > 4 ? args[4] : "reinforce";
    int contexts = settings.rl().batchContexts();
    JsonNode dataMarker = new ObjectMapper().readTree(run.resolve("stages/data.json").toFile());
    PreparedData data =
        new PreparedDataStore().load(Path.of(dataMarker.get("prepared_folder").asText()));
    EvalConfig eval =
        new ConfigLoader().load(run.resolve("config.yaml"), List.of()).config().eval();
    Path sftModel = run.resolve("sft").resolve(kind).resolve("model");
    Path output = Files.createTempDirectory("domain-rl-benchmark");
    RlContextsConfig contextsConfig = settings.rl().contexts();
    try (Elm policy = ElmCheckpoint.load(sftModel, Device.cpu(), DataType.FLOAT32);
        ElmTokenizer tokenizer =
            ElmTokenizer.load(sftModel.resolve(ElmCheckpoint.TOKENIZER_FILE))) {
      policy.trainOnly(
          EnumSet.of(ParameterGroup.ADAPTER, ParameterGroup.EMBEDDINGS, ParameterGroup.BODY));
      DomainRlEnvironment environment =
          DomainRlEnvironment.create(data, kind, tokenizer, policy.config(), contextsConfig, 11);
      try (Elm reference = policy.referencePolicy();
          RlTrainer trainer =
              algorithm.equals("sac")
                  ? new SacTrainer(policy, reference, environment.reward(), settings.sac())
                  : new ReinforceTrainer(
                      policy, reference, environment.reward(), settings.reinforce())) {
        long start = System.nanoTime();
        for (int step = 0; step < steps; step++) {
          List<ElmPrompt> batch = environment.contexts(step, contexts);
          Map<String, Double> metrics = trainer.step(batch).metrics();
          if (step % 10 == 0 || step == steps - 1) {
            System.out.printf(
                Locale.ROOT,
                "step %d  %.2f s/step  reward %.3f  kl %.3f  entropy %.1f  length %.1f%n",
                step + 1,
                (System.nanoTime() - start) / 1e9 / (step + 1),
                metrics.get("reward_mean"),
                metrics.get("kl_exact"),
                metrics.get("entropy"),
                metrics.get("length_mean"));
          }
        }
        ElmCheckpoint.save(
            policy, output.resolve("model"), sftModel.resolve(ElmCheckpoint.TOKENIZER_FILE));
      }
    }
    Map<String, Map<String, Path>> models = new LinkedHashMap<>();
    models.put(ConsistencyEvaluator.SFT, Map.of(kind, sftModel));
    models.put("rl_" + algorithm, Map.of(kind, output.resolve("model")));
    EvalReport report =
        new ConsistencyEvaluator(data, eval, 119).evaluateStages(models, Device.cpu());
    System.out.println(report.toMarkdown());
  }
}
