package dev.elmrlaif.app.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a config written inline, the way a user's file is loaded (the one validation path: ranges,
 * the records' own checks, full key paths and lines), so tests of bad values see what a user sees.
 * The file is {@code config.yaml} in a fresh temporary folder, deleted afterwards.
 */
public final class YamlConfigs {
  private YamlConfigs() {}

  /** The config that {@code yaml} (a whole file's text) and the {@code --set} overrides give. */
  public static RlaifConfig load(String yaml, String... overrides) {
    return withFile(yaml, file -> new ConfigLoader().load(file, List.of(overrides)).config());
  }

  /** The error that loading {@code yaml} with the overrides gives; fails the test when it loads. */
  public static UserInputException rejects(String yaml, String... overrides) {
    return withFile(
        yaml,
        file ->
            assertThrows(
                UserInputException.class, () -> new ConfigLoader().load(file, List.of(overrides))));
  }

  private static <T> T withFile(String yaml, java.util.function.Function<Path, T> use) {
    try {
      Path dir = Files.createTempDirectory("rlaif-config");
      Path file = dir.resolve("config.yaml");
      Files.writeString(file, yaml);
      try {
        return use.apply(file);
      } finally {
        Files.delete(file);
        Files.delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
