package dev.elmrlaif.algorithms.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.elmrlaif.algorithms.rl.math.BaselineConfig;
import dev.elmrlaif.algorithms.rl.math.KlConfig;
import dev.elmrlaif.algorithms.rl.math.KlControllerConfig;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.algorithms.rl.math.KlLevel;
import dev.elmrlaif.domain.config.ConfigJson;
import dev.elmrlaif.domain.config.Doc;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The config records of this package and of rl.math bind from snake_case YAML with the loader's
 * mapper.
 */
class SyntheticConfigYamlTest {
  private final ObjectMapper mapper = ConfigJson.newMapper();

  private <T> T bind(String yaml, Class<T> type) throws Exception {
    return mapper.treeToValue(new YAMLMapper().readTree(yaml), type);
  }

  @Test
  void syntheticConfigBindsFromYaml() throws Exception {
    SyntheticConfig c =
        bind(
            """
        vocab_size: 3
        horizon: 2
        beta: 0.25
        seed: 11
        reference_temperature: 2.0
        reference_table:
          "": [0.2, 0.3, 0.5]
          "1": [0.5, 0.25, 0.25]
          "2": [1.0, 0.0, 0.0]
        reward:
          kind: table
          token: 0
          scale: 1.0
          table:
            "1 1": 2.0
            "2 0": -1.0
        d_model: 8
        """,
            SyntheticConfig.class);
    assertEquals(3, c.vocabSize());
    assertEquals(8, c.dModel());
    assertEquals(List.of(0.2, 0.3, 0.5), c.referenceTable().get(""));
    assertEquals(SyntheticRewardConfig.Kind.TABLE, c.reward().kind());
    SyntheticCoMdp comdp = SyntheticCoMdp.from(c);
    assertEquals(2.0, comdp.reward(List.of(1, 1)), 0.0);
    assertEquals(0.3 * 0.25, comdp.reference().sequenceProbability(List.of(1, 1)), 1e-15);
    // Defaults survive a write-read round trip through the same mapper.
    assertEquals(
        SyntheticConfig.defaults(),
        mapper.treeToValue(mapper.valueToTree(SyntheticConfig.defaults()), SyntheticConfig.class));
  }

  @Test
  void klConfigBindsFromYaml() throws Exception {
    KlConfig kl =
        bind(
            """
        estimator: k1
        clip: 5.0
        level: sequence
        placement: loss
        controller: {kind: adaptive, beta: 0.1, target: 3.0, horizon: 5000, gain: 0.1}
        """,
            KlConfig.class);
    assertEquals(KlEstimator.K1, kl.estimator());
    assertEquals(KlLevel.SEQUENCE, kl.level());
    assertEquals(KlControllerConfig.Kind.ADAPTIVE, kl.controller().kind());
    assertEquals(5.0, kl.clipBound(), 0.0);
    assertEquals(
        KlConfig.defaults(),
        mapper.treeToValue(mapper.valueToTree(KlConfig.defaults()), KlConfig.class));
    BaselineConfig baseline =
        bind("{kind: group_normalised, decay: 0.5, epsilon: 1.0e-4}", BaselineConfig.class);
    assertEquals(
        BaselineConfig.defaults()
            .with(
                b ->
                    b.kind(dev.elmrlaif.algorithms.rl.math.Baseline.GROUP_NORMALISED)
                        .decay(0.5)
                        .epsilon(1e-4)),
        baseline);
  }

  @Test
  void everyConfigComponentIsDocumented() {
    for (Class<?> type :
        List.of(
            SyntheticConfig.class,
            SyntheticRewardConfig.class,
            KlConfig.class,
            KlControllerConfig.class,
            BaselineConfig.class)) {
      for (RecordComponent component : type.getRecordComponents()) {
        assertTrue(
            component.isAnnotationPresent(Doc.class),
            type.getSimpleName() + "." + component.getName());
      }
    }
  }
}
