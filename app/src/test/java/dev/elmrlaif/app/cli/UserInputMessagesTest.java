package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.files.EntityRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that used to be accepted silently or answered with a message pointing the wrong way: each
 * is now one line naming the file and line, the {@code --set} or the key, and exit 2 before
 * anything is written (or, for a ratings file with no row, a summary that says BC is unavailable).
 */
@Tag("reliability")
class UserInputMessagesTest {
  @TempDir Path dir;

  @Test
  void aBadSetIsBlamedOnTheSetNotOnTheFile() throws IOException {
    Path config = Files.writeString(dir.resolve("c.yaml"), "seed: 1\nstages: [rl]\n");
    CliHarness.Result result =
        CliHarness.run(
            "train",
            config.toString(),
            "--set",
            "stages=[data,bogus]",
            "--runs-root",
            dir.resolve("runs").toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: --set stages=[data,bogus]: key `stages[1]`: found \"bogus\", expected one of data, tokenizer,"
            + " pretrain, sft, rl, eval, report",
        result.err().strip());
    assertFalse(Files.exists(dir.resolve("runs")), "nothing written");
  }

  @Test
  void anExtendsCycleIsPrintedInTheOrderTheFilesNameEachOther() throws IOException {
    Path a = Files.writeString(dir.resolve("a.yaml"), "extends: b.yaml\n");
    Path b = Files.writeString(dir.resolve("b.yaml"), "extends: a.yaml\n");
    CliHarness.Result result = CliHarness.run("train", a.toString(), "--print-config");
    assertEquals(2, result.exitCode(), result.err());
    String an = a.toAbsolutePath().normalize().toString();
    assertTrue(
        result
            .err()
            .strip()
            .endsWith(
                "`extends` forms a cycle: "
                    + an
                    + " -> "
                    + b.toAbsolutePath().normalize()
                    + " -> "
                    + an),
        result.err());
  }

  @Test
  void randomBytesAsAConfigNameTheFileAndSayItIsNotUtf8Yaml() throws IOException {
    byte[] noise = new byte[256];
    new Random(3).nextBytes(noise);
    noise[0] = 'a';
    noise[1] = '\n';
    noise[2] = (byte) 0xC3; // a lead byte followed by an ASCII byte: never UTF-8
    noise[3] = 'x';
    Path config = Files.write(dir.resolve("noise.yaml"), noise);
    CliHarness.Result result = CliHarness.run("train", config.toString(), "--print-config");
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: "
            + config
            + ", line 2: byte 0xc3 (byte offset 2) is not UTF-8; expected a YAML config in UTF-8",
        result.err().strip());
  }

  @Test
  void aSweepMetricWithATypoStopsBeforeAnyRunNamingTheMetricAndTheFile() throws IOException {
    Path base = Files.writeString(dir.resolve("base.yaml"), "seed: 1\nstages: [rl]\n");
    Path sweep =
        Files.writeString(
            dir.resolve("sweep.yaml"),
            String.join(
                "\n",
                "config: " + base.getFileName(),
                "seeds: [1, 2]",
                "metrics: [stages.sft.mean.sc, stages.sft.mean.scc]",
                ""));
    CliHarness.Result result =
        CliHarness.run("sweep", sweep.toString(), "--runs-root", dir.resolve("runs").toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(
        result
            .err()
            .startsWith(
                "error: "
                    + sweep
                    + ", line 3: metrics: 'stages.sft.mean.scc' is not a figure of"
                    + " eval.json; expected stages.<sft|rl_reinforce|rl_sac|rl_soft_q>.mean.<figure>"),
        result.err());
    assertFalse(Files.exists(dir.resolve("runs")), "nothing written");
  }

  @Test
  void aDuplicateMovieIdNamesTheFileAndBothLines() throws IOException {
    Path config = CliHarness.tinyMovieLensConfig(dir, "summary", "");
    Path movies = dir.resolve("data/movielens/ml-latest-small/movies.csv");
    Files.writeString(movies, Files.readString(movies) + "7,\"Another Seven (1999)\",Drama\r\n");
    CliHarness.Result result = CliHarness.run("data", "prepare", config.toString());
    assertEquals(2, result.exitCode(), result.err());
    assertEquals(
        "error: "
            + movies
            + ":62: movieId 7 appears again (first on line 8); expected unique movieIds",
        result.err().strip());
  }

  @Test
  void aRatingsFileWithOnlyItsHeaderDoesNotClaimBehavioralConsistency() throws IOException {
    Path config = CliHarness.tinyMovieLensConfig(dir, "summary, user_profile", "");
    Files.writeString(
        dir.resolve("data/movielens/ml-latest-small/ratings.csv"),
        "userId,movieId,rating,timestamp\r\n");
    CliHarness.Result result = CliHarness.run("data", "prepare", config.toString());
    String said = result.out() + result.err();
    assertEquals(0, result.exitCode(), said);
    assertTrue(said.contains("bc: unavailable: the interactions hold no row"), said);
  }

  @Test
  void aNonUtf8ByteInAnEntityFileNamesItsLine() throws IOException {
    Path file = dir.resolve("recipes.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 3000; i++) {
      lines
          .append("{\"id\": \"r")
          .append(i)
          .append("\", \"vectors\": {\"v\": [1, 2]}, \"texts\": {\"d\": \"dish ")
          .append(i)
          .append("\"}}\n");
    }
    byte[] good = lines.toString().getBytes(StandardCharsets.UTF_8);
    byte[] bad =
        "{\"id\": \"r3001\", \"vectors\": {\"v\": [1, 2]}, \"texts\": {\"d\": \"caf\u00e9\"}}\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[good.length + bad.length];
    System.arraycopy(good, 0, all, 0, good.length);
    System.arraycopy(bad, 0, all, good.length, bad.length);
    Files.write(file, all);
    UserInputException e =
        assertThrows(UserInputException.class, () -> EntityRecords.read("recipe", file));
    assertTrue(e.getMessage().startsWith(file + ":3001: byte 0xe9 (byte offset "), e.getMessage());
    assertTrue(
        e.getMessage().endsWith(") is not UTF-8; expected UTF-8 JSON lines"), e.getMessage());
  }
}
