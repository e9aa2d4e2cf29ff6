package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.DataRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Finds (and on first use downloads) the folder holding {@code movielens/<dataset>/}, in this
 * order: the config's {@code data.root}, the {@code RLAIF_DATA} environment variable, the cache
 * folder. When none holds the data and {@code data.auto_download} is on, the dataset is downloaded
 * into the cache folder, so a fresh machine with internet needs no setup; offline, the error says
 * what to set. Unlike {@link DataRoot}, which only locates a root for provenance, this one checks
 * that the dataset is really there and fetches it when allowed.
 */
public final class DatasetLocator {
  private static final Logger LOG = LogManager.getLogger(DatasetLocator.class);

  private DatasetLocator() {}

  /**
   * The data root for {@code config}, downloading with {@code downloader} when allowed and needed.
   */
  public static Path resolve(
      DataConfig config, Map<String, String> environment, MovieLensDownloader downloader) {
    String dataset = config.dataset();
    DataRoot found = DataRoot.resolve(config, environment, "data.root = " + config.root());
    if (!found.isCache()) {
      String origin =
          found.source().equals(DataRoot.ENV)
              ? DataRoot.ENV + " = " + found.path()
              : "data.root = " + config.root();
      requireDataset(found.path(), dataset, origin);
      return found.path();
    }
    Path cache = Path.of(config.cacheDir());
    if (holdsDataset(cache, dataset)) {
      return cache;
    }
    if (!config.autoDownload()) {
      throw new UserInputException(
          "no MovieLens data found: data.root is empty, "
              + DataRoot.ENV
              + " is unset and "
              + cache.resolve("movielens").resolve(dataset)
              + " does not exist; set data.root or "
              + DataRoot.ENV
              + ", or run './rlaif data download "
              + dataset
              + "'");
    }
    LOG.info("no data root configured and no {} in {}; downloading it", dataset, cache);
    downloader.download(MovieLensDownloader.Dataset.named(dataset), cache);
    return cache;
  }

  /** Whether {@code root} holds {@code movielens/<dataset>/movies.csv}. */
  public static boolean holdsDataset(Path root, String dataset) {
    return Files.isRegularFile(root.resolve("movielens").resolve(dataset).resolve("movies.csv"));
  }

  private static void requireDataset(Path root, String dataset, String origin) {
    if (!holdsDataset(root, dataset)) {
      throw new UserInputException(
          origin
              + ": "
              + root.resolve("movielens").resolve(dataset).resolve("movies.csv")
              + " not found; expected a data root holding movielens/"
              + dataset
              + "/ (see data/SOURCES.md)");
    }
  }
}
