package dev.elmrlaif.domain.movielens;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Assumptions;

/**
 * Where integration tests find the real data: {@code RLAIF_DATA}, else {@code ../shared/data}
 * relative to the repository root (tests run in the module folder). Absent data skips the test
 * loudly: a JUnit assumption with a message, and a warning in the log.
 */
public final class RealData {
  private RealData() {}

  /** The data root holding {@code movielens/ml-latest-small}, or skips the calling test. */
  public static Path requireRoot() {
    String fromEnvironment = System.getenv("RLAIF_DATA");
    Path root =
        fromEnvironment == null || fromEnvironment.isBlank()
            ? Path.of("../../shared/data")
            : Path.of(fromEnvironment);
    Path ratings = root.resolve("movielens/ml-latest-small/ratings.csv");
    if (!Files.isRegularFile(ratings)) {
      LogManager.getLogger(RealData.class)
          .warn(
              "SKIPPED: real MovieLens data not found at {}; set RLAIF_DATA",
              ratings.toAbsolutePath());
    }
    Assumptions.assumeTrue(
        Files.isRegularFile(ratings),
        "SKIPPED: real MovieLens data not found at "
            + ratings.toAbsolutePath()
            + "; set RLAIF_DATA to run this test");
    return root;
  }
}
