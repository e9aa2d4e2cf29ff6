package dev.elmrlaif.algorithms.rl.softq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.algorithms.rl.RlStep;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline RL from a saved replay buffer: a buffer that the reference filled in one run is saved,
 * and a fresh policy trained from that file alone, generating nothing, reaches the KL-regularised
 * optimum of the synthetic CoMDP.
 */
class SoftQOfflineTest {
  private static final Logger LOG = LogManager.getLogger(SoftQOfflineTest.class);

  private static SoftQConfigBuilder toyConfig(double beta) {
    return SoftQConfig.defaults()
        .with()
        .samplesPerContext(32)
        .maxNewTokens(2)
        .replay(SoftQReplayConfig.defaults().withCapacity(2048))
        .batchTrajectories(32)
        .qUpdatesPerStep(4)
        .distillUpdatesPerStep(2)
        .tau(0.1)
        .alpha(beta)
        .qLearningRate(0.05)
        .policyLearningRate(0.01)
        .gradClip(0)
        .critic(
            CriticArchitectureConfig.defaults()
                .with(b -> b.trunk(CriticTrunk.SEPARATE).layers(1).heads(1).dModel(16)))
        .seed(7);
  }

  @Test
  void aFreshPolicyLearnsTheOptimumFromASavedBufferAlone(@TempDir Path dir) throws IOException {
    double beta = 2.0; // close enough to pi_ref for its data to cover what pi* needs
    Path saved = dir.resolve("collected");
    Files.createDirectories(saved);
    try (SyntheticElmPolicy collector =
        SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      SyntheticCoMdp coMdp = collector.coMdp(SoftQToy.tokenReward(), beta);
      try (SoftQTrainer online =
          SoftQToy.trainer(
              collector, coMdp, toyConfig(beta).behaviour(SoftQBehaviour.REFERENCE).build())) {
        for (int step = 0; step < 40; step++) {
          online.step(List.of(collector.prompt()));
        }
        online.saveState(saved);
      }
    }
    Path buffer = saved.resolve("replay.bin");
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      SyntheticCoMdp coMdp = toy.coMdp(SoftQToy.tokenReward(), beta);
      double initial = toy.totalVariationToOptimal(coMdp);
      try (SoftQTrainer offline =
          SoftQToy.trainer(
              toy,
              coMdp,
              toyConfig(beta)
                  .behaviour(SoftQBehaviour.OFFLINE)
                  .offlineBuffer(buffer.toString())
                  .build())) {
        int stored = offline.buffer().size();
        assertEquals(40 * 32, stored, "the saved buffer holds every collected trajectory");
        for (int step = 0; step < 150; step++) {
          RlStep result = offline.step(List.of(toy.prompt()));
          assertTrue(result.completions().isEmpty(), "offline steps generate nothing");
        }
        assertEquals(
            stored, offline.buffer().size(), "offline training adds nothing to the buffer");
      }
      double trained = toy.totalVariationToOptimal(coMdp);
      LOG.info(
          "offline soft-Q from {} reference trajectories: TV to pi* {} -> {}",
          40 * 32,
          initial,
          trained);
      assertTrue(initial > 0.1, "the start must be far from the optimum: TV " + initial);
      assertTrue(trained <= 0.05, "TV to pi* after offline training: " + trained);
    }
  }

  @Test
  void theOfflineKeysMustAgreeAndTheFileMustExist(@TempDir Path dir) {
    UserInputException noFile = YamlConfigs.rejects("soft_q:\n  behaviour: offline\n");
    assertTrue(
        noFile.getMessage().contains("line 1: soft_q.offline_buffer: empty"), noFile.getMessage());
    UserInputException notOffline =
        YamlConfigs.rejects("soft_q:\n  behaviour: policy\n  offline_buffer: x.bin\n");
    assertTrue(
        notOffline.getMessage().contains("expected it empty unless behaviour is offline"),
        notOffline.getMessage());
    try (SyntheticElmPolicy toy = SyntheticElmPolicy.initialize(4, 2, 16, DataType.FLOAT32, 3)) {
      SyntheticCoMdp coMdp = toy.coMdp(SoftQToy.tokenReward(), 1.0);
      Path missing = dir.resolve("missing.bin");
      UserInputException absent =
          assertThrows(
              UserInputException.class,
              () ->
                  SoftQToy.trainer(
                      toy,
                      coMdp,
                      toyConfig(1.0)
                          .behaviour(SoftQBehaviour.OFFLINE)
                          .offlineBuffer(missing.toString())
                          .build()));
      assertTrue(
          absent.getMessage().startsWith("soft_q.offline_buffer: " + missing + " does not exist"),
          absent.getMessage());
    }
  }
}
