package dev.elmrlaif.algorithms.rl.softq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.replay.Trajectory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One step of {@link SoftQTrainer} by hand: the first critic loss, the metrics of the {@code
 * RlTrainer} contract and what goes into the replay buffer (and from which policy).
 */
class SoftQTrainerTest {
  private static final double ALPHA = 0.5;

  private static SoftQConfig config() {
    return SoftQConfig.defaults()
        .with()
        .samplesPerContext(16)
        .maxNewTokens(2)
        .batchTrajectories(8)
        .qUpdatesPerStep(1)
        .distillUpdatesPerStep(1)
        .alpha(ALPHA)
        .tau(0.25)
        .seed(4)
        .build();
  }

  /**
   * With the zero-initialised head (Q = Q̄ = 0), {@code V̄*(s) = α log Σ_a π_ref(a|s) = 0}, so
   * every target is the step reward and {@code L_Q = mean over states of r_t²}: over all 13
   * sequences (25 states), {@code Σ_y r(y)² / 25}.
   */
  @Test
  void firstCriticLossIsTheMeanSquaredStepReward() {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT64, 2)) {
      SyntheticCoMdp coMdp = toy.coMdp(SoftQToy.tokenReward(), ALPHA);
      try (SoftQTrainer trainer = SoftQToy.trainer(toy, coMdp, config())) {
        double expected = 0;
        for (List<Integer> y : toy.mdp().sequences()) {
          expected += coMdp.reward(y) * coMdp.reward(y) / 25;
        }
        SoftQTrainer.CriticUpdate update = trainer.updateCritic(SoftQToy.everySequence(toy, coMdp));
        assertEquals(expected, update.loss(), 1e-12);
        assertTrue(update.gradNorm() > 0, "the critic gets a gradient");
      }
    }
  }

  @Test
  void stepReportsTheContractMetricsAndFillsTheBuffer() {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 2)) {
      SyntheticCoMdp coMdp = toy.coMdp(SoftQToy.tokenReward(), ALPHA);
      try (SoftQTrainer trainer = SoftQToy.trainer(toy, coMdp, config())) {
        assertEquals(RlAlgorithm.SOFT_Q, trainer.algorithm());
        RlStep step = trainer.step(List.of(toy.prompt()));
        assertTrue(
            step.metrics()
                .keySet()
                .containsAll(
                    Set.of(
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
                        "distill_loss",
                        "buffer_size",
                        "alpha")),
            step.metrics().keySet().toString());
        assertEquals(16, step.completions().size());
        assertEquals(16.0, step.metrics().get("buffer_size"));
        assertEquals(1, trainer.completedSteps());
        double rewardMean = 0;
        double lengthMean = 0;
        for (int row = 0; row < 16; row++) {
          int[] completion = step.completions().get(row);
          assertEquals(
              coMdp.reward(SoftQToy.prefix(completion, completion.length)), step.rewards()[row]);
          rewardMean += step.rewards()[row] / 16;
          lengthMean += completion.length / 16.0;
        }
        assertEquals(rewardMean, step.metrics().get("reward_mean"), 1e-12);
        assertEquals(lengthMean, step.metrics().get("length_mean"), 1e-12);
        // Measured before the first update, where π_θ = π_ref: every KL is 0.
        for (String kl : List.of("kl_k1", "kl_k2", "kl_k3", "kl_exact")) {
          assertEquals(0.0, step.metrics().get(kl), 1e-6, kl);
        }
        assertEquals(ALPHA, step.metrics().get("beta"));
        assertTrue(step.metrics().get("entropy") > 0);
        RlStep second = trainer.step(List.of(toy.prompt()));
        assertTrue(second.metrics().get("kl_exact") > 0, "the distillation moved the policy");
        assertEquals(32.0, second.metrics().get("buffer_size"));
      }
    }
  }

  /**
   * Each stored trajectory records the log-probs of the policy that generated it: with {@code
   * behaviour: reference} they are {@code π_ref}'s even after the policy moved away; with {@code
   * behaviour: policy} they are the moved policy's, so they differ from {@code π_ref}'s.
   */
  @ParameterizedTest
  @EnumSource(
      value = SoftQBehaviour.class,
      names = {"POLICY", "REFERENCE"})
  void storedTrajectoriesComeFromTheBehaviourPolicy(SoftQBehaviour behaviour) {
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 2)) {
      SyntheticCoMdp coMdp = toy.coMdp(SoftQToy.tokenReward(), ALPHA);
      SoftQConfig config = config().with().behaviour(behaviour).policyLearningRate(0.05).build();
      try (SoftQTrainer trainer = SoftQToy.trainer(toy, coMdp, config)) {
        trainer.step(List.of(toy.prompt()));
        trainer.step(List.of(toy.prompt()));
        double largestGap = 0;
        for (Trajectory trajectory : trainer.buffer().snapshot()) {
          if (trajectory.policyVersion() == 1) { // generated after the first distillation update
            double[] behaviourLogProbs = trajectory.behaviourLogProbs();
            double[] referenceLogProbs = trajectory.referenceLogProbs();
            for (int t = 0; t < trajectory.length(); t++) {
              largestGap =
                  Math.max(largestGap, Math.abs(behaviourLogProbs[t] - referenceLogProbs[t]));
            }
          }
        }
        if (behaviour == SoftQBehaviour.REFERENCE) {
          assertEquals(0.0, largestGap, 1e-5);
        } else {
          assertTrue(largestGap > 1e-3, "the policy moved away from pi_ref: " + largestGap);
        }
      }
    }
  }

  @Test
  void rejectsModelsOfDifferentVocabularies() {
    try (SyntheticElmPolicy four = SyntheticElmPolicy.initialize(4, 2, 8, DataType.FLOAT32, 2);
        SyntheticElmPolicy five = SyntheticElmPolicy.initialize(5, 2, 8, DataType.FLOAT32, 2)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new SoftQTrainer(four.policy(), five.reference(), (c, y) -> 0, config()));
      assertEquals(
          "SoftQTrainer: the policy's vocabulary has 4 tokens and the reference's 5, expected the"
              + " same vocabulary",
          e.getMessage());
    }
  }
}
