package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Words, the training vocabulary and the non-word rate, against hand-counted cases. */
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
}
