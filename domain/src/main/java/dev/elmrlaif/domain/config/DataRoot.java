package dev.elmrlaif.domain.config;

import dev.elmrlaif.domain.base.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The folder holding the domain data ({@code movielens/<dataset>/}, optionally {@code derived/}),
 * found in this order: the {@code data.root} key, the {@code RLAIF_DATA} environment variable, the
 * cache folder ({@code data.cache_dir}). A root that is named but missing is an error that says how
 * to set it.
 *
 * @param path the folder
 * @param source how it was found, for logs and error messages
 */
public record DataRoot(Path path, String source) {
  /** The environment variable that points at a data root. */
  public static final String ENV = "RLAIF_DATA";

  /**
   * Resolves the data root of a data section.
   *
   * @param rootOrigin where {@code data.root} was set, for the error message
   */
  public static DataRoot resolve(DataConfig data, Map<String, String> env, String rootOrigin) {
    if (!data.root().isBlank()) {
      Path p = Path.of(data.root());
      if (!Files.isDirectory(p)) {
        throw new UserInputException(
            rootOrigin
                + ": data root "
                + p.toAbsolutePath()
                + " does not exist; set data.root (or the "
                + ENV
                + " environment variable) to the folder that holds movielens/"
                + data.dataset()
                + "/");
      }
      return new DataRoot(p, "data.root");
    }
    String fromEnv = env.getOrDefault(ENV, "");
    if (!fromEnv.isBlank()) {
      Path p = Path.of(fromEnv);
      if (!Files.isDirectory(p)) {
        throw new UserInputException(
            ENV
                + "="
                + fromEnv
                + ": data root "
                + p.toAbsolutePath()
                + " does not exist; point "
                + ENV
                + " (or data.root in the config) at the folder that holds movielens/"
                + data.dataset()
                + "/");
      }
      return new DataRoot(p, ENV);
    }
    return new DataRoot(Path.of(data.cacheDir()), "data.cache_dir");
  }

  /** The folder of the configured MovieLens variant. */
  public Path movieLens(String dataset) {
    return path.resolve("movielens").resolve(dataset);
  }

  /**
   * Whether this root came from the cache folder rather than from {@code data.root} or {@code
   * RLAIF_DATA}.
   */
  public boolean isCache() {
    return source.equals("data.cache_dir");
  }

  /** The data files a run of this dataset reads, for the provenance fingerprint. */
  public List<Path> filesOf(String dataset) {
    List<Path> files =
        new ArrayList<>(dev.elmrlaif.domain.base.Provenance.filesUnder(movieLens(dataset)));
    files.addAll(dev.elmrlaif.domain.base.Provenance.filesUnder(path.resolve("derived")));
    return files;
  }
}
