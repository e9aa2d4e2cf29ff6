package dev.elmrlaif.rlaif.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rlaif.movielens.TinyMovieLens;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rlaif train} through the real data and tokenizer stages on a small generated MovieLens,
 * then a resume that must reuse (not redo) both.
 */
class PipelineOnTinyMovieLensTest {
  @TempDir Path dir;

  private int train(String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K obj = CommandLine.defaultFactory().create(cls);
            if (obj instanceof TrainCommand t) {
              t.env = Map.of();
            }
            return obj;
          }
        };
    CommandLine cli = RlaifCommand.commandLine(factory);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = cli.execute(args);
    if (code != 0) {
      throw new AssertionError("exit " + code + ": " + err);
    }
    return code;
  }

  @Test
  void dataThenTokenizerThenReport() throws IOException {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "stages: [data, tokenizer, report]",
            "data:",
            "  root: " + root,
            "  cache_dir: " + dir.resolve("cache"),
            "  held_out_movies: 0.2",
            "  held_out_users: 0.2",
            "  semantic_dimension: 8",
            "  auto_download: false",
            "  wals:",
            "    dimension: 4",
            "    iterations: 4",
            "tokenizer:",
            "  vocab_size: 400",
            ""));
    Path run = dir.resolve("run");
    train("train", cfg.toString(), "--run-dir", run.toString());

    ObjectMapper json = new ObjectMapper();
    JsonNode data = json.readTree(run.resolve("stages/data.json").toFile());
    assertTrue(data.get("train_examples").asInt() > 0);
    assertTrue(Files.isDirectory(Path.of(data.get("prepared_folder").asText())));
    assertTrue(Files.readString(run.resolve("data/summary.txt")).contains("entities"));

    try (ElmTokenizer tok = ElmTokenizer.load(run.resolve("tokenizer/tokenizer.json"))) {
      assertEquals(400, tok.vocabSize());
      assertEquals(1, tok.encode("<|entity_0|>").length);
      assertEquals(1, tok.encode("<|entity_1|>").length, "two-movie tasks need a second placeholder");
      String s = "A movie about love, loss and time travel.";
      assertEquals(s, tok.decode(tok.encode(s)));
    }
    String report = Files.readString(run.resolve("report.md"));
    assertTrue(report.contains("| tokenizer |"), report);
    assertTrue(report.contains("vocab_size = 400"), report);

    // A resume finds both stages done and leaves their outputs untouched.
    long tokenizerTime = Files.getLastModifiedTime(run.resolve("tokenizer/tokenizer.json")).toMillis();
    Files.delete(run.resolve("report.md"));
    Files.delete(run.resolve("stages/report.json"));
    train("train", "--resume", run.toString());
    assertEquals(tokenizerTime, Files.getLastModifiedTime(run.resolve("tokenizer/tokenizer.json")).toMillis());
    assertTrue(Files.exists(run.resolve("report.md")));
  }
}
