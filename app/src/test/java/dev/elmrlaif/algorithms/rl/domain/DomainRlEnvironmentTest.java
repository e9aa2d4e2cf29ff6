package dev.elmrlaif.algorithms.rl.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.DomainRewardConfig;
import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.RewardResult;
import dev.elmrlaif.rewards.Vectors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MovieLens CoMDP on the generated tiny MovieLens: the reward ranks the teacher's text above
 * others, contexts are a function of (seed, step), interpolations and concept shifts are the
 * formulas of {@link RlContextsConfig}, and held-out entities never appear.
 */
class DomainRlEnvironmentTest {
  @TempDir static Path dir;
  static PreparedData data;
  static ElmTokenizer tokenizer;
  static ElmConfig elm;

  @BeforeAll
  static void prepare() throws Exception {
    TinyRlDomain domain = TinyRlDomain.prepare(dir, "summary, similarities, user_profile");
    data = domain.data();
    tokenizer = domain.tokenizer();
    elm = domain.elm();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static DomainRlEnvironment environment(String kind, RlContextsConfig config) {
    return DomainRlEnvironment.create(data, kind, tokenizer, elm, config, 3);
  }

  private static int[] tokens(String text) {
    int[] ids = ElmExamples.toInts(tokenizer.encode(text));
    int[] withEnd = java.util.Arrays.copyOf(ids, ids.length + 1);
    withEnd[ids.length] = elm.endTokenId();
    return withEnd;
  }

  @Test
  void theTeachersTextEarnsMoreThanAnotherEntitysTextOrRandomTokens() {
    for (String kind : List.of("movie", "user")) {
      DomainRlEnvironment environment =
          environment(
              kind,
              RlContextsConfig.defaults()
                  .with()
                  .realFraction(1)
                  .interpolationFraction(0)
                  .conceptFraction(0)
                  .build());
      List<DomainContext> contexts = environment.draw(0, 40);
      java.util.SplittableRandom random = new java.util.SplittableRandom(1);
      double truth = 0;
      double other = 0;
      double noise = 0;
      int truthWinsOverOther = 0;
      for (int i = 0; i < contexts.size(); i++) {
        DomainContext context = contexts.get(i);
        DomainContext another = contexts.get((i + 1) % contexts.size());
        double r = environment.reward().reward(context.prompt(), tokens(targetOf(context)));
        double s = environment.reward().reward(context.prompt(), tokens(targetOf(another)));
        int[] randomTokens = new int[30];
        for (int t = 0; t < randomTokens.length; t++) {
          randomTokens[t] = random.nextInt(tokenizer.vocabSize() - 40);
        }
        truth += r / contexts.size();
        other += s / contexts.size();
        noise += environment.reward().reward(context.prompt(), randomTokens) / contexts.size();
        truthWinsOverOther += r > s || targetOf(context).equals(targetOf(another)) ? 1 : 0;
      }
      assertTrue(
          truth > other + 0.2,
          kind + ": ground truth " + truth + " vs another entity's text " + other);
      assertTrue(
          truth > noise + 0.2, kind + ": ground truth " + truth + " vs random tokens " + noise);
      assertTrue(
          truthWinsOverOther >= 30,
          kind + ": the truth won " + truthWinsOverOther + " of 40 pairs");
    }
  }

  @Test
  void userRewardsAddBehavioralConsistencyAndTheComponentMeansReportBoth() {
    DomainRlEnvironment environment =
        environment(
            "user",
            RlContextsConfig.defaults()
                .with()
                .realFraction(1)
                .interpolationFraction(0)
                .conceptFraction(0)
                .build());
    List<DomainContext> contexts = environment.draw(5, 6);
    List<ElmPrompt> prompts = contexts.stream().map(DomainContext::prompt).toList();
    List<int[]> completions = contexts.stream().map(c -> tokens(targetOf(c))).toList();
    Map<String, Double> means = environment.componentMeans(prompts, completions);
    assertEquals(List.of("sc", "bc", "degeneracy"), List.copyOf(means.keySet()));
    assertEquals(
        1.0, means.get("sc"), 1e-5, "a profile's SC target is E_txt of the profile itself");
    double[] totals = environment.score(prompts, completions).scores();
    double mean = java.util.Arrays.stream(totals).average().orElseThrow();
    DomainRewardConfig weights = RlContextsConfig.defaults().reward();
    assertEquals(
        weights.scWeight() * means.get("sc")
            + weights.bcWeight() * means.get("bc")
            + weights.degeneracyWeight() * means.get("degeneracy"),
        mean,
        1e-9,
        "r = w_sc SC + w_bc BC + w_deg deg");
    EmbeddingSpace semantic = data.domain().space(PreparedData.SEMANTIC);
    long trainingMoviesWithText =
        java.util.Arrays.stream(data.domain().split("movie").trainIndices())
            .filter(m -> Vectors.norm(semantic.vector(m)) > 0)
            .count();
    for (DomainContext context : contexts) {
      assertTrue(context.hasBehavioralTarget(), "real users are ranked against their ratings");
      int size = context.reward().candidates().size();
      assertTrue(
          size <= Math.min(weights.bcCandidates(), trainingMoviesWithText)
              && size > trainingMoviesWithText / 2,
          "at most the candidates asked for, from training movies with a text; found " + size);
    }
  }

  /** Real contexts only, with this reward. */
  private static RlContextsConfig realContexts(DomainRewardConfig reward) {
    return RlContextsConfig.defaults()
        .with()
        .realFraction(1)
        .interpolationFraction(0)
        .conceptFraction(0)
        .reward(reward)
        .build();
  }

  @Test
  void enabledPenaltiesJoinTheRewardWithTheirWeights() {
    DomainRewardConfig weights =
        DomainRewardConfig.defaults()
            .with()
            .scWeight(1)
            .bcWeight(0)
            .lengthPenaltyPerWord(0.01)
            .minWords(0)
            .maxWords(5)
            .degeneracyWeight(0.5)
            .degeneracyNgram(2)
            .build();
    DomainRlEnvironment environment = environment("movie", realContexts(weights));
    DomainContext context = environment.draw(9, 1).get(0);
    int[] completion = tokens("war love war love war love");
    assertEquals("war love war love war love", environment.decode(completion));
    Map<String, Double> means =
        environment.componentMeans(List.of(context.prompt()), List.of(completion));
    assertEquals(List.of("sc", "length_penalty", "degeneracy"), List.copyOf(means.keySet()));
    assertEquals(-0.01, means.get("length_penalty"), 1e-12, "one word over the band of 5");
    assertEquals(-(1 - 2.0 / 5.0), means.get("degeneracy"), 1e-12, "2 distinct bigrams of 5");
    assertEquals(
        means.get("sc") - 0.01 + 0.5 * means.get("degeneracy"),
        environment.reward().reward(context.prompt(), completion),
        1e-12);
  }

  /**
   * {@code cross_context_weight}: a step's completions are scored as one batch, so each one's
   * penalty counts the bigrams that another context's completion also holds (by hand: each of the
   * two texts holds both bigrams of the other), while a context scored alone shares nothing.
   */
  @Test
  void theCrossContextPenaltyScoresAStepsCompletionsTogether() {
    RlContextsConfig config =
        realContexts(
            DomainRewardConfig.defaults()
                .with()
                .scWeight(1)
                .bcWeight(0)
                .degeneracyWeight(0)
                .crossContextWeight(0.3)
                .build());
    DomainRlEnvironment environment = environment("movie", config);
    List<DomainContext> contexts = environment.draw(9, 2);
    assertNotEquals(
        contexts.get(0).reward().entityId(), contexts.get(1).reward().entityId(), "two contexts");
    List<ElmPrompt> prompts = contexts.stream().map(DomainContext::prompt).toList();
    List<int[]> completions = List.of(tokens("war love war"), tokens("love war love"));
    assertEquals("war love war", environment.decode(completions.get(0)));
    RewardResult together = environment.score(prompts, completions);
    // "war love war": {war love, love war}; "love war love": {love war, war love}: all shared
    assertArrayEquals(
        new double[] {-1.0, -1.0}, together.component("cross_context_repetition"), 1e-12);
    double[] totals = environment.reward().rewards(prompts, completions);
    double[] sc = together.component("sc");
    for (int i = 0; i < 2; i++) {
      assertEquals(sc[i] - 0.3, totals[i], 1e-12, "r = SC + 0.3 · (−1)");
    }
    List<int[]> apart = List.of(tokens("war love war"), tokens("a quiet film"));
    assertArrayEquals(
        new double[] {0.0, 0.0},
        environment.score(prompts, apart).component("cross_context_repetition"),
        1e-12,
        "no bigram in common");
    assertEquals(
        0.0,
        environment.score(prompts.subList(0, 1), completions.subList(0, 1))
            .component("cross_context_repetition")[0],
        1e-12,
        "one context alone");
  }

  /**
   * {@code normalization: normalize_then_sum}: each component is standardised by its running mean
   * and population variance over every completion scored so far (hand-computed here for the first
   * batch), then weighted; the statistics go through saveState/loadState, so a restored environment
   * scores the next batch bit for bit as the one that kept running, and a fresh one does not.
   */
  @Test
  void normalizeThenSumStandardisesEachComponentAndResumesFromItsState() throws Exception {
    RlContextsConfig config =
        realContexts(
            DomainRewardConfig.defaults()
                .with()
                .scWeight(1)
                .degeneracyWeight(0.5)
                .normalization(
                    dev.elmrlaif.rewards.CompositeConfig.Normalization.NORMALIZE_THEN_SUM)
                .normalizationWarmup(0)
                .build());
    DomainRlEnvironment running = environment("movie", config);
    List<DomainContext> first = running.draw(0, 4);
    List<ElmPrompt> prompts = first.stream().map(DomainContext::prompt).toList();
    List<int[]> completions =
        List.of(
            tokens(targetOf(first.get(0))),
            tokens(targetOf(first.get(1))),
            tokens("war love war love war love"),
            tokens(targetOf(first.get(3)) + " " + targetOf(first.get(3))));
    double[] totals = running.reward().rewards(prompts, completions);
    // by hand: the raw components of the same completions from an unnormalised twin
    DomainRlEnvironment plain =
        environment(
            "movie",
            config.withReward(
                config
                    .reward()
                    .withNormalization(dev.elmrlaif.rewards.CompositeConfig.Normalization.NONE)));
    plain.draw(0, 4);
    RewardResult raw = plain.score(prompts, completions);
    double[] expected = new double[4];
    for (String component : List.of("sc", "degeneracy")) {
      double[] x = raw.components().get(component);
      double mean = java.util.Arrays.stream(x).average().orElseThrow();
      double variance = java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / 4;
      double weight = component.equals("sc") ? 1 : 0.5;
      for (int i = 0; i < 4; i++) {
        expected[i] += weight * (x[i] - mean) / Math.sqrt(variance + 1e-8);
      }
    }
    assertArrayEquals(expected, totals, 1e-9);

    // save after the first batch; a fresh environment restored from it matches the running one
    Path state = dir.resolve("normalizer-state");
    java.nio.file.Files.createDirectories(state);
    running.saveState(state);
    DomainRlEnvironment restored = environment("movie", config);
    restored.loadState(state);
    DomainRlEnvironment forgetful = environment("movie", config);
    List<double[]> next = new java.util.ArrayList<>();
    for (DomainRlEnvironment environment : List.of(running, restored, forgetful)) {
      List<DomainContext> second = environment.draw(1, 3);
      next.add(
          environment
              .reward()
              .rewards(
                  second.stream().map(DomainContext::prompt).toList(),
                  List.of(
                      tokens(targetOf(second.get(0))),
                      tokens("love war"),
                      tokens(targetOf(second.get(1))))));
    }
    assertArrayEquals(next.get(0), next.get(1), 0.0, "restored = running, bit for bit");
    assertFalse(
        java.util.Arrays.equals(next.get(0), next.get(2)), "without the state the scores differ");
    // a checkpoint without the statistics is refused, naming the file
    Path empty = dir.resolve("no-normalizer-state");
    java.nio.file.Files.createDirectories(empty);
    UserInputException missing =
        assertThrows(UserInputException.class, () -> environment("movie", config).loadState(empty));
    assertTrue(missing.getMessage().contains("reward_normalizer.json"), missing.getMessage());
  }

  @Test
  void theContextsOfAStepDependOnlyOnTheSeedAndTheStep() {
    RlContextsConfig config = RlContextsConfig.defaults();
    List<ElmPrompt> first = environment("movie", config).contexts(7, 12);
    List<ElmPrompt> again = environment("movie", config).contexts(7, 12);
    List<ElmPrompt> next = environment("movie", config).contexts(8, 12);
    assertEquals(12, first.size());
    boolean differs = false;
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i).tokenIds(), again.get(i).tokenIds());
      assertTrue(
          java.util.Arrays.deepEquals(first.get(i).entities(), again.get(i).entities()),
          "context " + i);
      differs |= !java.util.Arrays.deepEquals(first.get(i).entities(), next.get(i).entities());
    }
    assertTrue(differs, "another step draws other contexts");
    List<ElmPrompt> otherSeed =
        DomainRlEnvironment.create(data, "movie", tokenizer, elm, config, 4).contexts(7, 12);
    assertFalse(
        java.util.stream.IntStream.range(0, 12)
            .allMatch(
                i ->
                    java.util.Arrays.deepEquals(
                        first.get(i).entities(), otherSeed.get(i).entities())));
  }

  @Test
  void interpolationsAtTheEndpointsAreTheRealEntitiesAndInBetweenTheMix() {
    for (double a : new double[] {0.0, 1.0, 0.3}) {
      DomainRlEnvironment environment =
          environment(
              "movie",
              RlContextsConfig.defaults()
                  .with()
                  .realFraction(0)
                  .interpolationFraction(1)
                  .conceptFraction(0)
                  .interpolationMin(a)
                  .interpolationMax(a)
                  .build());
      for (DomainContext context : environment.draw(2, 10)) {
        assertEquals(ContextKind.INTERPOLATION, context.kind());
        assertEquals(a, context.weight());
        int slots = context.prompt().entities().length;
        EmbeddingSpace semantic = data.domain().space(PreparedData.SEMANTIC);
        for (int k = 0; k < slots; k++) {
          float[] e1 = semantic.vector(context.entities().get(k));
          float[] e2 = semantic.vector(context.entities().get(slots + k));
          float[] seen = context.prompt().entities()[k];
          for (int d = 0; d < seen.length; d++) {
            assertEquals(
                (1 - a) * e1[d] + a * e2[d], seen[d], 1e-6, "a=" + a + " slot " + k + " dim " + d);
          }
          if (a == 0.0) {
            assertArrayEquals(e1, seen);
          } else if (a == 1.0) {
            assertArrayEquals(e2, seen);
          }
        }
        // the SC target is the equal mix of the slots the policy sees
        float[] target = context.reward().semanticTarget().orElseThrow();
        for (int d = 0; d < target.length; d++) {
          double mix = 0;
          for (float[] slot : context.prompt().entities()) {
            mix += slot[d] / slots;
          }
          assertEquals(mix, target[d], 1e-6);
        }
      }
    }
  }

  @Test
  void interpolatedUsersAreScoredAgainstTheMixOfProfilesAndTheFactorisationScores() {
    double a = 0.25;
    DomainRlEnvironment environment =
        environment(
            "user",
            RlContextsConfig.defaults()
                .with()
                .realFraction(0)
                .interpolationFraction(1)
                .conceptFraction(0)
                .interpolationMin(a)
                .interpolationMax(a)
                .build());
    EmbeddingSpace users = data.domain().space(PreparedData.BEHAVIORAL);
    EmbeddingSpace movies = data.domain().space(PreparedData.BEHAVIORAL_MOVIE);
    for (DomainContext context : environment.draw(1, 5)) {
      float[] u = context.prompt().entities()[0];
      float[] u1 = users.vector(context.entities().get(0));
      float[] u2 = users.vector(context.entities().get(1));
      for (int d = 0; d < u.length; d++) {
        assertEquals(0.75 * u1[d] + 0.25 * u2[d], u[d], 1e-6);
      }
      RewardContext reward = context.reward();
      assertArrayEquals(new double[] {0.75, 0.25}, reward.mixWeights(), 1e-12);
      for (int j = 0; j < reward.candidates().size(); j++) {
        int movie = Integer.parseInt(reward.candidates().ids().get(j));
        assertEquals(
            Vectors.dot(u, movies.vector(movie)),
            reward.candidates().relevance()[j],
            1e-9,
            "hypothetical users' ground truth is u . v_m");
      }
    }
  }

  @Test
  void conceptShiftsMoveAlongTheConceptDirection() {
    DomainRlEnvironment environment =
        environment(
            "movie",
            RlContextsConfig.defaults()
                .with()
                .realFraction(0)
                .interpolationFraction(0)
                .conceptFraction(1)
                .conceptStepMin(0.2)
                .conceptStepMax(0.8)
                .build());
    EmbeddingSpace semantic = data.domain().space(PreparedData.SEMANTIC);
    int shifts = 0;
    for (DomainContext context : environment.draw(4, 20)) {
      assertEquals(ContextKind.CONCEPT_SHIFT, context.kind());
      Concept concept =
          data.domain().concepts().stream()
              .filter(
                  c ->
                      c.name().equals(context.concept()) && c.space().equals(PreparedData.SEMANTIC))
              .findFirst()
              .orElseThrow();
      double s = context.weight();
      assertTrue(s >= 0.2 && s <= 0.8, "s = " + s);
      for (int k = 0; k < context.prompt().entities().length; k++) {
        float[] e = semantic.vector(context.entities().get(k));
        float[] moved = context.prompt().entities()[k];
        double along = 0;
        for (int d = 0; d < e.length; d++) {
          assertEquals(e[d] + s * concept.direction()[d], moved[d], 1e-6);
          along += (moved[d] - e[d]) * concept.direction()[d];
        }
        assertEquals(s, along, 1e-5, "the displacement's projection on the unit CAV is s");
      }
      assertArrayEquals(
          context.prompt().entities()[0],
          context.reward().semanticEmbeddings().get(0),
          "SC is measured against the shifted embedding the policy sees");
      shifts++;
    }
    assertEquals(20, shifts);
  }

  @Test
  void heldOutEntitiesAreNeverContexts() {
    for (String kind : List.of("movie", "user")) {
      DomainRlEnvironment environment =
          environment(
              kind,
              RlContextsConfig.defaults()
                  .with()
                  .realFraction(0.4)
                  .interpolationFraction(0.3)
                  .conceptFraction(0.3)
                  .build());
      int seen = 0;
      for (long step = 0; step < 30; step++) {
        for (DomainContext context : environment.draw(step, 8)) {
          String slotKind = kind;
          for (int entity : context.entities()) {
            assertFalse(
                data.domain().split(slotKind).isHeldOut(entity),
                kind + " " + entity + " is held out");
            seen++;
          }
          if (context.hasBehavioralTarget()) {
            for (String movie : context.reward().candidates().ids()) {
              assertFalse(
                  data.domain().split("movie").isHeldOut(Integer.parseInt(movie)),
                  "candidate " + movie);
            }
          }
        }
      }
      assertTrue(seen >= 240, "entities checked: " + seen);
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    UserInputException unknownTask =
        assertThrows(
            UserInputException.class,
            () ->
                environment(
                    "movie",
                    RlContextsConfig.defaults()
                        .with()
                        .tasks(List.of("summary", "sumary"))
                        .build()));
    assertTrue(
        unknownTask.getMessage().contains("rl.contexts.tasks: unknown task 'sumary'"),
        unknownTask.getMessage());
    UserInputException noTask =
        assertThrows(
            UserInputException.class,
            () ->
                environment(
                    "user", RlContextsConfig.defaults().with().tasks(List.of("summary")).build()));
    assertTrue(
        noTask.getMessage().contains("no task describes entity kind 'user'"), noTask.getMessage());
    assertFalse(
        DomainRlEnvironment.hasTasks(
            data, "user", RlContextsConfig.defaults().with().tasks(List.of("summary")).build()));
    UserInputException fractions =
        assertThrows(
            UserInputException.class,
            () ->
                RlContextsConfig.defaults()
                    .with()
                    .realFraction(0.5)
                    .interpolationFraction(0.2)
                    .conceptFraction(0.2)
                    .build());
    assertTrue(fractions.getMessage().contains("expected 1"), fractions.getMessage());
    UserInputException concept =
        assertThrows(
            UserInputException.class,
            () ->
                environment(
                    "movie",
                    RlContextsConfig.defaults().with().concepts(List.of("no such tag")).build()));
    assertTrue(
        concept.getMessage().contains("rl.contexts.concepts: unknown concept 'no such tag'"),
        concept.getMessage());
    DomainRlEnvironment environment = environment("movie", RlContextsConfig.defaults());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> environment.reward().reward(ElmPrompt.text(1, 2, 3), new int[] {4}));
    assertTrue(unknown.getMessage().contains("did not draw this prompt"), unknown.getMessage());
  }

  @Test
  void theRewardOnlyTrainsOnTheTasksOfTheModelsKind() {
    assertEquals(
        List.of("summary", "similarities"),
        environment("movie", RlContextsConfig.defaults()).taskNames());
    assertEquals(
        List.of("user_profile"), environment("user", RlContextsConfig.defaults()).taskNames());
    assertNotEquals(
        0,
        data.domain().concepts().stream()
            .filter(c -> c.space().equals(PreparedData.SEMANTIC))
            .count(),
        "the tiny MovieLens has semantic concepts to shift along");
  }

  @Test
  void aRealContextsDemonstrationIsItsTeachersTextAndOtherContextsHaveNone() {
    DomainRlEnvironment environment =
        environment(
            "movie",
            RlContextsConfig.defaults()
                .with()
                .realFraction(0.5)
                .interpolationFraction(0.5)
                .conceptFraction(0)
                .build());
    List<DomainContext> contexts = environment.draw(4, 20);
    List<ElmPrompt> prompts = contexts.stream().map(DomainContext::prompt).toList();
    List<int[]> full = environment.demonstrations(prompts, 1000);
    List<int[]> cut = environment.demonstrations(prompts, 5);
    int real = 0;
    for (int i = 0; i < contexts.size(); i++) {
      DomainContext context = contexts.get(i);
      if (context.kind() != ContextKind.REAL) {
        assertNull(full.get(i), "an interpolation has no ground truth");
        continue;
      }
      real++;
      // the teacher's text and the end token, cut to the room the prompt leaves (as stage 2 trains)
      int[] text = tokens(targetOf(context));
      int room = elm.lm().contextLength() - context.prompt().tokenIds().length;
      int[] expected = java.util.Arrays.copyOf(text, Math.min(room, text.length));
      assertArrayEquals(expected, full.get(i), "context " + i);
      assertArrayEquals(java.util.Arrays.copyOf(expected, 5), cut.get(i), "context " + i);
    }
    assertTrue(real >= 5 && real <= 15, real + " real contexts of 20");
    // a prompt this environment never drew has none
    ElmPrompt unknown =
        new ElmPrompt(
            prompts.get(0).tokenIds(),
            new float[][] {new float[prompts.get(0).entities()[0].length]});
    assertNull(environment.demonstrations(List.of(unknown), 10).get(0));
  }

  /** The teacher's text of the (first) training example a real context was drawn from. */
  private static String targetOf(DomainContext context) {
    List<TaskExample> examples = data.trainExamples().get(context.task());
    return examples.stream()
        .filter(e -> e.entities().equals(context.entities()))
        .findFirst()
        .orElseThrow()
        .target();
  }
}
