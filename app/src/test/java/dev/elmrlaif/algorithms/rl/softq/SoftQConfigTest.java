package dev.elmrlaif.algorithms.rl.softq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.elmrlaif.algorithms.rl.CriticArchitectureConfig;
import dev.elmrlaif.app.config.YamlConfigs;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.critics.QHead;
import dev.elmrlaif.domain.config.ConfigJson;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.replay.ReplayConfig;
import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;

/**
 * The {@code soft_q} section binds from snake_case YAML with the loader's mapper, maps onto the
 * replay and critics modules' configs, documents every key and rejects bad values with a message
 * naming the key, the value found and what was expected.
 */
class SoftQConfigTest {
  private final ObjectMapper mapper = ConfigJson.newMapper();

  @Test
  void bindsFromYaml() throws Exception {
    SoftQConfig config =
        mapper.treeToValue(
            new YAMLMapper()
                .readTree(
                    """
        samples_per_context: 4
        max_new_tokens: 12
        behaviour: reference
        replay: {capacity: 64, max_transitions: 500, prioritised: true, priority_exponent: 0.5,
                 importance_exponent: 1.0, epsilon: 0.01}
        batch_trajectories: 8
        q_updates_per_step: 3
        distill_updates_per_step: 0
        gamma: 0.9
        tau: 0.2
        alpha: 0.3
        q_learning_rate: 0.001
        policy_learning_rate: 0.0001
        weight_decay: 0.01
        grad_clip: 0.5
        critic: {trunk: separate, layers: 1, heads: 2, d_model: 32, q_head: tied, head_init_std: 0.02}
        seed: 17
        """),
            SoftQConfig.class);
    assertEquals(
        SoftQConfig.defaults()
            .with()
            .samplesPerContext(4)
            .maxNewTokens(12)
            .behaviour(SoftQBehaviour.REFERENCE)
            .replay(
                SoftQReplayConfig.defaults()
                    .with(
                        b ->
                            b.capacity(64)
                                .maxTransitions(500)
                                .prioritised(true)
                                .priorityExponent(0.5)
                                .importanceExponent(1.0)
                                .epsilon(0.01)))
            .batchTrajectories(8)
            .qUpdatesPerStep(3)
            .distillUpdatesPerStep(0)
            .gamma(0.9)
            .tau(0.2)
            .alpha(0.3)
            .qLearningRate(0.001)
            .policyLearningRate(0.0001)
            .weightDecay(0.01)
            .gradClip(0.5)
            .critic(
                CriticArchitectureConfig.defaults()
                    .with(
                        b ->
                            b.trunk(CriticTrunk.SEPARATE)
                                .layers(1)
                                .dModel(32)
                                .qHead(QHead.TIED)
                                .headInitStd(0.02)))
            .seed(17)
            .build(),
        config);
    assertEquals(new ReplayConfig(64, 500, true, 0.5, 1.0, 0.01), config.replay().toReplayConfig());
    assertEquals(
        new ReplayConfig(4096, 0, false, 0, 0, 0), SoftQReplayConfig.defaults().toReplayConfig());
    assertEquals(CriticTrunk.SEPARATE, config.critic().toCriticConfig(3).trunk());
    assertEquals(3, config.critic().toCriticConfig(3).seed());
    assertEquals(
        SoftQConfig.defaults(),
        mapper.treeToValue(mapper.valueToTree(SoftQConfig.defaults()), SoftQConfig.class));
  }

  @Test
  void everyKeyIsDocumented() {
    for (Class<?> type :
        new Class<?>[] {
          SoftQConfig.class, SoftQReplayConfig.class, CriticArchitectureConfig.class
        }) {
      for (RecordComponent component : type.getRecordComponents()) {
        assertNotNull(
            component.getAnnotation(Doc.class), type.getSimpleName() + "." + component.getName());
      }
    }
  }

  @Test
  void rejectsBadValuesNamingTheFullKeyAndLine() {
    assertRejected(
        "line 2: soft_q.samples_per_context: found 0, expected an integer >= 1",
        "soft_q:\n  samples_per_context: 0\n");
    assertRejected(
        "line 2: soft_q.distill_updates_per_step: found -1, expected an integer >= 0",
        "soft_q:\n  distill_updates_per_step: -1\n");
    assertRejected(
        "line 2: soft_q.gamma: found 1.5, expected a value in [0, 1]", "soft_q:\n  gamma: 1.5\n");
    assertRejected(
        "line 2: soft_q.tau: found 0.0, expected a value in (0, 1]", "soft_q:\n  tau: 0.0\n");
    assertRejected(
        "line 2: soft_q.alpha: found Infinity, expected a finite value > 0",
        "soft_q:\n  alpha: 1e400\n");
    assertRejected(
        "line 2: soft_q.q_learning_rate: found -1.0, expected a finite value > 0",
        "soft_q:\n  q_learning_rate: -1.0\n");
    assertRejected(
        "line 2: soft_q.behaviour: missing, expected policy, reference or offline",
        "soft_q:\n  behaviour: null\n");
    assertRejected(
        "line 2: soft_q.replay.importance_exponent: found 2.0, expected a value in [0, 1]",
        "soft_q:\n  replay: {prioritised: true, importance_exponent: 2.0}\n");
    assertRejected(
        "line 2: soft_q.replay.capacity: found 0, expected an integer >= 1",
        "soft_q:\n  replay: {capacity: 0}\n");
    assertRejected(
        "line 2: soft_q.critic: found layers=1 heads=3 d_model=16, expected positive integers with"
            + " d_model a multiple of heads",
        "soft_q:\n  critic: {trunk: separate, layers: 1, heads: 3, d_model: 16}\n");
  }

  private static void assertRejected(String message, String yaml) {
    String found = YamlConfigs.rejects(yaml).getMessage();
    assertTrue(found.contains(message), found);
  }
}
