package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Words, the training vocabulary, the non-word rate and distinct-2 with its bootstrap intervals,
 * against hand-counted cases.
 */
class TextFiguresTest {

  @Test
  void wordsAreLowerCasedRunsOfLettersAndDigits() {
    assertEquals(
        List.of("don", "t", "stop", "motion", "2049", "é", "té"),
        TrainingVocabulary.words("Don't STOP-motion! 2049 É...té"));
    assertEquals(List.of(), TrainingVocabulary.words(" -- ! "));
  }

  @Test
  void theVocabularyIsTheTrainingTargetsAndTheTrainingEntitiesTextsOnly() {
    // movie 0 is a training entity, movie 1 is held out
    EntityTable movies =
        new EntityTable("movie", new long[] {10, 20}, List.of("Heist (1999)", "Sea (2001)"));
    InMemoryDomain domain =
        new InMemoryDomain(
            "test",
            Map.of("movie", movies),
            Map.of(),
            Map.of("movie", List.of(List.of("A heist in Paris."), List.of("Pirates at sea."))),
            Map.of("movie", new Split("movie", new boolean[] {false, true})),
            null,
            List.of());
    PreparedData data =
        new PreparedData(
            null,
            domain,
            List.of(),
            Map.of(
                "summary",
                List.of(
                    new TaskExample(
                        "summary", List.of(0), "Describe <|entity_0|>.", "The heist goes wrong."))),
            Map.of(
                "summary",
                List.of(
                    new TaskExample(
                        "summary", List.of(1), "Describe <|entity_0|>.", "Pirates sail."))),
            null,
            null,
            Map.of(),
            "",
            "",
            false);
    TrainingVocabulary vocabulary = TrainingVocabulary.ofTrainingSplit(data);
    // {a, heist, in, paris} from the training movie's text, {the, goes, wrong} from the training
    // target
    assertEquals(7, vocabulary.size());
    for (String word : List.of("a", "heist", "in", "paris", "the", "goes", "wrong")) {
      assertTrue(vocabulary.contains(word), word);
    }
    for (String word : List.of("pirates", "at", "sea", "sail", "describe", "entity_0", "entity")) {
      assertFalse(vocabulary.contains(word), word + ": held-out texts and prompts are not in it");
    }

    // words: the, pirates, heist | goes, wrong, in, zorg, land -> 8 words, 3 unseen (pirates, zorg,
    // land)
    // whitespace bigrams: (the, pirates'), (pirates', heist) | (goes, wrong), (wrong, in), (in,
    // zorg-land): 5 of 5
    TextFigures figures =
        TextFigures.of(List.of("The pirates' heist", "goes wrong in ZORG-land"), vocabulary);
    assertEquals(4.0, figures.words(), 1e-15, "(3 + 5) / 2");
    assertEquals(3.0 / 8.0, figures.nonWordRate(), 1e-15);
    assertEquals(1.0, figures.distinct2(), 1e-15);
    // repeated unseen words count each time they occur: 2 of 4
    assertEquals(
        0.5, TextFigures.of(List.of("heist zorg heist zorg"), vocabulary).nonWordRate(), 1e-15);
    TextFigures empty = TextFigures.of(List.of("", "..."), vocabulary);
    assertEquals(0.0, empty.words(), 0.0);
    assertTrue(Double.isNaN(empty.nonWordRate()), "no word, no rate");
    assertTrue(Double.isNaN(empty.distinct2()), "no bigram");
  }

  @Test
  void distinctTwoHasThePercentileIntervalOfHandCountedResamplesShiftedBackByTheirBias() {
    // bigrams: "a b" | "a b" (case and spaces do not count) | "c d", "d e": 3 distinct of 4
    List<String> texts = List.of("a b", "A  b", "c d e");
    // Seed 7 draws the index triples (1,0,1), (0,0,1), (2,0,2), (0,1,1) (BootstrapTest):
    // ab ab ab -> 1/3; ab ab ab -> 1/3; cd de ab cd de -> 3 distinct of 5; ab ab ab -> 1/3.
    // Raw R-7 interval of 1/3, 1/3, 1/3, 3/5: [1/3, 1/3 + 0.925 * (3/5 - 1/3)] = [1/3, 0.58],
    // wholly below the estimate 0.75. The replicates' mean is 0.4, a bias of 0.4 - 0.75 = -0.35,
    // so the reported interval is [1/3 + 0.35, 0.58 + 0.35].
    Bootstrap bootstrap = new Bootstrap(4, 0.95, 7);
    Bootstrap.Interval raw =
        bootstrap.interval(texts.size(), new WordNGrams(texts, 2)::distinctShare);
    assertEquals(1.0 / 3, raw.low(), 1e-12);
    assertEquals(0.58, raw.high(), 1e-12);
    Bootstrap.Interval interval = TextFigures.distinct2Interval(texts, bootstrap);
    assertEquals(0.75, interval.estimate(), 1e-15);
    assertEquals(1.0 / 3 + 0.35, interval.low(), 1e-12);
    assertEquals(0.93, interval.high(), 1e-12);
  }

  @Test
  void distinctTwoIntervalsReplayTheBootstrapDrawsAndPairTheSameExamples() {
    List<String> rl =
        List.of(
            "the heist goes wrong",
            "a heist in paris goes wrong",
            "pirates sail the sea",
            "the sea is calm",
            "the heist goes wrong again",
            "a quiet film about the sea",
            "pirates in paris");
    List<String> sft =
        List.of(
            "the heist goes wrong",
            "the heist goes wrong",
            "pirates sail the sea",
            "the sea is calm",
            "the heist goes wrong",
            "a film about the sea",
            "pirates sail the sea");
    int resamples = 200;
    Bootstrap bootstrap = new Bootstrap(resamples, 0.95, 123);
    SplittableRandom random = new SplittableRandom(123);
    double[] own = new double[resamples];
    double[] difference = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      int[] indices = new int[rl.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = random.nextInt(rl.size());
      }
      own[b] = handDistinct2(rl, indices);
      difference[b] = own[b] - handDistinct2(sft, indices);
    }
    int[] all = java.util.stream.IntStream.range(0, rl.size()).toArray();
    double estimate = handDistinct2(rl, all);
    assertEquals(TextFigures.distinctN(rl, 2), estimate, 1e-15);
    assertExpectedInterval(estimate, own, TextFigures.distinct2Interval(rl, bootstrap));
    assertExpectedInterval(
        estimate - handDistinct2(sft, all),
        difference,
        TextFigures.pairedDistinct2Difference(rl, sft, bootstrap));
  }

  @Test
  void theSameTextsDifferByExactlyZeroWithAZeroWidthInterval() {
    List<String> texts = List.of("the heist goes wrong", "pirates sail the sea", "go go go");
    Bootstrap.Interval difference =
        TextFigures.pairedDistinct2Difference(
            texts, List.copyOf(texts), new Bootstrap(1000, 0.95, 5));
    assertEquals(0.0, difference.estimate(), 0.0);
    assertEquals(0.0, difference.low(), 0.0);
    assertEquals(0.0, difference.high(), 0.0);
  }

  /**
   * The estimate, and the R-7 percentiles of the replicates each minus the replicates' mean bias.
   */
  private static void assertExpectedInterval(
      double estimate, double[] replicates, Bootstrap.Interval actual) {
    double bias = Arrays.stream(replicates).average().orElseThrow() - estimate;
    double[] sorted = replicates.clone();
    Arrays.sort(sorted);
    assertEquals(estimate, actual.estimate(), 1e-15);
    assertEquals(BootstrapTest.r7(sorted, 0.025) - bias, actual.low(), 1e-12);
    assertEquals(BootstrapTest.r7(sorted, 0.975) - bias, actual.high(), 1e-12);
    assertTrue(actual.low() <= estimate && estimate <= actual.high(), actual.toString());
  }

  /** Distinct-2 of the texts at {@code indices}, counted with strings. */
  private static double handDistinct2(List<String> texts, int[] indices) {
    Set<String> distinct = new HashSet<>();
    int total = 0;
    for (int index : indices) {
      String[] words = texts.get(index).strip().toLowerCase(Locale.ROOT).split("\\s+");
      for (int w = 0; w + 1 < words.length; w++) {
        distinct.add(words[w] + " " + words[w + 1]);
        total++;
      }
    }
    return (double) distinct.size() / total;
  }
}
