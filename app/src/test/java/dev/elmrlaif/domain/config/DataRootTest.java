package dev.elmrlaif.domain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataRootTest {
  @TempDir Path dir;

  private LoadedConfig config(String yaml) throws IOException {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return new ConfigLoader().load(f, List.of());
  }

  /** The data root of a loaded config, as the train command resolves it. */
  private static DataRoot resolve(LoadedConfig loaded, Map<String, String> env) {
    return DataRoot.resolve(loaded.config().data(), env, loaded.originOf("data.root"));
  }

  @Test
  void configKeyWinsOverEnvironmentWhichWinsOverCache() throws IOException {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    assertEquals(
        new DataRoot(a, "data.root"),
        resolve(config("data:\n  root: " + a + "\n"), Map.of("RLAIF_DATA", b.toString())));
    assertEquals(
        new DataRoot(b, "RLAIF_DATA"), resolve(config(""), Map.of("RLAIF_DATA", b.toString())));
    assertEquals(
        new DataRoot(Path.of("my-cache"), "data.cache_dir"),
        resolve(config("data:\n  cache_dir: my-cache\n"), Map.of()));
  }

  @Test
  void missingEnvironmentRootNamesTheVariable() throws IOException {
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () -> resolve(config(""), Map.of("RLAIF_DATA", "/no/such/dir")));
    assertTrue(e.getMessage().startsWith("RLAIF_DATA=/no/such/dir: data root"), e.getMessage());
    assertTrue(e.getMessage().contains("movielens/ml-latest-small/"), e.getMessage());
  }

  @Test
  void dataFilesAreTheDatasetAndTheDerivedTexts() throws IOException {
    Path root = dir.resolve("d");
    Files.createDirectories(root.resolve("movielens/ml-latest-small"));
    Files.createDirectories(root.resolve("movielens/ml-25m"));
    Files.writeString(root.resolve("movielens/ml-latest-small/ratings.csv"), "x");
    Files.writeString(root.resolve("movielens/ml-25m/ratings.csv"), "not this one");
    Files.createDirectories(root.resolve("derived"));
    Files.writeString(root.resolve("derived/o.csv"), "y");
    DataRoot r = new DataRoot(root, DataRoot.ENV);
    assertEquals(
        List.of(
            root.resolve("movielens/ml-latest-small/ratings.csv"), root.resolve("derived/o.csv")),
        r.filesOf("ml-latest-small"));
    assertTrue(new DataRoot(root, "data.cache_dir").isCache());
  }
}
