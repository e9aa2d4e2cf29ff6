package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Fetches a GroupLens MovieLens zip, checks its SHA-256, and unpacks it into {@code
 * <cache>/movielens/<name>/} without letting any entry escape that folder. The unpacked folder
 * appears atomically (extracted beside it, then renamed), so a killed download leaves no half
 * folder.
 */
public final class MovieLensDownloader {
  private static final Logger LOG = LogManager.getLogger(MovieLensDownloader.class);

  /** The datasets GroupLens publishes that this project reads, with their archive checksums. */
  public enum Dataset {
    ML_LATEST_SMALL(
        "ml-latest-small",
        "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip",
        "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436"),
    ML_25M(
        "ml-25m",
        "https://files.grouplens.org/datasets/movielens/ml-25m.zip",
        "8b21cfb7eb1706b4ec0aac894368d90acf26ebdfb6aced3ebd4ad5bd1eb9c6aa");

    private final String folderName;
    private final URI url;
    private final String sha256;

    Dataset(String folderName, String url, String sha256) {
      this.folderName = folderName;
      this.url = URI.create(url);
      this.sha256 = sha256;
    }

    /** The folder (and zip) name, e.g. "ml-latest-small". */
    public String folderName() {
      return folderName;
    }

    /** The dataset named {@code name} ("ml-latest-small" or "ml-25m"). */
    public static Dataset named(String name) {
      for (Dataset d : values()) {
        if (d.folderName.equals(name)) {
          return d;
        }
      }
      throw new UserInputException(
          "unknown MovieLens dataset '" + name + "'; expected ml-latest-small or ml-25m");
    }
  }

  private final HttpClient client;
  private final Duration timeout;

  public MovieLensDownloader(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Downloads {@code dataset} into {@code cacheDir} unless it is already there; returns the dataset
   * folder.
   */
  public Path download(Dataset dataset, Path cacheDir) {
    return download(dataset.url, dataset.sha256, dataset.folderName, cacheDir);
  }

  /**
   * Downloads the zip at {@code url}, which must hash to {@code sha256} and hold a folder {@code
   * name}/, into {@code cacheDir/movielens/}; returns {@code cacheDir/movielens/name}.
   */
  public Path download(URI url, String sha256, String name, Path cacheDir) {
    Path parent = cacheDir.resolve("movielens");
    Path target = parent.resolve(name);
    if (Files.isRegularFile(target.resolve("movies.csv"))) {
      return target;
    }
    try {
      Files.createDirectories(parent);
      Path zip = Files.createTempFile(parent, "." + name + "-", ".zip.part");
      try {
        String actual = fetch(url, zip);
        if (!actual.equalsIgnoreCase(sha256)) {
          throw new UserInputException(
              url
                  + ": SHA-256 is "
                  + actual
                  + ", expected "
                  + sha256
                  + "; the download is corrupt or the archive changed upstream");
        }
        Path staging = Files.createTempDirectory(parent, "." + name + "-unpack-");
        try {
          extractSafely(zip, staging);
          Path unpacked = staging.resolve(name);
          if (!Files.isRegularFile(unpacked.resolve("movies.csv"))) {
            throw new UserInputException(
                url + ": the archive has no " + name + "/movies.csv; expected a MovieLens zip");
          }
          moveAtomically(unpacked, target);
        } finally {
          deleteRecursively(staging);
        }
      } finally {
        Files.deleteIfExists(zip);
      }
    } catch (IOException e) {
      throw new UserInputException(
          "cannot download "
              + url
              + " ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "). Without internet, set data.root or "
              + "RLAIF_DATA to a folder holding movielens/"
              + name
              + "/",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("download of " + url + " interrupted", e);
    }
    LOG.info("downloaded {} into {}", url, target);
    return target;
  }

  /**
   * Unpacks {@code zip} into {@code folder}. An entry whose normalised path leaves {@code folder}
   * (".." segments, absolute paths) is refused before anything of it is written.
   */
  public static void extractSafely(Path zip, Path folder) throws IOException {
    Path root = folder.toAbsolutePath().normalize();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path destination = root.resolve(entry.getName()).normalize();
        if (!destination.startsWith(root) || destination.equals(root)) {
          throw new UserInputException(
              zip
                  + ": zip entry '"
                  + entry.getName()
                  + "' escapes the target folder "
                  + root
                  + "; refusing to unpack it");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(destination);
        } else {
          Files.createDirectories(destination.getParent());
          Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private String fetch(URI url, Path zip) throws IOException, InterruptedException {
    LOG.info("downloading {}", url);
    HttpRequest request =
        HttpRequest.newBuilder(url).timeout(timeout.multipliedBy(30)).GET().build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      MessageDigest digest = sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(zip), digest)) {
        body.transferTo(out);
      }
      return HexFormat.of().formatHex(digest.digest()).toLowerCase(Locale.ROOT);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteRecursively(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (var paths = Files.walk(folder)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not remove {}: {}", folder, e.getMessage());
    }
  }
}
