package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.ExperimentName;
import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.app.eval.ExperimentWorld.FixedText;
import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.rewards.Vectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiments on hypothetical vectors with deterministic stand-ins for the ELM ({@link
 * FixedText}): the mixed and shifted vectors, their SC by hand, the moved-toward share by hand, and
 * that no training entity reaches a held-out figure (the paper's Forrest Gump case, which mixes
 * training movies on purpose, is the one labelled exception: figures {@code training-anchor-*}).
 */
class HypotheticalExperimentsTest {
  @TempDir Path dir;

  private static final List<Double> WEIGHTS = List.of(0.0, 0.5, 1.0);
  private static final List<Double> STEPS = List.of(0.5, 1.0);

  private static EvalConfig config(String anchor) {
    return EvalConfig.defaults()
        .with(
            b ->
                b.bootstrapResamples(200)
                    .bcCandidates(10)
                    .interpolationPairs(2)
                    .interpolationWeights(WEIGHTS)
                    .interpolationAnchor(anchor)
                    .conceptSteps(STEPS)
                    .conceptEntities(3));
  }

  private static Map<String, ExperimentFigures> run(
      PreparedData data,
      EvalConfig config,
      TextSource movies,
      TextSource users,
      List<ExperimentName> which) {
    return new Experiments(data, config, 5, null)
        .run(
            which,
            (kind, decoding) -> Map.of("fake", kind.equals("movie") ? movies : users),
            List.of("movie", "user"));
  }

  private static CurveFigure figure(ExperimentFigures figures, String id) {
    return figures.figures().stream()
        .filter(f -> f.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no figure "
                        + id
                        + " in "
                        + figures.figures().stream().map(CurveFigure::id).toList()));
  }

  private static CurveSeries series(CurveFigure figure, String name) {
    return figure.series().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + name + " in " + figure.series()));
  }

  @Test
  void theMixIsExactlyAnEndpointAtWeightsZeroAndOneAndTheShiftIsTheEntityAtStepZero() {
    float[] e1 = {0.1f, -2.5f, 3.75f};
    float[] e2 = {7f, 0.3f, -1e-3f};
    assertArrayEquals(e1, HypotheticalScorer.mix(e1, e2, 0));
    assertArrayEquals(e2, HypotheticalScorer.mix(e1, e2, 1));
    assertArrayEquals(
        new float[] {3.55f, -1.1f, 1.8745f}, HypotheticalScorer.mix(e1, e2, 0.5), 1e-6f);
    assertArrayEquals(e1, HypotheticalScorer.shift(e1, e2, 0));
    assertArrayEquals(
        new float[] {14.1f, -1.9f, 3.748f}, HypotheticalScorer.shift(e1, e2, 2), 1e-6f);
  }

  @Test
  void interpolationScoresEachTextAgainstTheMixOfTwoHeldOutMovies() {
    PreparedData data = ExperimentWorld.data(dir);
    String text = TinyElmWorld.movieText(7);
    FixedText movies = new FixedText(text);
    FixedText users = new FixedText(TinyElmWorld.profileText(5));
    ExperimentFigures result =
        run(data, config(""), movies, users, List.of(ExperimentName.INTERPOLATION))
            .get(InterpolationExperiment.NAME);

    // 2 pairs x 3 weights for the one single-slot movie task (the two-slot task is left out)
    EmbeddingSpace semantic = data.domain().space(PreparedData.SEMANTIC);
    Split split = data.domain().split("movie");
    assertEquals(6, movies.slots.size());
    for (int i = 0; i < 2; i++) {
      float[] atZero = movies.slots.get(i);
      float[] atHalf = movies.slots.get(2 + i);
      float[] atOne = movies.slots.get(4 + i);
      int first = movies.examples.get(i).entities().get(0);
      assertTrue(split.isHeldOut(first));
      assertArrayEquals(semantic.vector(first), atZero, "a = 0 is the first movie itself");
      int second = indexOf(semantic, atOne);
      assertTrue(second >= 0 && second != first && split.isHeldOut(second), "a = 1: " + second);
      assertArrayEquals(HypotheticalScorer.mix(atZero, atOne, 0.5), atHalf);
    }
    // SC of the fixed text y at weight a: mean_i cos(E_txt(y), (1-a)·e1_i + a·e2_i), by hand
    float[] encoded = data.textEncoder().encode(text);
    CurveSeries elm = series(figure(result, "heldout-summary"), "ELM (fake)");
    assertArrayEquals(new double[] {0, 0.5, 1}, elm.x());
    for (int w = 0; w < 3; w++) {
      double expected =
          (Vectors.cosine(encoded, movies.slots.get(2 * w))
                  + Vectors.cosine(encoded, movies.slots.get(2 * w + 1)))
              / 2;
      assertEquals(expected, elm.y()[w], 1e-6, "a = " + WEIGHTS.get(w));
      assertTrue(elm.lo()[w] <= elm.y()[w] + 1e-12 && elm.y()[w] <= elm.hi()[w] + 1e-12);
    }
    // the nearest-neighbour text at a = 0 is the nearest training movie's own text
    CurveSeries nearest = series(figure(result, "heldout-summary"), "nearest-neighbour text");
    assertEquals(3, nearest.y().length);
    // users: BC against the factorisation's scores of the mixed user
    CurveFigure userFigure = figure(result, "heldout-user_profile");
    assertTrue(userFigure.yLabel().contains("BC"), userFigure.yLabel());
    assertEquals(3 * 1, users.slots.size(), "one pair of the three held-out users, 3 weights");
    assertTrue(
        result.summary().contains("text-only LLM baseline (paper App. F) was not run"),
        result.summary());
  }

  @Test
  void noTrainingEntityReachesAHeldOutFigureAndTheAnchorCaseIsTheLabelledException() {
    PreparedData data = ExperimentWorld.data(dir);
    List<ExperimentName> both = List.of(ExperimentName.INTERPOLATION, ExperimentName.CONCEPTS);
    FixedText movies = new FixedText(TinyElmWorld.movieText(7));
    FixedText users = new FixedText(TinyElmWorld.profileText(5));
    Map<String, ExperimentFigures> heldOut = run(data, config(""), movies, users, both);

    // every vector any model was given is made of held-out entities only
    assertMadeOfHeldOutEntities(data, movies, "movie", PreparedData.SEMANTIC);
    assertMadeOfHeldOutEntities(data, users, "user", PreparedData.BEHAVIORAL);
    for (ExperimentFigures figures : heldOut.values()) {
      for (CurveFigure figure : figures.figures()) {
        assertFalse(figure.id().startsWith(InterpolationExperiment.ANCHOR_PREFIX), figure.id());
      }
    }

    // the paper's own case (Forrest Gump there, "movie 11" here: a training movie) adds only its
    // labelled figure; every held-out figure is unchanged
    String anchor = data.domain().entities("movie").name(10);
    assertFalse(data.domain().split("movie").isHeldOut(10));
    Map<String, ExperimentFigures> withAnchor =
        run(
            data,
            config(anchor),
            new FixedText(TinyElmWorld.movieText(7)),
            new FixedText(TinyElmWorld.profileText(5)),
            both);
    for (String name : heldOut.keySet()) {
      List<CurveFigure> labelled = new ArrayList<>();
      for (CurveFigure figure : withAnchor.get(name).figures()) {
        if (figure.id().startsWith(InterpolationExperiment.ANCHOR_PREFIX)) {
          labelled.add(figure);
          assertTrue(figure.title().startsWith("TRAINING"), figure.title());
        } else {
          assertEquals(
              figure(heldOut.get(name), figure.id()), figure, "held-out figure " + figure.id());
        }
      }
      assertEquals(
          name.equals(InterpolationExperiment.NAME) ? 1 : 0,
          labelled.size(),
          name + " " + labelled);
    }
    for (Map<String, String> row : withAnchor.get(InterpolationExperiment.NAME).samples()) {
      if (row.get("case").equals("held-out pair")) {
        assertHeldOutName(data, row.get("first"));
        assertHeldOutName(data, row.get("second"));
      }
    }
    for (Map<String, String> row : withAnchor.get(ConceptExperiment.NAME).samples()) {
      assertHeldOutName(data, row.get("entity"));
    }
  }

  @Test
  void conceptShiftsAreScoredAgainstTheShiftedVectorAndTheMovedTowardShareIsCountedByHand() {
    PreparedData data = ExperimentWorld.data(dir);
    EmbeddingSpace semantic = data.domain().space(PreparedData.SEMANTIC);
    String shiftedText = TinyElmWorld.movieText(ExperimentWorld.CARRIERS[0]);
    List<float[]> given = new ArrayList<>();
    List<String> written = new ArrayList<>();
    // unshifted: the movie's own text; shifted: a tagged movie's text
    TextSource movies =
        (examples, slots) -> {
          List<String> texts = new ArrayList<>();
          for (int i = 0; i < examples.size(); i++) {
            int movie = examples.get(i).entities().get(0);
            String t =
                Arrays.equals(slots.get(i)[0], semantic.vector(movie))
                    ? TinyElmWorld.movieText(movie)
                    : shiftedText;
            given.add(slots.get(i)[0]);
            written.add(t);
            texts.add(t);
          }
          return texts;
        };
    ExperimentFigures result =
        run(
                data,
                config(""),
                movies,
                new FixedText(TinyElmWorld.profileText(5)),
                List.of(ExperimentName.CONCEPTS))
            .get(ConceptExperiment.NAME);

    Concept concept =
        data.domain().concepts().stream()
            .filter(c -> c.space().equals(PreparedData.SEMANTIC))
            .findFirst()
            .orElseThrow();
    CurveSeries sc = series(figure(result, "concept-semantic-comedy-summary"), "ELM (fake)");
    assertArrayEquals(new double[] {0, 0.5, 1}, sc.x(), "step 0 is added");
    // three held-out movies per step: v = e + s·cav, SC = mean cos(E_txt(y), v)
    for (int k = 0; k < 3; k++) {
      double s = sc.x()[k];
      double sum = 0;
      for (int i = 0; i < 3; i++) {
        float[] v = given.get(3 * k + i);
        float[] e = given.get(i);
        assertArrayEquals(HypotheticalScorer.shift(e, concept.direction(), s), v);
        sum += Vectors.cosine(data.textEncoder().encode(written.get(3 * k + i)), v);
      }
      assertEquals(sum / 3, sc.y()[k], 1e-6, "s = " + s);
    }
    // the share whose text is closer to the tagged movies' mean text vector than at s = 0
    float[] centroid = ExperimentWorld.meanOf(semantic, ExperimentWorld.CARRIERS);
    double towardShifted = Vectors.cosine(data.textEncoder().encode(shiftedText), centroid);
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      double base = Vectors.cosine(data.textEncoder().encode(written.get(i)), centroid);
      expected += towardShifted > base ? 1.0 / 3 : 0;
    }
    CurveSeries moved =
        series(figure(result, "moved-toward-concept"), "comedy [semantic], summary, ELM (fake)");
    assertArrayEquals(new double[] {0.5, 1}, moved.x(), "no share at s = 0, the reference");
    assertEquals(expected, moved.y()[0], 1e-12);
    assertEquals(expected, moved.y()[1], 1e-12);
    assertTrue(expected > 0, "a tagged movie's text is closer to the tagged movies than most");
    // users: BC along the behavioral concept
    CurveFigure users = figure(result, "concept-behavioral-comedy-user_profile");
    assertTrue(users.yLabel().contains("BC"));
  }

  @Test
  void theTextOnlyBaselineGetsAppendixFsPromptsAndIsScoredLikeTheElm() {
    PreparedData data = ExperimentWorld.data(dir);
    List<String> prompts = new ArrayList<>();
    String reply = TinyElmWorld.movieText(12);
    TextOnlyBaseline llm =
        new TextOnlyBaseline(
            prompt -> {
              prompts.add(prompt);
              return prompt.startsWith("In ten bullet points")
                  ? TinyElmWorld.profileText(4)
                  : reply;
            });
    FixedText movies = new FixedText(TinyElmWorld.movieText(7));
    ExperimentFigures result =
        new Experiments(data, config(""), 5, llm)
            .run(
                List.of(ExperimentName.INTERPOLATION),
                (kind, decoding) ->
                    Map.of(
                        "fake",
                        kind.equals("movie") ? movies : new FixedText(TinyElmWorld.profileText(5))),
                List.of("movie", "user"))
            .get(InterpolationExperiment.NAME);

    CurveSeries text = series(figure(result, "heldout-summary"), "text-only LLM");
    float[] encoded = data.textEncoder().encode(reply);
    for (int w = 0; w < 3; w++) {
      double expected =
          (Vectors.cosine(encoded, movies.slots.get(2 * w))
                  + Vectors.cosine(encoded, movies.slots.get(2 * w + 1)))
              / 2;
      assertEquals(expected, text.y()[w], 1e-6);
    }
    // movies: the one-shot prompt names both pairs and shows the ELM's text for the other pair
    String first = prompts.get(0);
    assertTrue(
        first.startsWith(
            "The following shows an example of how to write a summary for a combination of the movies movie "),
        first);
    assertTrue(first.contains(TinyElmWorld.movieText(7)), "the ELM's text is the example");
    assertTrue(first.endsWith("Do not use the movies' names in your response."), first);
    // users: the zero-shot profile prompt with both ground-truth profiles
    String user =
        prompts.stream()
            .filter(p -> p.startsWith("In ten bullet points"))
            .findFirst()
            .orElseThrow();
    assertTrue(user.contains("User profile 1: ") && user.contains("User profile 2: "), user);
    assertTrue(result.summary().contains("was run through the configured endpoint"));
    assertEquals(2 * 3 + 1 * 3, prompts.size(), "one request per pair and weight");
  }

  @Test
  void aBadExperimentKeyNamesItselfAndTheDefaultRunsNoExperiment() throws Exception {
    assertTrue(EvalConfig.defaults().experiments().isEmpty());
    Path file = dir.resolve("x.yaml");
    java.nio.file.Files.writeString(file, "seed: 1\n");
    dev.elmrlaif.domain.base.UserInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.elmrlaif.domain.base.UserInputException.class,
            () ->
                new dev.elmrlaif.app.config.ConfigLoader()
                    .load(file, List.of("eval.interpolation_weights=[0, 1.5]")));
    assertTrue(e.getMessage().contains("eval.interpolation_weights"), e.getMessage());
    assertTrue(e.getMessage().contains("expected one or more numbers in [0, 1]"), e.getMessage());
  }

  /** Every recorded vector is a mix of two held-out entities or a held-out entity shifted. */
  private static void assertMadeOfHeldOutEntities(
      PreparedData data, FixedText source, String kind, String spaceName) {
    EmbeddingSpace space = data.domain().space(spaceName);
    int[] heldOut = data.domain().split(kind).heldOutIndices();
    List<float[]> directions =
        data.domain().concepts().stream()
            .filter(c -> c.space().equals(spaceName))
            .map(Concept::direction)
            .toList();
    assertFalse(source.slots.isEmpty(), kind);
    for (int n = 0; n < source.slots.size(); n++) {
      for (int entity : source.examples.get(n).entities()) {
        assertTrue(data.domain().split(kind).isHeldOut(entity), kind + " prompt of " + entity);
      }
      float[] v = source.slots.get(n);
      boolean explained = false;
      for (int i : heldOut) {
        for (int j : heldOut) {
          for (double a : WEIGHTS) {
            explained |=
                Arrays.equals(v, HypotheticalScorer.mix(space.vector(i), space.vector(j), a));
          }
        }
        for (float[] cav : directions) {
          for (double s : List.of(0.0, 0.5, 1.0)) {
            explained |= Arrays.equals(v, HypotheticalScorer.shift(space.vector(i), cav, s));
          }
        }
      }
      assertTrue(explained, kind + " vector " + n + " is not made of held-out entities");
    }
  }

  private static void assertHeldOutName(PreparedData data, String name) {
    for (String kind : List.of("movie", "user")) {
      int index = data.domain().entities(kind).names().indexOf(name);
      if (index >= 0) {
        assertTrue(data.domain().split(kind).isHeldOut(index), name);
        return;
      }
    }
    throw new AssertionError("no entity named " + name);
  }

  private static int indexOf(EmbeddingSpace space, float[] v) {
    for (int i = 0; i < space.size(); i++) {
      if (Arrays.equals(space.vector(i), v)) {
        return i;
      }
    }
    return -1;
  }
}
