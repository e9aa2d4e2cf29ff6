package dev.elmrlaif.rlaif.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.replay.ReplayConfig;
import dev.elmrlaif.rlaif.UserInputException;
import org.junit.jupiter.api.Test;

class SacConfigTest {
  @Test
  void theBuilderRoundTripsAndDefaultsAreValid() {
    SacConfig defaults = SacConfig.defaults();
    assertEquals(defaults, defaults.toBuilder().build());
    SacConfig changed = SacConfig.builder().updatesPerStep(4).fixedAlpha(0.3).warmupSteps(10).build();
    assertEquals(4, changed.updatesPerStep());
    assertEquals(0.3, changed.alpha().beta());
    assertEquals(10, changed.warmupSteps());
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertMessage("sac.gamma: found 1.5, expected a value in [0, 1]", () -> SacConfig.builder().gamma(1.5).build());
    assertMessage("sac.tau: found 0.0, expected a value in (0, 1]", () -> SacConfig.builder().tau(0).build());
    assertMessage("sac.updates_per_step: found 0, expected an integer >= 1",
        () -> SacConfig.builder().updatesPerStep(0).build());
    assertMessage("sac.alpha.beta: found 0.0, expected a value > 0 (alpha is the temperature of the soft values)",
        () -> SacConfig.builder().fixedAlpha(0).build());
    assertMessage("sac.critic_learning_rate: found -1.0, expected a finite value > 0",
        () -> SacConfig.builder().criticLearningRate(-1).build());
    assertMessage("sac.replay.capacity: found 0, expected an integer >= 1", () -> new SacReplayConfig(0, false));
    assertMessage("sac.critic: found layers=1 heads=3 d_model=8, expected positive integers with d_model a"
        + " multiple of heads", () -> new SacCriticConfig(CriticTrunk.SEPARATE, 1, 3, 8, 0));
  }

  @Test
  void sectionsMapOntoTheModulesConfigs() {
    assertEquals(ReplayConfig.prioritised(100), new SacReplayConfig(100, true).toReplayConfig());
    assertEquals(ReplayConfig.uniform(100), new SacReplayConfig(100, false).toReplayConfig());
    SacCriticConfig critic = new SacCriticConfig(CriticTrunk.SEPARATE, 2, 4, 32, 0.01);
    assertEquals(dev.elmrlaif.critics.CriticConfig.separate(2, 4, 32, 0.01, 9), critic.toCriticConfig(9));
  }

  private static void assertMessage(String expected, Runnable build) {
    assertEquals(expected, assertThrows(UserInputException.class, build::run).getMessage());
  }
}
