package dev.elmrlaif.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.BestOfEncoder;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.config.TrainerConfig;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.DataConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;
  private final ConfigLoader loader = new ConfigLoader();

  private Path write(String name, String yaml) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  private UserInputException fails(Path file, String... sets) {
    return assertThrows(UserInputException.class, () -> loader.load(file, List.of(sets)));
  }

  @Test
  void emptyFileGivesDefaultsNamedAfterTheFile() throws IOException {
    LoadedConfig loaded = loader.load(write("quick.yaml", ""), List.of());
    assertEquals(RlaifConfig.defaults().withName("quick"), loaded.config());
  }

  @Test
  void fileValuesOverrideDefaultsAndKeepTheRest() throws IOException {
    Path f = write("a.yaml", "seed: 7\ntrainer:\n  learning_rate: 1e-3\n  batch_size: 4\n");
    RlaifConfig c = loader.load(f, List.of()).config();
    assertEquals(7, c.seed());
    assertEquals(1e-3, c.trainer().learningRate());
    assertEquals(4, c.trainer().batchSize());
    assertEquals(TrainerConfig.defaults().maxSteps(), c.trainer().maxSteps());
    assertEquals(DataConfig.defaults(), c.data());
  }

  @Test
  void setOverridesAreTypedAndAppliedInOrder() throws IOException {
    Path f = write("a.yaml", "seed: 7\n");
    RlaifConfig c =
        loader
            .load(
                f,
                List.of(
                    "trainer.learning_rate=2e-4",
                    "seed=9",
                    "seed=11",
                    "stages=[data, report]",
                    "logging.tensorboard=false",
                    "data.root=/tmp/x y"))
            .config();
    assertEquals(2e-4, c.trainer().learningRate());
    assertEquals(11, c.seed());
    assertEquals(List.of(StageName.DATA, StageName.REPORT), c.stages());
    assertEquals(false, c.logging().tensorboard());
    assertEquals("/tmp/x y", c.data().root());
  }

  @Test
  void extendsLaysTheChildOverItsBaseRecursively() throws IOException {
    write("root.yaml", "seed: 1\ndevice: cpu\ntrainer:\n  batch_size: 2\n  max_steps: 5\n");
    write("mid.yaml", "extends: root.yaml\nseed: 2\ntrainer:\n  batch_size: 3\n");
    Path child = write("child.yaml", "extends: mid.yaml\ntrainer:\n  max_steps: 9\n");
    RlaifConfig c = loader.load(child, List.of()).config();
    assertEquals(2, c.seed());
    assertEquals("cpu", c.device());
    assertEquals(3, c.trainer().batchSize());
    assertEquals(9, c.trainer().maxSteps());
    assertEquals("child", c.name());
  }

  @Test
  void misspeltTopLevelKeyIsNamedWithASuggestionAndLine() throws IOException {
    Path f = write("bad.yaml", "seed: 1\ntrainr:\n  batch_size: 2\n");
    UserInputException e = fails(f);
    assertTrue(e.getMessage().contains("bad.yaml, line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key `trainr`"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean `trainer`?"), e.getMessage());
  }

  @Test
  void misspeltNestedKeyIsNamedWithItsPath() throws IOException {
    Path f = write("bad.yaml", "trainer:\n  learning_rat: 0.1\n");
    UserInputException e = fails(f);
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("`trainer.learning_rat`"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean `learning_rate`?"), e.getMessage());
  }

  @Test
  void yamlSyntaxErrorNamesTheLine() throws IOException {
    Path f = write("bad.yaml", "seed: 1\ntrainer:\n  batch_size: [1, 2\n  max_steps: 3\n");
    UserInputException e = fails(f);
    assertTrue(e.getMessage().startsWith(f + ", line "), e.getMessage());
    assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
  }

  @Test
  void negativeLearningRateNamesKeyAndAllowedRange() throws IOException {
    Path f = write("bad.yaml", "trainer:\n  learning_rate: -0.001\n");
    UserInputException e = fails(f);
    assertTrue(e.getMessage().contains("bad.yaml, line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("trainer.learning_rate: found -0.001"), e.getMessage());
    assertTrue(e.getMessage().contains("expected a value in (0, 10]"), e.getMessage());
  }

  @Test
  void outOfRangeOverrideNamesTheSetArgument() throws IOException {
    UserInputException e = fails(write("a.yaml", ""), "trainer.batch_size=0");
    assertTrue(e.getMessage().contains("--set trainer.batch_size=0"), e.getMessage());
    assertTrue(e.getMessage().contains("expected an integer in [1, 65536]"), e.getMessage());
  }

  @Test
  void wrongTypesNameTheKeyWhatWasFoundAndWhatWasExpected() throws IOException {
    UserInputException number = fails(write("a.yaml", "\n\ntrainer:\n  learning_rate: fast\n"));
    assertTrue(number.getMessage().contains("a.yaml, line 4"), number.getMessage());
    assertTrue(
        number.getMessage().contains("found \"fast\", expected a number"), number.getMessage());

    UserInputException whole = fails(write("b.yaml", "trainer:\n  batch_size: 2.5\n"));
    assertTrue(whole.getMessage().contains("`trainer.batch_size`"), whole.getMessage());
    assertTrue(whole.getMessage().contains("expected a whole number"), whole.getMessage());

    UserInputException enumValue = fails(write("c.yaml", "stages: [data, fly]\n"));
    assertTrue(enumValue.getMessage().contains("\"fly\""), enumValue.getMessage());
    assertTrue(
        enumValue.getMessage().contains("one of data, tokenizer, pretrain"),
        enumValue.getMessage());

    UserInputException section = fails(write("d.yaml", "trainer: 3\n"));
    assertTrue(section.getMessage().contains("`trainer` is a section"), section.getMessage());

    UserInputException device = fails(write("e.yaml", "seed: 1\ndevice: tpu\n"));
    assertTrue(device.getMessage().contains("e.yaml, line 2"), device.getMessage());
    assertTrue(
        device.getMessage().contains("expected auto, cpu, gpu or gpu:N"), device.getMessage());
  }

  @Test
  void theQuantizedBestOfEncoderNeedsTheFullMiniLmAsTheRunsEncoder() throws IOException {
    UserInputException e =
        fails(
            write(
                "q.yaml",
                "data:\n  text_encoder: tfidf\neval:\n  best_of: 4\n  temperature: 0.5\n"
                    + "  best_of_encoder: minilm_q\n"));
    assertTrue(e.getMessage().contains("q.yaml, line 6"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "eval.best_of_encoder: found minilm_q with data.text_encoder tfidf, expected"
                    + " data_encoder"),
        e.getMessage());
    assertEquals(
        BestOfEncoder.MINILM_Q,
        loader
            .load(
                write(
                    "ok.yaml",
                    "data:\n  text_encoder: minilm\neval:\n  best_of_encoder: minilm_q\n"),
                List.of())
            .config()
            .eval()
            .bestOfEncoder());
  }

  @Test
  void nullValueIsRejected() throws IOException {
    UserInputException e = fails(write("a.yaml", "data:\n  root:\n"));
    assertTrue(e.getMessage().contains("`data.root` needs a value"), e.getMessage());
  }

  @Test
  void duplicateKeyIsRejected() throws IOException {
    UserInputException e = fails(write("a.yaml", "seed: 1\nseed: 2\n"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
  }

  @Test
  void extendsErrors() throws IOException {
    UserInputException missing = fails(write("a.yaml", "extends: nowhere.yaml\n"));
    assertTrue(
        missing.getMessage().contains("nowhere.yaml, which does not exist"), missing.getMessage());

    write("x.yaml", "extends: y.yaml\n");
    write("y.yaml", "extends: x.yaml\n");
    UserInputException cycle = fails(dir.resolve("x.yaml"));
    assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());

    UserInputException notText = fails(write("b.yaml", "extends: 3\n"));
    assertTrue(
        notText.getMessage().contains("`extends` must name a YAML file"), notText.getMessage());
  }

  @Test
  void setErrors() throws IOException {
    Path f = write("a.yaml", "");
    assertTrue(fails(f, "seed").getMessage().contains("expected key.path=value"));
    UserInputException unknown = fails(f, "trainer.lr=1");
    assertTrue(unknown.getMessage().contains("--set trainer.lr=1"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("unknown key `trainer.lr`"), unknown.getMessage());
  }

  @Test
  void missingFileAndNonMappingTopLevel() throws IOException {
    assertTrue(fails(dir.resolve("none.yaml")).getMessage().contains("does not exist"));
    assertTrue(fails(write("l.yaml", "- a\n- b\n")).getMessage().contains("expected a mapping"));
  }

  @Test
  void printedConfigLoadsBackToTheSameConfigAndDocumentsEveryKey() throws IOException {
    Path f =
        write(
            "a.yaml",
            "seed: 5\ndata:\n  root: \"/data with space\"\ntrainer:\n  learning_rate: 1.0e-4\n");
    LoadedConfig loaded = loader.load(f, List.of("stages=[data]", "device=gpu:1"));
    String yaml = new ConfigPrinter().toYaml(loaded.config());
    Path again = write("again.yaml", yaml);
    LoadedConfig reloaded = loader.load(again, List.of());
    assertEquals(loaded.config(), reloaded.config());
    assertEquals(loaded.hash(), reloaded.hash());
    assertTrue(
        yaml.contains("learning_rate: 1.0E-4  # Peak learning rate of AdamW (default: 3.0E-4)")
            || yaml.contains(
                "learning_rate: 1.0E-4  # Peak learning rate of AdamW (default: 0.0003)"),
        yaml);
    for (String line : yaml.split("\n")) {
      assertTrue(line.contains("  # "), "every key is documented: " + line);
    }
  }

  @Test
  void hashChangesWithAnyValue() throws IOException {
    Path f = write("a.yaml", "");
    String h1 = loader.load(f, List.of()).hash();
    String h2 = loader.load(f, List.of("trainer.warmup_steps=51")).hash();
    assertNotEquals(h1, h2);
    assertEquals(h1, loader.load(f, List.of()).hash());
  }

  @Test
  void suggestionPicksTheNearestKey() {
    assertEquals(
        "; did you mean `trainer`?",
        ConfigKeys.suggestion("trainr", List.of("data", "trainer", "seed")));
    assertEquals(3, ConfigKeys.editDistance("kitten", "sitting"));
    assertTrue(
        ConfigKeys.suggestion("zzzzzzzz", List.of("data", "seed")).startsWith("; known keys:"));
  }
}
