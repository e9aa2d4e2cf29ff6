package dev.elmrlaif.algorithms.rl.reinforce;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Seconds per REINFORCE step ({@link ReinforceTrainer#step}: sampling, reference and policy
 * forwards, backward, AdamW) for the synthetic toy (vocab 4, horizon 2, d 16, K = 128, one context)
 * and for the quickstart-size LM (vocab 4096, 4 layers, d 128; 4 contexts × K = 8, 32 new tokens).
 * Not a test; run after {@code mvn -q -B -o -pl algorithms -am test-compile} with
 *
 * <pre>
 * java -cp algorithms/target/classes:algorithms/target/test-classes:$(cat /tmp/rlaif.cp) \
 *   dev.elmrlaif.algorithms.rl.reinforce.ReinforceBenchmark
 * </pre>
 *
 * ({@code /tmp/rlaif.cp} from {@code mvn -q -B -o -pl algorithms dependency:build-classpath
 * -Dmdep.outputFile=/tmp/rlaif.cp}). Prints the median of 10 steps after 3 warm-up steps.
 */
public final class ReinforceBenchmark {
  private ReinforceBenchmark() {}

  public static void main(String[] args) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      ReinforceConfig config =
          ReinforceConfig.defaults()
              .with()
              .samplesPerContext(128)
              .maxNewTokens(2)
              .learningRate(0.004)
              .build();
      report(
          "toy (V 4, H 2, d 16, K 128)",
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
      ReinforceConfig config =
          ReinforceConfig.defaults()
              .with()
              .samplesPerContext(8)
              .maxNewTokens(32)
              .learningRate(1e-4)
              .build();
      List<ElmPrompt> contexts = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        contexts.add(ElmPrompt.text(1 + c, 17 + c, 33 + c, 49 + c));
      }
      report(
          "quickstart LM (V 4096, 4x128, 4 contexts x K 8, 32 tokens)",
          policy,
          reference,
          config,
          contexts);
    }
  }

  private static void report(
      String label, Elm policy, Elm reference, ReinforceConfig config, List<ElmPrompt> contexts) {
    try (ReinforceTrainer trainer =
        new ReinforceTrainer(
            policy, reference, (context, continuation) -> continuation.length, config)) {
      double[] seconds = new double[10];
      for (int step = -3; step < seconds.length; step++) {
        long start = System.nanoTime();
        trainer.step(contexts);
        if (step >= 0) {
          seconds[step] = (System.nanoTime() - start) / 1e9;
        }
      }
      Arrays.sort(seconds);
      System.out.printf(
          Locale.ROOT, "%s: %.4f s/step (median of 10)%n", label, seconds[seconds.length / 2]);
    }
  }
}
