package dev.elmrlaif.rlaif.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elmrlaif.rlaif.pipeline.RunContext;
import dev.elmrlaif.rlaif.train.TinyElmWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eval stage on the tiny world: eval.json's shape, closed-form baselines, and the `rlaif eval` command. */
class EvalStageTest {
  @TempDir Path dir;

  @Test
  void evaluatesMovieAndUserModelsBesideTheBaselinesAndTheCommandRewritesTheTables() throws Exception {
    SupervisedTinyRun trained = SupervisedTinyRun.train(dir);
    Path runDir = trained.runDir();
    RunContext context = trained.context();
    Map<String, Object> record = new EvalStage(trained.setup()).run(context);
    context.metrics().close();

    JsonNode eval = EvalReport.readJson(runDir);
    assertEquals("test", eval.get("split").asText());
    JsonNode sftTable = eval.get("stages").get("sft");
    assertEquals(6, sftTable.get("tasks").get("summary").get("n").asInt(), "every held-out movie");
    assertEquals(3, sftTable.get("tasks").get("user_profile").get("n").asInt(), "every held-out user");
    assertEquals(3, sftTable.get("tasks").get("pair").get("n").asInt(), "every held-out pair, two placeholders each");
    assertTrue(sftTable.get("tasks").get("summary").get("bc").isNull(), "no behavioral ground truth for movies");
    assertTrue(sftTable.get("tasks").get("user_profile").get("bc").isNumber(), "BC for the user task");
    assertTrue(sftTable.get("mean").get("sc").isNumber());
    for (String baseline : List.of("random_train_text", "random_embedding", "nearest_neighbour_text", "ground_truth")) {
      assertTrue(eval.get("baselines").has(baseline), baseline);
    }
    // Closed forms: a movie's semantic embedding is E_txt of its one text, so the ground truth's SC
    // is cos(E_txt(y), E_txt(y)) = 1; the user task's SC target is E_txt of the ground truth itself.
    JsonNode truth = eval.get("baselines").get("ground_truth").get("tasks");
    assertEquals(1.0, truth.get("summary").get("sc").asDouble(), 1e-5);
    assertEquals(1.0, truth.get("user_profile").get("sc").asDouble(), 1e-5);
    assertTrue(eval.get("baselines").get("random_train_text").get("tasks").get("summary").get("sc").asDouble() < 0.99,
        "another movie's text is not this movie's");
    assertEquals(record.get("sft_mean_sc"), sftTable.get("mean").get("sc").asDouble());
    String markdown = Files.readString(runDir.resolve(EvalReport.MARKDOWN_FILE));
    assertTrue(markdown.contains("| summary | 6 |"), markdown);
    assertTrue(markdown.contains("baseline: ground_truth"), markdown);
    List<String> samples = Files.readAllLines(runDir.resolve(EvalReport.SAMPLES_FILE));
    assertEquals(3 * 3, samples.size(), "three generations for each of the three tasks");
    JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(samples.get(0));
    assertEquals(TinyElmWorld.movieText(0), first.get("ground_truth").asText());
    assertTrue(first.has("generated"));

    // rlaif eval RUN_DIR recomputes the same tables from the run folder alone
    Files.delete(runDir.resolve(EvalReport.JSON_FILE));
    StringWriter out = new StringWriter();
    picocli.CommandLine cli = dev.elmrlaif.rlaif.cli.RlaifCommand.commandLine(new picocli.CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return picocli.CommandLine.defaultFactory().create(cls);
      }
    });
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("eval", runDir.toString()));
    assertTrue(out.toString().contains("| summary | 6 |"), out.toString());
    // the command uses the default eval section (more BC candidates); the SC of the texts is the same
    assertEquals(truth.get("summary"), EvalReport.readJson(runDir).get("baselines").get("ground_truth").get("tasks")
        .get("summary"));
  }

  @Test
  void evalOfAFolderThatIsNoRunExitsTwoNamingIt() {
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = dev.elmrlaif.rlaif.cli.RlaifCommand.commandLine(picocli.CommandLine.defaultFactory());
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("eval", dir.resolve("nothing").toString()));
    assertTrue(err.toString().contains("nothing: not a run folder (no config.yaml in it)"), err.toString());
  }
}
