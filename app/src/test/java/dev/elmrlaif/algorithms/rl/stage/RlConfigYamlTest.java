package dev.elmrlaif.algorithms.rl.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.RlConfig;
import dev.elmrlaif.algorithms.config.RlWarningsConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.rl.math.Baseline;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.app.config.ConfigPrinter;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.Doc;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rl, reinforce and synthetic sections load from snake_case YAML, print, and name bad keys. */
class RlConfigYamlTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("run.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void theRlSectionsLoadAndPrintBack() throws Exception {
    Path file =
        yaml(
            """
        stages: [rl, eval]
        rl:
          algorithms: [reinforce]
          environment: synthetic
          steps: 12
          steps_by_kind: {toy: 5}
          batch_contexts: 3
          checkpoint_every: 4
          kl_budget: 2.5
          warnings: {window: 6, entropy_collapse_fraction: 0.1}
          contexts: {tasks: [summary]}
        reinforce: {samples_per_context: 4, baseline: {kind: group_normalised}}
        synthetic: {vocab_size: 4, horizon: 2, d_model: 12}
        """);
    ConfigLoader loader = new ConfigLoader();
    RlaifConfig config = loader.load(file, List.of("rl.log_every=3")).config();
    RlConfig rl = config.rl();
    assertEquals(List.of(RlAlgorithm.REINFORCE), rl.algorithms());
    assertEquals(RlConfig.Environment.SYNTHETIC, rl.environment());
    assertEquals(12, rl.steps());
    assertEquals(5, rl.stepsFor("toy"), "a kind's own step count");
    assertEquals(12, rl.stepsFor("movie"), "rl.steps for a kind steps_by_kind does not name");
    assertEquals(3, rl.batchContexts());
    assertEquals(3, rl.logEvery());
    assertEquals(2.5, rl.klBudget(), 0.0);
    assertEquals(6, rl.warnings().window());
    assertEquals(0.5, rl.warnings().lengthDriftFraction(), 0.0, "a default inside a given section");
    assertEquals(List.of("summary"), rl.contexts().tasks());
    assertEquals(Baseline.GROUP_NORMALISED, config.reinforce().baseline().kind());
    assertEquals(12, config.synthetic().dModel());

    String printed = new ConfigPrinter().toYaml(config);
    for (String key :
        List.of(
            "rl:",
            "  kl_budget: 2.5",
            "  steps_by_kind:",
            "reinforce:",
            "synthetic:",
            "  d_model: 12")) {
      assertTrue(printed.contains(key), key + " in\n" + printed);
    }
    Path again = dir.resolve("printed.yaml");
    Files.writeString(again, printed);
    assertEquals(config, loader.load(again, List.of()).config(), "the printed config loads back");
  }

  @Test
  void badValuesNameTheKeyAndWhatWasExpected() throws Exception {
    Path file = yaml("rl: {steps: 0}\n");
    UserInputException steps =
        assertThrows(UserInputException.class, () -> new ConfigLoader().load(file, List.of()));
    assertTrue(
        steps.getMessage().contains("rl.steps") && steps.getMessage().contains("line 1"),
        steps.getMessage());
    UserInputException twice =
        assertThrows(
            UserInputException.class,
            () ->
                new ConfigLoader()
                    .load(file, List.of("rl.steps=5", "rl.algorithms=[reinforce, reinforce]")));
    assertTrue(
        twice.getMessage().contains("rl.algorithms")
            && twice.getMessage().contains("each algorithm once"),
        twice.getMessage());
    UserInputException environment =
        assertThrows(
            UserInputException.class,
            () -> new ConfigLoader().load(file, List.of("rl.steps=5", "rl.environment=toy")));
    assertTrue(environment.getMessage().contains("synthetic, domain"), environment.getMessage());
    Path zeroSteps = yaml("rl: {steps: 5, steps_by_kind: {user: 0}}\n");
    UserInputException kindSteps =
        assertThrows(UserInputException.class, () -> new ConfigLoader().load(zeroSteps, List.of()));
    assertTrue(
        kindSteps.getMessage().contains("rl.steps_by_kind.user")
            && kindSteps.getMessage().contains("expected a step count >= 1")
            && kindSteps.getMessage().contains("line 1"),
        kindSteps.getMessage());
  }

  @Test
  void everyComponentIsDocumented() {
    for (Class<?> type : List.of(RlConfig.class, RlWarningsConfig.class)) {
      for (RecordComponent component : type.getRecordComponents()) {
        assertTrue(
            component.isAnnotationPresent(Doc.class),
            type.getSimpleName() + "." + component.getName());
      }
    }
  }
}
