package dev.elmrlaif.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.pipeline.DataStage;
import dev.elmrlaif.app.eval.SupervisedTinyRun;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.rewards.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlaif generate --run RUN_DIR} with entities by name, on the tiny world's supervised run
 * (movies "movie 1" ... "movie 30", users with ids 1 ... 12, a concept "cheerful" added along the
 * first semantic axis): each text's SC is the cosine, recomputed here, of the encoder's vector of
 * the printed text with the target the command states; unknown names get the closest ones, exit 2.
 */
class GenerateByNameTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static Path run;
  private static PreparedData data;

  @BeforeAll
  static void trainTinyRun() throws Exception {
    SupervisedTinyRun trained = SupervisedTinyRun.train(dir);
    trained.context().metrics().close();
    run = trained.runDir();
    // the tiny world has no concept: add one along the first axis of the semantic space
    PreparedData tiny = trained.data();
    InMemoryDomain domain = tiny.domain();
    float[] direction = new float[domain.space(PreparedData.SEMANTIC).dimension()];
    direction[0] = 1;
    InMemoryDomain withConcept =
        new InMemoryDomain(
            domain.name(),
            domain.entityTables(),
            domain.spaces(),
            domain.texts(),
            domain.splits(),
            domain.ratings(),
            List.of(
                new Concept(
                    "cheerful", PreparedData.SEMANTIC, direction, 10, 0.9, "movie", new int[0])));
    data =
        new PreparedData(
            tiny.folder(),
            withConcept,
            tiny.tasks(),
            tiny.trainExamples(),
            tiny.heldOutExamples(),
            tiny.textEncoder(),
            tiny.ranking(),
            tiny.timings(),
            tiny.datasetSummary(),
            tiny.teacher(),
            false);
    Path prepared = run.resolve("prepared-with-concept");
    new PreparedDataStore().save(data, "tiny", prepared);
    ObjectNode marker = (ObjectNode) JSON.readTree(run.resolve("stages/data.json").toFile());
    marker.put(DataStage.PREPARED_FOLDER, prepared.toAbsolutePath().toString());
    Files.writeString(run.resolve("stages/data.json"), JSON.writeValueAsString(marker));
  }

  private static JsonNode generateOne(String... options) throws Exception {
    String[] args = new String[options.length + 7];
    System.arraycopy(
        new String[] {"generate", "--run", run.toString(), "--greedy", "--max-new-tokens", "8"},
        0,
        args,
        0,
        6);
    System.arraycopy(options, 0, args, 6, options.length);
    args[args.length - 1] = "--device=cpu";
    CliHarness.Result result = CliHarness.run(args);
    assertEquals(0, result.exitCode(), result.err());
    List<String> lines = result.out().lines().toList();
    assertEquals(1, lines.size(), result.out());
    return JSON.readTree(lines.get(0));
  }

  /**
   * cos(E_txt(text), target), computed here; 0 for a text the encoder maps to no vector (the
   * reward's fallback: the tiny model's few-step texts are often such).
   */
  private static double sc(String text, float[] target) {
    float[] encoded = data.textEncoder().encode(text);
    return text.isBlank() || Vectors.norm(encoded) == 0 ? 0.0 : Vectors.cosine(encoded, target);
  }

  /** The targets and vectors of a request, without a model. */
  private static GenerateByName.Context resolve(
      List<String> movies, String user, List<String> interpolate, String concept, String task) {
    return GenerateByName.open(
            new GenerateByName.Request(
                run, movies, user, interpolate, 0.25, concept, 2.0, task, null))
        .resolve();
  }

  @Test
  void theSlotVectorsAndScTargetsAreTheNamedEntitiesOnes() {
    // a movie: its semantic vector, the SC target too
    GenerateByName.Context movie = resolve(List.of("Movie 7"), null, List.of(), null, null);
    assertEquals("summary", movie.task().name(), "the first single-movie task");
    assertArrayEquals(semantic(6), movie.slots()[0]);
    assertArrayEquals(semantic(6), movie.target().semanticTarget().orElseThrow());
    assertTrue(movie.target().candidateSet().isEmpty(), "no BC for a movie task");
    // two movies fill the two-movie task
    assertEquals(
        "pair", resolve(List.of("movie 7", "movie 8"), null, List.of(), null, null).task().name());
    // a user: the behavioral vector in the slot; SC against E_txt(the user's profile), and BC
    GenerateByName.Context user = resolve(List.of(), "5", List.of(), null, null);
    assertEquals("user_profile", user.task().name());
    assertArrayEquals(data.domain().space(PreparedData.BEHAVIORAL).vector(4), user.slots()[0]);
    assertArrayEquals(
        data.textEncoder().encode(data.trainExamples().get("user_profile").get(1).target()),
        user.target().semanticTarget().orElseThrow());
    assertTrue(user.target().candidateSet().isPresent(), "BC candidates for a user");
    // the interpolation 0.75·e_7 + 0.25·e_9, which is also the SC target
    GenerateByName.Context mix =
        resolve(List.of(), null, List.of("movie 7", "movie 9"), null, "summary");
    float[] expected = new float[semantic(6).length];
    for (int d = 0; d < expected.length; d++) {
      expected[d] = (float) (0.75 * semantic(6)[d] + 0.25 * semantic(8)[d]);
    }
    assertArrayEquals(expected, mix.slots()[0]);
    assertArrayEquals(expected, mix.target().semanticTarget().orElseThrow());
    // e + 2·cav along the first axis
    GenerateByName.Context shifted = resolve(List.of("movie 7"), null, List.of(), "Cheerful", null);
    float[] moved = semantic(6).clone();
    moved[0] += 2;
    assertArrayEquals(moved, shifted.slots()[0]);
    assertArrayEquals(moved, shifted.target().semanticTarget().orElseThrow());
  }

  private static float[] semantic(int index) {
    return data.domain().space(PreparedData.SEMANTIC).vector(index);
  }

  @Test
  void aMovieByTitleIsScoredAgainstItsOwnEmbedding() throws Exception {
    JsonNode line = generateOne("--movie", "Movie 7", "--task", "summary");
    assertEquals("movie 7", line.get("id").asText());
    assertEquals("sft", line.get("stage").asText(), "no RL stage: the supervised model");
    assertEquals("summary", line.get("task").asText());
    assertTrue(line.get("bc").isNull(), "a movie task has no BC");
    assertEquals(sc(line.get("text").asText(), semantic(6)), line.get("sc").asDouble(), 1e-6);
  }

  @Test
  void aUserByIdIsScoredAgainstItsProfileWithBc() throws Exception {
    JsonNode line = generateOne("--user", "5");
    assertEquals("user_profile", line.get("task").asText(), "the first task about a user");
    assertEquals("user 5", line.get("id").asText());
    float[] profile =
        data.textEncoder().encode(data.trainExamples().get("user_profile").get(1).target());
    assertEquals(4, data.trainExamples().get("user_profile").get(1).entities().get(0));
    assertEquals(sc(line.get("text").asText(), profile), line.get("sc").asDouble(), 1e-6);
    double bc = line.get("bc").asDouble();
    assertTrue(bc >= -1 && bc <= 1, "Spearman correlation: " + bc);
  }

  @Test
  void anInterpolationIsScoredAgainstTheMixedVector() throws Exception {
    JsonNode line =
        generateOne("--interpolate", "movie 7", "movie 9", "--alpha", "0.25", "--task", "summary");
    assertEquals("0.75·movie 7 + 0.25·movie 9", line.get("id").asText());
    float[] mix = new float[semantic(6).length];
    for (int d = 0; d < mix.length; d++) {
      mix[d] = (float) (0.75 * semantic(6)[d] + 0.25 * semantic(8)[d]);
    }
    assertEquals(sc(line.get("text").asText(), mix), line.get("sc").asDouble(), 1e-6);
  }

  @Test
  void aConceptShiftMovesTheVectorAlongTheConcept() throws Exception {
    JsonNode line = generateOne("--movie", "movie 7", "--concept", "cheerful", "--scale", "2");
    assertEquals("movie 7 + 2·cheerful", line.get("id").asText());
    float[] shifted = semantic(6).clone();
    shifted[0] += 2;
    assertEquals(sc(line.get("text").asText(), shifted), line.get("sc").asDouble(), 1e-6);
  }

  private static String error(String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "generate";
    args[1] = "--run";
    args[2] = run.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    CliHarness.Result result = CliHarness.run(args);
    assertEquals(2, result.exitCode(), result.err());
    assertEquals("", result.out());
    List<String> lines = result.err().lines().toList();
    assertEquals(1, lines.size(), result.err());
    return lines.get(0);
  }

  @Test
  void unknownNamesGetTheClosestOnesAndExitTwo() {
    assertTrue(
        error("--movie", "movei 7")
            .startsWith(
                "error: --movie movei 7: no movie with this name in the run's data; closest:"
                    + " \"movie 7\", "),
        "the title sharing the most words first");
    assertEquals(
        "error: --user 99: no user with this id in the run's data; closest: \"12\", \"11\","
            + " \"10\", \"9\", \"8\"",
        error("--user", "99"));
    assertEquals(
        "error: --concept cheerfull: no such concept in the space 'semantic'; closest:"
            + " \"cheerful\"",
        error("--movie", "movie 7", "--concept", "cheerfull"));
    assertEquals(
        "error: --stage rl_sac: this run has no movie model of that stage; stages with one: sft",
        error("--movie", "movie 7", "--stage", "rl_sac"));
    assertEquals(
        "error: --task user_profile: describes a user, not a movie; tasks about a movie: summary,"
            + " pair",
        error("--movie", "movie 7", "--task", "user_profile"));
    assertEquals(
        "error: --run: name the entities with exactly one of --movie, --user or --interpolate,"
            + " found several",
        error("--movie", "movie 7", "--user", "3"));
  }
}
