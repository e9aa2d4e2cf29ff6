package dev.elmrlaif.algorithms.rl.sac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.algorithms.rl.Demonstrations;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.algorithms.rl.StoredReward;
import dev.elmrlaif.algorithms.rl.TrainerStateFolder;
import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.critics.Critic;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.replay.Trajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SAC trainer's step, warm-up, α controller and full-state resume on the synthetic toy. */
class SacTrainerTest {
  @TempDir Path folder;

  private static SyntheticElmPolicy toy() {
    return SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3);
  }

  private static CompletionReward reward(SyntheticElmPolicy toy) {
    return SyntheticElmPolicy.completionReward(toy.coMdp(SacToy.reward(), 1.0));
  }

  /** A trainer of {@code toy}'s policy against its reference, with the toy's reward. */
  private static SacTrainer trainer(SyntheticElmPolicy toy, SacConfig config) {
    return new SacTrainer(toy.policy(), toy.reference(), reward(toy), config);
  }

  /** Small and exercising every stateful part: prioritised replay, a warm-up step, adaptive α. */
  private static SacConfig smallConfig(SyntheticElmPolicy toy) {
    return SacToy.config(toy, 1.0)
        .with()
        .samplesPerContext(4)
        .batchTrajectories(8)
        .replay(SacReplayConfig.defaults().with(r -> r.capacity(64).prioritised(true)))
        .warmupSteps(1)
        .alpha(
            SacAlphaConfig.defaults()
                .with(
                    a ->
                        a.kind(KlControllerConfig.Kind.ADAPTIVE)
                            .value(1.0)
                            .target(0.05)
                            .horizon(100)
                            .gain(0.1)))
        .build();
  }

  /** The same text for every context: a demonstration that never changes. */
  private static final Demonstrations FIXED_TEXT =
      (contexts, maxTokens) -> contexts.stream().map(c -> new int[] {3, 1}).toList();

  /**
   * {@link #smallConfig} with centred rewards and demonstrations, which also go into the buffer.
   */
  private static SacConfig withDemonstrations(SyntheticElmPolicy toy) {
    return smallConfig(toy).with().centerRewards(true).demonstrations(true).build();
  }

  @ParameterizedTest
  @EnumSource(SacQFunction.class)
  void twoNStepsEqualNStepsThenSaveLoadAndNMoreBitForBit(SacQFunction qFunction)
      throws IOException {
    int n = 3;
    Map<String, float[]> uninterrupted;
    List<RlStep> uninterruptedTail = new java.util.ArrayList<>();
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer =
            new SacTrainer(
                toy.policy(),
                toy.reference(),
                reward(toy),
                FIXED_TEXT,
                withDemonstrations(toy).withQFunction(qFunction))) {
      for (int step = 0; step < 2 * n; step++) {
        RlStep result = trainer.step(List.of(toy.prompt()));
        if (step >= n) {
          uninterruptedTail.add(result);
        }
      }
      uninterrupted = snapshot(toy, trainer);
    }

    Path state = folder.resolve("state");
    Files.createDirectories(state);
    Map<String, NDArray> savedPolicy = new LinkedHashMap<>();
    try (SyntheticElmPolicy first = toy();
        SacTrainer trainer =
            new SacTrainer(
                first.policy(),
                first.reference(),
                reward(first),
                FIXED_TEXT,
                withDemonstrations(first).withQFunction(qFunction))) {
      for (int step = 0; step < n; step++) {
        trainer.step(List.of(first.prompt()));
      }
      trainer.saveState(state);
      first.policy().parameters().forEach((name, p) -> savedPolicy.put(name, p.duplicate()));
      try (SyntheticElmPolicy resumed = toy();
          SacTrainer fresh =
              new SacTrainer(
                  resumed.policy(),
                  resumed.reference(),
                  reward(resumed),
                  FIXED_TEXT,
                  withDemonstrations(resumed).withQFunction(qFunction))) {
        resumed
            .policy()
            .parameters()
            .forEach((name, p) -> p.set(new NDIndex("..."), savedPolicy.get(name)));
        fresh.loadState(state);
        assertEquals(n, fresh.completedSteps());
        for (int step = 0; step < n; step++) {
          RlStep result = fresh.step(List.of(resumed.prompt()));
          RlStep expected = uninterruptedTail.get(step);
          assertEquals(expected.metrics().get("q_loss"), result.metrics().get("q_loss"), 0.0);
          assertEquals(
              expected.metrics().get("policy_loss"), result.metrics().get("policy_loss"), 0.0);
          assertEquals(expected.metrics().get("beta"), result.metrics().get("beta"), 0.0);
          for (int row = 0; row < expected.completions().size(); row++) {
            assertArrayEquals(expected.completions().get(row), result.completions().get(row));
          }
        }
        Map<String, float[]> continued = snapshot(resumed, fresh);
        assertEquals(uninterrupted.keySet(), continued.keySet());
        uninterrupted.forEach(
            (name, values) -> assertArrayEquals(values, continued.get(name), name));
      }
    }
  }

  @Test
  void aStepReportsTheCommonMetricsAndFillsTheBuffer() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer = trainer(toy, smallConfig(toy))) {
      assertEquals(RlAlgorithm.SAC, trainer.algorithm());
      RlStep first = trainer.step(List.of(toy.prompt(), toy.prompt()));
      for (String key :
          List.of(
              "reward_mean",
              "kl_k1",
              "kl_k2",
              "kl_k3",
              "kl_exact",
              "entropy",
              "length_mean",
              "grad_norm",
              "beta",
              "time_generate_s",
              "time_reward_s",
              "time_update_s",
              "q_loss",
              "v_loss",
              "policy_loss",
              "buffer_size",
              "critic_grad_norm")) {
        assertTrue(
            Double.isFinite(first.metrics().get(key)), key + " = " + first.metrics().get(key));
      }
      assertEquals(8, first.completions().size());
      assertEquals(8.0, first.metrics().get("buffer_size"));
      // The first step is the policy: KL to the reference is 0 and only the critics move (warm-up).
      assertEquals(0.0, first.metrics().get("kl_exact"), 1e-6);
      assertEquals(0.0, first.metrics().get("grad_norm"));
      assertTrue(first.metrics().get("critic_grad_norm") > 0);
      double rewardMean = 0;
      for (double r : first.rewards()) {
        rewardMean += r / first.rewards().length;
      }
      assertEquals(rewardMean, first.metrics().get("reward_mean"), 1e-12);
      assertFalse(
          first.metrics().containsKey("alpha"),
          "SAC's alpha is logged once, as beta like every trainer's");
      double alphaOfTheSecondStep = trainer.alphaController().beta();
      RlStep second = trainer.step(List.of(toy.prompt()));
      assertEquals(12.0, second.metrics().get("buffer_size"));
      assertTrue(second.metrics().get("grad_norm") > 0, "after the warm-up the policy moves");
      assertEquals(alphaOfTheSecondStep, second.metrics().get("beta"));
    }
  }

  @Test
  void centredRewardsStoreEachRewardMinusTheMeanOfItsContextsOthers() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer = trainer(toy, smallConfig(toy).withCenterRewards(true))) {
      RlStep step = trainer.step(List.of(toy.prompt(), toy.prompt()));
      double[] r = step.rewards(); // the reward model's values: rows 0-3 context 0, 4-7 context 1
      List<Trajectory> stored = trainer.replayBuffer().snapshot();
      assertEquals(8, stored.size());
      boolean anyNonZero = false;
      for (int row = 0; row < 8; row++) {
        int from = row / 4 * 4;
        double others = 0;
        for (int j = from; j < from + 4; j++) {
          others += j == row ? 0 : r[j];
        }
        Trajectory trajectory = stored.get(row);
        assertEquals("sac/0/" + row, trajectory.id(), "the snapshot is in insertion order");
        assertEquals(r[row] - others / 3, trajectory.reward(), 1e-12, "row " + row);
        anyNonZero |= Math.abs(trajectory.reward() - r[row]) > 1e-6;
      }
      assertTrue(anyNonZero, "the stored rewards differ from the raw ones");
      double rewardMean = 0;
      for (double value : r) {
        rewardMean += value / r.length;
      }
      assertEquals(rewardMean, step.metrics().get("reward_mean"), 1e-12, "logged raw");
    }
  }

  @Test
  void scaledRewardsStoreEachContextsRewardsNormalisedByTheirSpread() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer =
            trainer(toy, smallConfig(toy).with().centerRewards(true).scaleRewards(true).build())) {
      RlStep step = trainer.step(List.of(toy.prompt(), toy.prompt()));
      double[] expected = StoredReward.GROUP_NORMALISED.of(step.rewards(), 4);
      List<Trajectory> stored = trainer.replayBuffer().snapshot();
      for (int row = 0; row < 8; row++) {
        assertEquals(expected[row], stored.get(row).reward(), 0.0, "row " + row);
      }
      // each context's stored rewards have spread 1 (squares summing to K = 4), or are all 0
      boolean anySpread = false;
      for (int from = 0; from < 8; from += 4) {
        double squares = 0;
        for (int row = from; row < from + 4; row++) {
          squares += expected[row] * expected[row];
        }
        assertTrue(squares == 0 || Math.abs(squares - 4) < 1e-3, "context " + from / 4);
        anySpread |= squares > 0;
      }
      assertTrue(anySpread, "a context whose completions differ");
    }
  }

  @Test
  void demonstrationsJoinTheBufferCentredOnTheirContextsCompletions() {
    int[] demonstration = {3, 1};
    // the first context has a ground truth, the second none
    Demonstrations source =
        (contexts, maxTokens) -> {
          assertEquals(2, maxTokens, "the completions' horizon");
          List<int[]> texts = new ArrayList<>();
          texts.add(demonstration.clone());
          texts.add(null);
          return texts;
        };
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer =
            new SacTrainer(
                toy.policy(), toy.reference(), reward(toy), source, withDemonstrations(toy))) {
      RlStep step = trainer.step(List.of(toy.prompt(), toy.prompt()));
      double[] r = step.rewards(); // rows 0-3 context 0, 4-7 context 1
      List<Trajectory> stored = trainer.replayBuffer().snapshot();
      assertEquals(9, stored.size(), "8 completions and the first context's demonstration");
      Trajectory stored8 = stored.get(8);
      assertEquals("sac/0/demonstration/0", stored8.id());
      assertArrayEquals(demonstration, stored8.actionIds());
      double own = reward(toy).reward(toy.prompt(), demonstration);
      double completions = (r[0] + r[1] + r[2] + r[3]) / 4;
      assertEquals(own - completions, stored8.reward(), 1e-12, "centred on all 4 completions");
      assertArrayEquals(
          tokenLogProbs(toy.reference(), toy, demonstration), stored8.referenceLogProbs(), 1e-6);
      assertArrayEquals(
          tokenLogProbs(toy.policy(), toy, demonstration),
          stored8.behaviourLogProbs(),
          1e-6,
          "the policy's own log-probabilities before the update (step 1 is a warm-up step)");
      assertEquals(1.0, step.metrics().get("demonstrations"));
      assertEquals(own, step.metrics().get("demonstration_reward_mean"), 1e-12);
    }
  }

  @Test
  void withoutTheSettingNoDemonstrationIsAskedFor() {
    Demonstrations refusing =
        (contexts, maxTokens) -> {
          throw new AssertionError("asked for demonstrations");
        };
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer =
            new SacTrainer(
                toy.policy(), toy.reference(), reward(toy), refusing, smallConfig(toy))) {
      RlStep step = trainer.step(List.of(toy.prompt()));
      assertEquals(4, trainer.replayBuffer().size());
      assertFalse(step.metrics().containsKey("demonstrations"));
    }
  }

  private static double[] tokenLogProbs(Elm elm, SyntheticElmPolicy toy, int[] continuation) {
    try (NDManager manager = elm.manager().newSubManager()) {
      return elm.continuationLogProbs(manager, List.of(toy.prompt()), List.of(continuation), false)
          .tokenLogProbs()
          .toType(DataType.FLOAT64, false)
          .toDoubleArray();
    }
  }

  @Test
  void centredRewardsNeedTwoSamplesPerContext() {
    try (SyntheticElmPolicy toy = toy()) {
      UserInputException error =
          assertThrows(
              UserInputException.class,
              () -> smallConfig(toy).with().samplesPerContext(1).centerRewards(true).build());
      assertTrue(error.getMessage().contains("samples_per_context"), error.getMessage());
    }
  }

  @Test
  void prioritisedReplayStoresTheMeanAbsoluteTdErrorOfEachSampledTrajectory() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer = trainer(toy, smallConfig(toy).with().updatesPerStep(1).build())) {
      trainer.step(List.of(toy.prompt()));
      // New trajectories enter with the largest priority so far (1); those the update drew now hold
      // mean |Q(s_t,a_t) − Q̂| of a zero-initialised Q: mean |r_t| over their steps, below 1 here.
      List<Trajectory> stored = trainer.replayBuffer().snapshot();
      boolean someUpdated = false;
      for (Trajectory trajectory : stored) {
        double priority = trainer.replayBuffer().priority(trajectory.id());
        if (priority != 1.0) {
          someUpdated = true;
          assertEquals(trajectory.reward() / trajectory.length(), priority, 1e-6, trajectory.id());
        }
      }
      assertTrue(someUpdated, "the update sets the priorities of the trajectories it drew");
    }
  }

  @Test
  void separateCriticsTrainTheirOwnTrunkAndLeaveTheReferenceAlone() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer =
            trainer(
                toy,
                smallConfig(toy)
                    .withCritic(
                        CriticArchitectureConfig.defaults()
                            .with(
                                c ->
                                    c.trunk(CriticTrunk.SEPARATE)
                                        .layers(1)
                                        .heads(1)
                                        .dModel(8)
                                        .headInitStd(0.1))))) {
      Map<String, float[]> referenceBefore = parameters(toy.reference().parameters());
      float[] trunkBefore =
          trainer.vCritic().parameters().get("trunk.h.0.mlp.c_fc.weight").toFloatArray();
      trainer.step(List.of(toy.prompt()));
      trainer.step(List.of(toy.prompt()));
      assertFalse(
          java.util.Arrays.equals(
              trunkBefore,
              trainer.vCritic().parameters().get("trunk.h.0.mlp.c_fc.weight").toFloatArray()));
      parameters(toy.reference().parameters())
          .forEach((name, values) -> assertArrayEquals(referenceBefore.get(name), values, name));
    }
  }

  @Test
  void warmUpStepsTrainOnlyTheCritics() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer = trainer(toy, smallConfig(toy).with().warmupSteps(2).build())) {
      Map<String, float[]> policyBefore = parameters(toy.policy().parameters());
      Map<String, float[]> criticBefore = parameters(trainer.qCritic().parameters());
      trainer.step(List.of(toy.prompt()));
      trainer.step(List.of(toy.prompt()));
      parameters(toy.policy().parameters())
          .forEach((name, values) -> assertArrayEquals(policyBefore.get(name), values, name));
      assertFalse(
          java.util.Arrays.equals(
              criticBefore.get("q_head.weight"),
              trainer.qCritic().parameters().get("q_head.weight").toFloatArray()));
      trainer.step(List.of(toy.prompt()));
      assertFalse(
          java.util.Arrays.equals(
              policyBefore.get("wte.weight"),
              toy.policy().parameters().get("wte.weight").toFloatArray()));
    }
  }

  /**
   * With Q read from the policy there is no Q critic and no Q critic file; during the warm-up the Q
   * loss moves V alone, and after it the policy.
   */
  @Test
  void withQFromThePolicyTheQLossMovesVThenThePolicy() throws IOException {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer =
            trainer(toy, smallConfig(toy).with().qFunction(SacQFunction.POLICY).build())) {
      assertNull(trainer.qCritic());
      Map<String, float[]> policyBefore = parameters(toy.policy().parameters());
      Map<String, float[]> vBefore = parameters(trainer.vCritic().parameters());
      trainer.step(List.of(toy.prompt())); // the one warm-up step
      parameters(toy.policy().parameters())
          .forEach((name, values) -> assertArrayEquals(policyBefore.get(name), values, name));
      assertFalse(
          java.util.Arrays.equals(
              vBefore.get("v_head.weight"),
              trainer.vCritic().parameters().get("v_head.weight").toFloatArray()));
      RlStep moved = trainer.step(List.of(toy.prompt()));
      assertTrue(moved.metrics().get("grad_norm") > 0);
      assertFalse(
          java.util.Arrays.equals(
              policyBefore.get("wte.weight"),
              toy.policy().parameters().get("wte.weight").toFloatArray()));
      trainer.saveState(folder);
      assertFalse(Files.exists(folder.resolve(TrainerStateFolder.Q_CRITIC)));
      assertTrue(Files.exists(folder.resolve(TrainerStateFolder.V_CRITIC)));
    }
  }

  @Test
  void theAdaptiveAlphaFollowsTheControllerOnTheMeasuredKl() {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer = trainer(toy, smallConfig(toy))) {
      RlStep step = trainer.step(List.of(toy.prompt()));
      assertEquals(1.0, step.metrics().get("beta"));
      // KL 0 is below the target: error −0.2, so α ← 1·(1 + 0.1·(−0.2)·4/100).
      assertEquals(1 + 0.1 * -0.2 * 4 / 100, trainer.alphaController().beta(), 1e-15);
    }
  }

  @Test
  void loadStateNamesTheFileAndTheKeyItCannotRead() throws IOException {
    try (SyntheticElmPolicy toy = toy();
        SacTrainer trainer = trainer(toy, smallConfig(toy))) {
      trainer.step(List.of(toy.prompt()));
      trainer.saveState(folder);
      Path stateFile = folder.resolve("trainer_state.json");
      Files.writeString(
          stateFile,
          Files.readString(stateFile)
              .replaceAll("\"random_state\" : -?\\d+", "\"random_state\" : \"x\""));
      UserInputException e =
          assertThrows(UserInputException.class, () -> trainer.loadState(folder));
      assertEquals(
          stateFile + ": key \"random_state\" is \"x\", expected an integer", e.getMessage());
    }
  }

  /** The policy's, the critics' and the target's parameters, by prefixed name. */
  private static Map<String, float[]> snapshot(SyntheticElmPolicy toy, SacTrainer trainer) {
    Map<String, float[]> all = new LinkedHashMap<>();
    parameters(toy.policy().parameters()).forEach((name, v) -> all.put("policy." + name, v));
    Map<String, Critic> critics = new LinkedHashMap<>();
    if (trainer.qCritic() != null) {
      critics.put("q.", trainer.qCritic());
    }
    critics.put("v.", trainer.vCritic());
    critics.put("v_target.", trainer.targetVCritic());
    critics.forEach(
        (prefix, critic) ->
            parameters(critic.parameters()).forEach((name, v) -> all.put(prefix + name, v)));
    return all;
  }

  private static Map<String, float[]> parameters(Map<String, NDArray> parameters) {
    Map<String, float[]> values = new LinkedHashMap<>();
    parameters.forEach((name, p) -> values.put(name, p.toFloatArray()));
    return values;
  }
}
