package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.StepTiming;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Seconds per soft-Q step ({@link SoftQTrainer#step}: generation and scoring, critic updates,
 * distillation updates) for the synthetic toy (vocab 4, horizon 2, d 16, K = 32, 4 critic and 2
 * distillation updates of 32 trajectories, as in {@code SoftQConvergenceTest}) and for the
 * quickstart-size LM (vocab 4096, 4 layers, d 128; 4 contexts × K = 8, 32 new tokens, the default 4
 * critic and 1 distillation updates of 16 trajectories, critic head on the frozen trunk). Not a
 * test; run after {@code mvn -q -B -o -pl algorithms -am test-compile} with
 *
 * <pre>
 * java -cp algorithms/target/classes:algorithms/target/test-classes:$(cat /tmp/rlaif.cp) \
 *   dev.elmrlaif.algorithms.rl.softq.SoftQBenchmark
 * </pre>
 *
 * ({@code /tmp/rlaif.cp} from {@code mvn -q -B -o -pl algorithms dependency:build-classpath
 * -Dmdep.outputFile=/tmp/rlaif.cp}). Prints the median of 10 steps after 3 warm-up steps, and the
 * median split between generation, reward and updates.
 */
public final class SoftQBenchmark {
  private SoftQBenchmark() {}

  public static void main(String[] args) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      SoftQConfig config =
          SoftQConfig.defaults()
              .with()
              .samplesPerContext(32)
              .maxNewTokens(2)
              .batchTrajectories(32)
              .qUpdatesPerStep(4)
              .distillUpdatesPerStep(2)
              .alpha(1.0)
              .qLearningRate(0.05)
              .policyLearningRate(0.01)
              .build();
      report(
          "toy (V 4, H 2, d 16, K 32, 4 Q + 2 distill updates of 32)",
          toy.policy(),
          toy.reference(),
          config,
          List.of(toy.prompt()));
    }
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(4096)
            .contextLength(64)
            .layers(4)
            .heads(4)
            .dModel(128)
            .build();
    try (Elm policy =
            Elm.initialize(ElmConfig.languageModel(lm, 0, 0), Device.cpu(), DataType.FLOAT32, 1);
        Elm reference = policy.referencePolicy()) {
      SoftQConfig config =
          SoftQConfig.defaults().with().samplesPerContext(8).maxNewTokens(32).build();
      List<ElmPrompt> contexts = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        contexts.add(ElmPrompt.text(1 + c, 17 + c, 33 + c, 49 + c));
      }
      report(
          "quickstart LM (V 4096, 4x128, 4 contexts x K 8, 32 tokens, 4 Q + 1 distill updates of 16)",
          policy,
          reference,
          config,
          contexts);
    }
  }

  private static void report(
      String label, Elm policy, Elm reference, SoftQConfig config, List<ElmPrompt> contexts) {
    StepTiming.report(
        label,
        new SoftQTrainer(policy, reference, (context, continuation) -> continuation.length, config),
        contexts);
  }
}
