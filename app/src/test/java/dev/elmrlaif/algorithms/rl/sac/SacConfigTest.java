package dev.elmrlaif.algorithms.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.critics.QHead;
import dev.elmrlaif.replay.ReplayConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

class SacConfigTest {
  @Test
  void theWithersRoundTripAndDefaultsAreValid() {
    SacConfig defaults = SacConfig.defaults();
    assertEquals(defaults, defaults.with().build());
    SacConfig changed =
        defaults.with(b -> b.updatesPerStep(4).alpha(SacAlphaConfig.fixed(0.3)).warmupSteps(10));
    assertEquals(4, changed.updatesPerStep());
    assertEquals(0.3, changed.alpha().value());
    assertEquals(10, changed.warmupSteps());
    assertEquals(KlControllerConfig.defaults().withBeta(0.3), changed.alpha().toController());
  }

  @Test
  void invalidValuesNameTheirFullKeyAndLine() {
    assertMessage(
        "line 2: sac.gamma: found 1.5, expected a value in [0, 1]", "sac:\n  gamma: 1.5\n");
    assertMessage("line 2: sac.tau: found 0.0, expected a value in (0, 1]", "sac:\n  tau: 0.0\n");
    assertMessage(
        "line 2: sac.updates_per_step: found 0, expected an integer >= 1",
        "sac:\n  updates_per_step: 0\n");
    assertMessage(
        "line 3: sac.alpha.value: found 0.0, expected a finite value > 0 (alpha is the temperature of the"
            + " soft values)",
        "sac:\n  alpha:\n    value: 0.0\n");
    assertMessage(
        "line 2: sac.critic_learning_rate: found -1.0, expected a finite value > 0",
        "sac:\n  critic_learning_rate: -1.0\n");
    assertMessage(
        "line 2: sac.replay.capacity: found 0, expected an integer >= 1",
        "sac:\n  replay: {capacity: 0}\n");
    assertMessage(
        "line 2: sac.critic: found layers=1 heads=3 d_model=8, expected positive integers with d_model a"
            + " multiple of heads",
        "sac:\n  critic: {trunk: separate, layers: 1, heads: 3, d_model: 8}\n");
    assertMessage(
        "line 2: sac.scale_rewards: found true without center_rewards, expected center_rewards: true"
            + " too",
        "sac:\n  scale_rewards: true\n");
  }

  @Test
  void theOldAlphaKeyStillReadsWithOneWarningAndItsErrorsNameItOnItsOwnLine() {
    List<String> warnings = new CopyOnWriteArrayList<>();
    org.apache.logging.log4j.core.Logger logger =
        (org.apache.logging.log4j.core.Logger) LogManager.getLogger(ConfigLoader.class);
    AbstractAppender capture =
        new AbstractAppender("alias-warnings", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            warnings.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
          }
        };
    capture.start();
    logger.addAppender(capture);
    try {
      assertEquals(
          0.25,
          YamlConfigs.load("sac:\n  alpha:\n    kind: fixed\n    beta: 0.25\n")
              .sac()
              .alpha()
              .value());
    } finally {
      logger.removeAppender(capture);
      capture.stop();
    }
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).startsWith("WARN ")
            && warnings
                .get(0)
                .contains(
                    "config.yaml, line 4: config key"
                        + " `sac.alpha.beta` is deprecated; it is read as `sac.alpha.value`"),
        warnings.get(0));
    assertEquals(0.5, YamlConfigs.load("", "sac.alpha.beta=0.5").sac().alpha().value());
    assertMessage(
        "config.yaml, line 5: sac.alpha.beta: found 0, expected a finite value > 0 (alpha is the"
            + " temperature of the soft values)",
        "seed: 1\nsac:\n  alpha:\n    kind: fixed\n    beta: 0\n");
    assertMessage(
        "--set sac.alpha.beta=0: sac.alpha.beta: found 0, expected a finite value > 0",
        "",
        "sac.alpha.beta=0");
    assertMessage(
        "line 3: `sac.alpha.beta` is the deprecated name of `sac.alpha.value`, which is given too",
        "sac:\n  alpha:\n    beta: 0.1\n    value: 0.2\n");
  }

  @Test
  void sectionsMapOntoTheModulesConfigs() {
    SacReplayConfig replay = SacReplayConfig.defaults().withCapacity(100);
    assertEquals(ReplayConfig.prioritised(100), replay.withPrioritised(true).toReplayConfig());
    assertEquals(ReplayConfig.uniform(100), replay.withPrioritised(false).toReplayConfig());
    CriticArchitectureConfig critic =
        CriticArchitectureConfig.defaults()
            .with(
                b -> b.trunk(CriticTrunk.SEPARATE).layers(2).heads(4).dModel(32).headInitStd(0.01));
    assertEquals(
        dev.elmrlaif.critics.CriticConfig.separate(2, 4, 32, 0.01, 9), critic.toCriticConfig(9));
    assertEquals(QHead.TIED, critic.withQHead(QHead.TIED).toCriticConfig(9).qHead());
  }

  @Test
  void theQHeadIsReadFromYamlAndABadOneIsNamed() {
    assertEquals(
        QHead.TIED, YamlConfigs.load("sac:\n  critic:\n    q_head: tied\n").sac().critic().qHead());
    assertEquals(QHead.FULL, YamlConfigs.load("seed: 1\n").sac().critic().qHead());
    assertMessage(
        "line 3: key `sac.critic.q_head`: found \"low_rank\", expected one of full, tied",
        "sac:\n  critic:\n    q_head: low_rank\n");
  }

  private static void assertMessage(String expected, String yaml, String... overrides) {
    String message = YamlConfigs.rejects(yaml, overrides).getMessage();
    assertTrue(message.contains(expected), message);
  }
}
