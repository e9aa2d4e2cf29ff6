package dev.elmrlaif.algorithms.rl.sac;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.algorithms.rl.StepTiming;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Seconds per SAC step ({@link SacTrainer#step}: sampling, rewards, the buffer, then the updates:
 * reference, critic and policy forwards, backward, two AdamW steps, Polyak) for the synthetic toy
 * (vocab 4, horizon 2, d 16; the convergence test's settings) and for the quickstart-size LM (vocab
 * 4096, 4 layers, d 128; 4 contexts × K = 8, 32 new tokens, 16 trajectories per update), with
 * critics on the shared frozen trunk and on a separate 2-layer d 64 trunk. Not a test; run after
 * {@code mvn -q -B -o -pl algorithms -am test-compile} with
 *
 * <pre>
 * java -cp algorithms/target/classes:algorithms/target/test-classes:$(cat /tmp/rlaif.cp) \
 *   dev.elmrlaif.algorithms.rl.sac.SacBenchmark
 * </pre>
 *
 * ({@code /tmp/rlaif.cp} from {@code mvn -q -B -o -pl algorithms dependency:build-classpath
 * -Dmdep.outputFile=/tmp/rlaif.cp}). Prints the median of 10 steps after 3 warm-up steps and the
 * median time split.
 */
public final class SacBenchmark {
  private SacBenchmark() {}

  public static void main(String[] args) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      report(
          "toy (V 4, H 2, d 16, K 16, 2 updates x 32 trajectories)",
          toy.policy(),
          toy.reference(),
          SacToy.config(toy, 1.0),
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
    List<ElmPrompt> contexts = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      contexts.add(ElmPrompt.text(1 + c, 17 + c, 33 + c, 49 + c));
    }
    for (CriticTrunk trunk : CriticTrunk.values()) {
      try (Elm policy =
              Elm.initialize(ElmConfig.languageModel(lm, 0, 0), Device.cpu(), DataType.FLOAT32, 1);
          Elm reference = policy.referencePolicy()) {
        SacConfig config =
            SacConfig.defaults()
                .with()
                .samplesPerContext(8)
                .maxNewTokens(32)
                .batchTrajectories(16)
                .critic(CriticArchitectureConfig.defaults().withTrunk(trunk))
                .build();
        report(
            "quickstart LM (V 4096, 4x128, 4 contexts x K 8, 32 tokens, 16 trajectories, critic "
                + trunk.name().toLowerCase(Locale.ROOT)
                + ")",
            policy,
            reference,
            config,
            contexts);
      }
    }
  }

  private static void report(
      String label, Elm policy, Elm reference, SacConfig config, List<ElmPrompt> contexts) {
    StepTiming.report(
        label,
        new SacTrainer(
            policy, reference, (context, continuation) -> continuation.length / 10.0, config),
        contexts);
  }
}
