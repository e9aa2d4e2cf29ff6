package dev.elmrlaif.domain.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpServer;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensDownloaderTest {
  @TempDir Path dir;

  private static byte[] zip(String... namesAndContents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        ZipEntry entry = new ZipEntry(namesAndContents[i]);
        entry.setTime(
            0L); // fixed timestamp: the archive, and so its SHA-256, is the same every run
        out.putNextEntry(entry);
        out.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void refusesAnEntryThatEscapesTheTargetFolder() throws IOException {
    Path archive = dir.resolve("evil.zip");
    Files.write(
        archive,
        zip("ml-latest-small/movies.csv", "movieId,title,genres\n", "../../escaped.txt", "gotcha"));
    Path target = dir.resolve("a/b");
    Files.createDirectories(target);
    UserInputException e =
        assertThrows(
            UserInputException.class, () -> MovieLensDownloader.extractSafely(archive, target));
    assertTrue(
        e.getMessage().contains("zip entry '../../escaped.txt' escapes the target folder"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("escaped.txt")));

    Path absolute = dir.resolve("absolute.zip");
    Files.write(absolute, zip("/tmp/elm-rlaif-absolute-entry.txt", "x"));
    Path other = dir.resolve("c");
    Files.createDirectories(other);
    UserInputException absoluteEntry =
        assertThrows(
            UserInputException.class, () -> MovieLensDownloader.extractSafely(absolute, other));
    assertTrue(
        absoluteEntry.getMessage().contains("'/tmp/elm-rlaif-absolute-entry.txt' escapes"),
        absoluteEntry.getMessage());
    assertFalse(Files.exists(Path.of("/tmp/elm-rlaif-absolute-entry.txt")));
  }

  /** A checksum that differs from {@code sha} in its first digit, whatever that digit is. */
  private static String corrupted(String sha) {
    char first = sha.charAt(0) == '0' ? '1' : '0';
    return first + sha.substring(1);
  }

  @Test
  void downloadsChecksUnpacksAndReusesThroughAnInProcessServer() throws IOException {
    byte[] archive =
        zip(
            "ml-latest-small/movies.csv",
            "movieId,title,genres\r\n1,Heat (1995),Crime\r\n",
            "ml-latest-small/ratings.csv",
            "userId,movieId,rating,timestamp\r\n1,1,4.0,1\r\n");
    String sha = Hashing.sha256().hashBytes(archive).toString();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int[] hits = {0};
    server.createContext(
        "/ml.zip",
        exchange -> {
          hits[0]++;
          exchange.sendResponseHeaders(200, archive.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(archive);
          }
        });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ml.zip");
      MovieLensDownloader downloader = new MovieLensDownloader(Duration.ofSeconds(5));
      UserInputException corrupt =
          assertThrows(
              UserInputException.class,
              () -> downloader.download(url, corrupted(sha), "ml-latest-small", dir));
      assertTrue(corrupt.getMessage().contains("SHA-256 is " + sha), corrupt.getMessage());
      assertFalse(
          Files.exists(dir.resolve("movielens/ml-latest-small")),
          "nothing unpacked from a bad archive");

      Path folder = downloader.download(url, sha, "ml-latest-small", dir);
      assertEquals(dir.resolve("movielens/ml-latest-small"), folder);
      assertTrue(Files.readString(folder.resolve("movies.csv")).contains("Heat (1995)"));
      downloader.download(url, sha, "ml-latest-small", dir);
      assertEquals(2, hits[0], "the second call reuses the unpacked folder");
      try (var leftovers = Files.list(dir.resolve("movielens"))) {
        assertEquals(1, leftovers.count(), "no temporary files are left behind");
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void offlineFailureSaysWhatToSet() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + closedPort + "/ml-latest-small.zip");
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () ->
                new MovieLensDownloader(Duration.ofSeconds(2))
                    .download(url, "ab", "ml-latest-small", dir));
    assertTrue(e.getMessage().contains("set data.root or RLAIF_DATA"), e.getMessage());
    assertEquals("ml-25m", MovieLensDownloader.Dataset.named("ml-25m").folderName());
    assertThrows(UserInputException.class, () -> MovieLensDownloader.Dataset.named("ml-1b"));
  }
}
