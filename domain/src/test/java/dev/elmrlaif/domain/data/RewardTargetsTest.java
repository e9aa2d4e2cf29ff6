package dev.elmrlaif.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.data.RewardTargets.CandidatePool;
import dev.elmrlaif.domain.tasks.Pairing;
import dev.elmrlaif.domain.tasks.TargetStyle;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.rewards.CandidateConfig;
import dev.elmrlaif.rewards.CandidateSampler;
import dev.elmrlaif.rewards.CandidateSet;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.text.TextEncoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The one builder of SC/BC reward targets on a hand-made domain that is not MovieLens (shoppers
 * interacting with products), every expected number worked out by hand:
 *
 * <pre>
 * product   text vector (text-comparable)   behavioral_product   held out
 *   p0      (1, 0)                          (1, 1)               yes
 *   p1      (0, 1)                          (2, 0)
 *   p2      (1, 1)                          (0, 3)
 *   p3      (-1, 0)                         (-1, 1)
 *   p4      (0, 0)  no text: never a candidate (0.5, 0.5)
 * shopper   behavioral    interactions
 *   s0      (1, 0)        -             (held out)
 *   s1      (0, 1)        p0: 5, p2: 4
 *   s2      (1, 2)        p1: 3, p3: 1, p4: 2
 * texts: "likes p2" -> (3, 4), "likes p1" -> (0, 2)
 * </pre>
 */
class RewardTargetsTest {
  private static final TaskSpec DESCRIBE =
      new TaskSpec(
          "describe",
          "a product",
          "Describe <|entity_0|> :",
          "Describe the product.",
          List.of(new TaskSpec.Slot("product", "product_text")),
          Pairing.SINGLE,
          TargetStyle.TEMPLATE);
  private static final TaskSpec PAIR =
      new TaskSpec(
          "pair",
          "two products",
          "Compare <|entity_0|> and <|entity_1|> :",
          "Compare.",
          List.of(
              new TaskSpec.Slot("product", "product_text"),
              new TaskSpec.Slot("product", "product_text")),
          Pairing.RANDOM_PAIR,
          TargetStyle.TEMPLATE);
  private static final TaskSpec TASTE =
      new TaskSpec(
          "taste",
          "a shopper",
          "Profile <|entity_0|> :",
          "Describe the shopper.",
          List.of(new TaskSpec.Slot("shopper", "behavioral")),
          Pairing.USER,
          TargetStyle.TEMPLATE);

  private static final float[][] TEXT = {{1, 0}, {0, 1}, {1, 1}, {-1, 0}, {0, 0}};
  private static final float[][] FACTORS = {{1, 1}, {2, 0}, {0, 3}, {-1, 1}, {0.5f, 0.5f}};
  private static final float[][] SHOPPERS = {{1, 0}, {0, 1}, {1, 2}};

  /** Maps the two profile texts to fixed vectors. */
  private static final TextEncoder ENCODER =
      new TextEncoder() {
        @Override
        public int dimension() {
          return 2;
        }

        @Override
        public float[] encode(String text) {
          return switch (text) {
            case "likes p2" -> new float[] {3, 4};
            case "likes p1" -> new float[] {0, 2};
            default -> new float[] {0, 0};
          };
        }

        @Override
        public String description() {
          return "fixed test vectors";
        }

        @Override
        public void save(Path file) {
          throw new UnsupportedOperationException();
        }
      };

  private static final TaskExample S1 =
      new TaskExample("taste", List.of(1), TASTE.prompt(), "likes p2");
  private static final TaskExample S2 =
      new TaskExample("taste", List.of(2), TASTE.prompt(), "likes p1");

  /**
   * The domain with products {@code heldOut} held out, and with the products' behavioral space or
   * not.
   */
  private static PreparedData data(boolean[] heldOut, boolean withFactors) {
    Map<String, EntityTable> tables = new LinkedHashMap<>();
    tables.put(
        "product",
        new EntityTable(
            "product", new long[] {10, 11, 12, 13, 14}, List.of("p0", "p1", "p2", "p3", "p4")));
    tables.put(
        "shopper", new EntityTable("shopper", new long[] {20, 21, 22}, List.of("s0", "s1", "s2")));
    Map<String, EmbeddingSpace> spaces = new LinkedHashMap<>();
    spaces.put(
        "product_text",
        EmbeddingSpace.ofRows("product_text", "product", TEXT).withTextComparable(true));
    spaces.put("behavioral", EmbeddingSpace.ofRows("behavioral", "shopper", SHOPPERS));
    if (withFactors) {
      spaces.put(
          "behavioral_product", EmbeddingSpace.ofRows("behavioral_product", "product", FACTORS));
    }
    Map<String, Split> splits = new LinkedHashMap<>();
    splits.put("product", new Split("product", heldOut));
    splits.put("shopper", new Split("shopper", new boolean[] {true, false, false}));
    Interactions interactions =
        Interactions.fromTriples(
            "shopper",
            "product",
            3,
            5,
            new int[] {1, 1, 2, 2, 2},
            new int[] {0, 2, 1, 3, 4},
            new float[] {5, 4, 3, 1, 2});
    InMemoryDomain domain =
        new InMemoryDomain("shop", tables, spaces, Map.of(), splits, interactions, List.of());
    return new PreparedData(
        Path.of("unused"),
        domain,
        List.of(DESCRIBE, PAIR, TASTE),
        Map.of(),
        Map.of(),
        ENCODER,
        null,
        Map.of(),
        "shop",
        "none",
        false);
  }

  private static PreparedData data() {
    return data(new boolean[] {true, false, false, false, false}, true);
  }

  private static RewardTargets targets(PreparedData data, CandidatePool pool) {
    return new RewardTargets(data, ENCODER, pool, 10, 0.5, 100);
  }

  /** The candidates' relevance by product index. */
  private static Map<Integer, Double> relevance(CandidateSet set) {
    Map<Integer, Double> byId = new TreeMap<>();
    for (int i = 0; i < set.size(); i++) {
      byId.put(Integer.parseInt(set.ids().get(i)), set.relevance()[i]);
    }
    return byId;
  }

  @Test
  void textSlotsAreTheirOwnTargetAndOtherSlotsTheEncodedTargetText() {
    RewardTargets targets = targets(data(), CandidatePool.TRAINING_ENTITIES);
    assertTrue(targets.semanticSlots(DESCRIBE));
    assertFalse(targets.semanticSlots(TASTE), "the behavioral space is not text-comparable");
    RewardContext one =
        targets.real(
            "describe:[2]",
            DESCRIBE,
            new TaskExample("describe", List.of(2), DESCRIBE.prompt(), "anything"),
            new float[][] {TEXT[2]});
    assertArrayEquals(new float[] {1, 1}, one.semanticTarget().orElseThrow());
    assertNull(one.candidates(), "BC is for tasks about the interactions' row kind only");
    RewardContext two =
        targets.real(
            "pair:[1, 3]",
            PAIR,
            new TaskExample("pair", List.of(1, 3), PAIR.prompt(), "anything"),
            new float[][] {TEXT[1], TEXT[3]});
    assertArrayEquals(new double[] {0.5, 0.5}, two.mixWeights());
    assertArrayEquals(new float[] {-0.5f, 0.5f}, two.semanticTarget().orElseThrow());
    RewardContext profile = targets.real("taste:[1]", TASTE, S1, new float[][] {SHOPPERS[1]});
    assertArrayEquals(
        new float[] {3, 4}, profile.semanticTarget().orElseThrow(), "E_txt(\"likes p2\")");
  }

  @Test
  void realRowEntitiesAreRankedAgainstTheirInteractionsFromTheNamedPool() {
    PreparedData data = data();
    RewardContext evaluation =
        targets(data, CandidatePool.ALL_ENTITIES)
            .real("taste:[1]", TASTE, S1, new float[][] {SHOPPERS[1]});
    assertEquals(
        Map.of(0, 5.0, 1, 0.0, 2, 4.0, 3, 0.0),
        relevance(evaluation.candidates()),
        "every product with a text vector, held-out p0 included; 0 where not interacted with");
    RewardContext rl =
        targets(data, CandidatePool.TRAINING_ENTITIES)
            .real("taste:[1]", TASTE, S1, new float[][] {SHOPPERS[1]});
    assertEquals(
        Map.of(1, 0.0, 2, 4.0, 3, 0.0),
        relevance(rl.candidates()),
        "training products only: held-out p0 and its interaction never reach RL");
    assertNull(
        rl.behavioralVector(), "a real shopper is ranked against interactions, not factor scores");
    for (RewardContext context : List.of(evaluation, rl)) {
      CandidateSet set = context.candidates();
      for (int i = 0; i < set.size(); i++) {
        assertArrayEquals(
            TEXT[Integer.parseInt(set.ids().get(i))],
            set.embeddings()[i],
            "ranked in the text space");
      }
    }
  }

  @Test
  void theDrawsAreTheSamplersWithTheSeedPlus17AndTheRowEntitysLabel() {
    Map<String, float[]> pool = new TreeMap<>(Map.of("1", TEXT[1], "2", TEXT[2], "3", TEXT[3]));
    CandidateSet expected =
        new CandidateSampler(pool, new CandidateConfig(3, 0.5, 117))
            .fromRatings("shopper:2", Map.of("1", 3.0, "3", 1.0, "4", 2.0));
    CandidateSet drawn =
        targets(data(), CandidatePool.TRAINING_ENTITIES)
            .real("taste:[2]", TASTE, S2, new float[][] {SHOPPERS[2]})
            .candidates();
    assertEquals(expected.ids(), drawn.ids());
    assertArrayEquals(expected.relevance(), drawn.relevance());
    assertEquals(
        Map.of(1, 3.0, 2, 0.0, 3, 1.0), relevance(drawn), "p4 has no text vector, so no candidate");
  }

  @Test
  void withNothingHeldOutThePoolsGiveTheSameTargets() {
    PreparedData data = data(new boolean[5], true);
    RewardContext evaluation =
        targets(data, CandidatePool.ALL_ENTITIES)
            .real("taste:[2]", TASTE, S2, new float[][] {SHOPPERS[2]});
    RewardContext rl =
        targets(data, CandidatePool.TRAINING_ENTITIES)
            .real("taste:[2]", TASTE, S2, new float[][] {SHOPPERS[2]});
    assertEquals(evaluation.candidates().ids(), rl.candidates().ids());
    assertArrayEquals(evaluation.candidates().relevance(), rl.candidates().relevance());
    assertArrayEquals(evaluation.semanticTarget().orElseThrow(), rl.semanticTarget().orElseThrow());
  }

  @Test
  void hypotheticalRowEntitiesAreRankedAgainstTheFactorisationScores() {
    RewardTargets targets = targets(data(), CandidatePool.TRAINING_ENTITIES);
    float[] u = {0.25f, 1.25f}; // 0.75 * s1 + 0.25 * s2
    RewardContext mix = targets.interpolation("taste:mix", TASTE, S1, S2, 0.25, new float[][] {u});
    assertArrayEquals(new double[] {0.75, 0.25}, mix.mixWeights());
    assertArrayEquals(
        new float[] {2.25f, 3.5f},
        mix.semanticTarget().orElseThrow(),
        "0.75 * (3, 4) + 0.25 * (0, 2)");
    // u . v: p1 (2, 0) -> 0.5, p2 (0, 3) -> 3.75, p3 (-1, 1) -> 1.0
    assertEquals(Map.of(1, 0.5, 2, 3.75, 3, 1.0), relevance(mix.candidates()));
    assertArrayEquals(u, mix.behavioralVector());
    RewardContext shift = targets.shift("taste:shift", TASTE, new float[][] {{2, 0}});
    assertTrue(shift.semanticEmbeddings().isEmpty(), "no text describes a concept-shifted shopper");
    assertEquals(Map.of(1, 4.0, 2, 0.0, 3, -2.0), relevance(shift.candidates()));
    RewardContext shiftedProduct =
        targets.shift("describe:shift", DESCRIBE, new float[][] {{2, 3}});
    assertArrayEquals(
        new float[] {2, 3},
        shiftedProduct.semanticTarget().orElseThrow(),
        "the shifted slot itself");
    assertNull(shiftedProduct.candidates());
  }

  @Test
  void withoutTheColumnKindsBehavioralSpaceOnlyRealRowEntitiesGetBc() {
    RewardTargets targets =
        targets(
            data(new boolean[] {true, false, false, false, false}, false),
            CandidatePool.TRAINING_ENTITIES);
    assertTrue(targets.behavioral(TASTE));
    assertEquals(
        Map.of(1, 0.0, 2, 4.0, 3, 0.0),
        relevance(targets.real("taste:[1]", TASTE, S1, new float[][] {SHOPPERS[1]}).candidates()));
    assertNull(
        targets
            .interpolation("taste:mix", TASTE, S1, S2, 0.25, new float[][] {{0.25f, 1.25f}})
            .candidates());
    RewardTargets wrongDimension = targets(data(), CandidatePool.TRAINING_ENTITIES);
    assertNull(
        wrongDimension.shift("taste:shift", TASTE, new float[][] {{1, 2, 3}}).candidates(),
        "a slot of another dimension than the factors has no u . v");
  }

  @Test
  void aPoolOfFewerThanTwoCandidatesGivesNoBc() {
    PreparedData data =
        data(new boolean[] {true, false, true, true, false}, true); // training with text: p1 only
    RewardTargets rl = targets(data, CandidatePool.TRAINING_ENTITIES);
    assertFalse(rl.behavioral(TASTE));
    assertNull(rl.real("taste:[1]", TASTE, S1, new float[][] {SHOPPERS[1]}).candidates());
    RewardTargets evaluation = targets(data, CandidatePool.ALL_ENTITIES);
    assertTrue(evaluation.behavioral(TASTE), "the evaluation's pool still has p0..p3");
  }

  @Test
  void theDomainNamesEachKindsBehavioralSpace() {
    InMemoryDomain domain = data().domain();
    assertEquals("behavioral_product", domain.behavioralSpace("product").orElseThrow().name());
    assertEquals("behavioral", domain.behavioralSpace("shopper").orElseThrow().name());
    assertTrue(domain.behavioralSpace("store").isEmpty());
    assertTrue(
        data(new boolean[5], false).domain().behavioralSpace("product").isEmpty(),
        "the shoppers' space 'behavioral' is not the products'");
  }
}
