package dev.elmrlaif.app.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.RlaifConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config in the repository's {@code configs/} loads: keys exist, values are in range. */
class ShippedConfigsTest {
  @Test
  void everyShippedConfigLoads() throws IOException {
    Path configs = Path.of("..", "configs");
    assertTrue(Files.isDirectory(configs), "tests run in the module folder, beside ../configs");
    List<Path> files;
    try (Stream<Path> s = Files.list(configs)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    ConfigLoader loader = new ConfigLoader();
    for (Path f : files) {
      RlaifConfig c = loader.load(f, List.of()).config();
      assertFalse(c.stages().isEmpty(), f.toString());
    }
  }
}
