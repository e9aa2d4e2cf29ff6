package dev.elmrlaif.algorithms.rl.softq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.algorithms.rl.TrainerState;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.EngineOwned;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-state resume: 2N steps in one go equal N steps, {@link SoftQTrainer#saveState}, a fresh
 * policy with the saved weights, a fresh trainer, {@link SoftQTrainer#loadState} and N more steps:
 * the same completions, metrics and final policy weights. The run uses a prioritised buffer that
 * evicts, a separate critic trunk and the policy as behaviour, so every piece of state matters.
 */
class SoftQResumeTest {
  private static final int N = 3;
  private static final double BETA = 1.0;

  private static SoftQConfig config() {
    return SoftQConfig.defaults()
        .with()
        .samplesPerContext(8)
        .maxNewTokens(2)
        .behaviour(SoftQBehaviour.POLICY)
        .replay(SoftQReplayConfig.defaults().with(b -> b.capacity(20).prioritised(true)))
        .batchTrajectories(8)
        .qUpdatesPerStep(2)
        .distillUpdatesPerStep(2)
        .tau(0.1)
        .alpha(BETA)
        .qLearningRate(0.05)
        .policyLearningRate(0.01)
        .gradClip(1.0)
        .critic(
            CriticArchitectureConfig.defaults()
                .with(
                    b ->
                        b.trunk(CriticTrunk.SEPARATE)
                            .layers(1)
                            .heads(1)
                            .dModel(8)
                            .headInitStd(0.1)))
        .seed(5)
        .build();
  }

  @Test
  void twoNStepsEqualNStepsThenSaveLoadAndNSteps(@TempDir Path dir) throws IOException {
    List<RlStep> uninterrupted = new ArrayList<>();
    Map<String, double[]> expectedWeights;
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 9);
        SoftQTrainer trainer =
            new SoftQTrainer(toy.policy(), toy.reference(), reward(toy), config())) {
      for (int step = 0; step < 2 * N; step++) {
        RlStep result = trainer.step(List.of(toy.prompt()));
        if (step >= N) {
          uninterrupted.add(result);
        }
      }
      assertEquals(2 * N, trainer.completedSteps());
      assertEquals(2 * N * 8 - 20, trainer.buffer().evictedCount(), "the buffer must have evicted");
      expectedWeights = weights(toy);
    }

    Path state = Files.createDirectory(dir.resolve("state"));
    Map<String, double[]> savedWeights;
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 9);
        SoftQTrainer trainer =
            new SoftQTrainer(toy.policy(), toy.reference(), reward(toy), config())) {
      for (int step = 0; step < N; step++) {
        trainer.step(List.of(toy.prompt()));
      }
      trainer.saveState(state);
      savedWeights = weights(toy);
    }

    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 9);
        SoftQTrainer trainer =
            new SoftQTrainer(toy.policy(), toy.reference(), reward(toy), config())) {
      toy.policy()
          .trainableParameters()
          .forEach((name, parameter) -> overwrite(parameter, savedWeights.get(name)));
      trainer.loadState(state);
      assertEquals(N, trainer.completedSteps());
      for (int step = 0; step < N; step++) {
        RlStep expected = uninterrupted.get(step);
        RlStep resumed = trainer.step(List.of(toy.prompt()));
        assertEquals(expected.completions().size(), resumed.completions().size());
        for (int row = 0; row < expected.completions().size(); row++) {
          assertArrayEquals(
              expected.completions().get(row),
              resumed.completions().get(row),
              "step " + (N + step + 1) + " completion " + row);
        }
        for (Map.Entry<String, Double> metric : expected.metrics().entrySet()) {
          if (!metric.getKey().startsWith("time_")) {
            assertEquals(
                metric.getValue(),
                resumed.metrics().get(metric.getKey()),
                1e-6 * Math.max(1, Math.abs(metric.getValue())),
                "step " + (N + step + 1) + " " + metric.getKey());
          }
        }
      }
      Map<String, double[]> resumedWeights = weights(toy);
      for (Map.Entry<String, double[]> entry : expectedWeights.entrySet()) {
        assertArrayEquals(
            entry.getValue(), resumedWeights.get(entry.getKey()), 1e-6, entry.getKey());
      }
      assertTrue(
          uninterrupted.get(N - 1).metrics().get("distill_loss") > 0, "the policy was trained");
    }
  }

  @Test
  void loadStateNamesTheFileAndKeyOfABadTrainerFile(@TempDir Path dir) throws IOException {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 9);
        SoftQTrainer trainer =
            new SoftQTrainer(toy.policy(), toy.reference(), reward(toy), config())) {
      trainer.step(List.of(toy.prompt()));
      trainer.saveState(dir);
      Path file = dir.resolve("trainer_state.json");
      Files.writeString(
          file,
          Files.readString(file)
              .replace("\"completed_steps\" : 1", "\"completed_steps\" : \"one\""));
      UserInputException badKey =
          assertThrows(UserInputException.class, () -> trainer.loadState(dir));
      assertEquals(
          file + ": key \"completed_steps\" is \"one\", expected an integer", badKey.getMessage());
      Files.writeString(file, "{\"format\": \"something-else\"}");
      UserInputException badFormat =
          assertThrows(UserInputException.class, () -> trainer.loadState(dir));
      assertEquals(
          file
              + ": key \"format\" is \"something-else\", expected \""
              + TrainerState.FORMAT
              + "\" (the state of a soft_q trainer that a checkpoint saves)",
          badFormat.getMessage());
      assertEquals(1, trainer.completedSteps(), "a failed load changes nothing");
    }
  }

  private static CompletionReward reward(SyntheticElmPolicy toy) {
    SyntheticCoMdp coMdp = toy.coMdp(SoftQToy.tokenReward(), BETA);
    return SyntheticElmPolicy.completionReward(coMdp);
  }

  private static Map<String, double[]> weights(SyntheticElmPolicy toy) {
    Map<String, double[]> weights = new LinkedHashMap<>();
    toy.policy()
        .trainableParameters()
        .forEach((name, parameter) -> weights.put(name, Tensors.toDoubles(parameter)));
    return weights;
  }

  /** Writes saved values into a parameter in place (the resumed run's policy checkpoint). */
  private static void overwrite(NDArray parameter, double[] values) {
    try (NDArray saved =
        EngineOwned.create(
            parameter.getManager(), values, parameter.getShape(), parameter.getDataType())) {
      parameter.set(new NDIndex("..."), saved);
    }
  }
}
