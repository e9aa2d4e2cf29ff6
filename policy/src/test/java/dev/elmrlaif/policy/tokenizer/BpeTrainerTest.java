package dev.elmrlaif.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

  private static BpeModel train(int vocabSize, int minPairFrequency, List<String> texts) {
    BpeTrainerConfig config =
        BpeTrainerConfig.builder().vocabSize(vocabSize).minPairFrequency(minPairFrequency).build();
    return new BpeTrainer(config).train(texts);
  }

  private static List<BpeModel.Merge> merges(String... pairs) {
    List<BpeModel.Merge> merges = new ArrayList<>();
    for (String pair : pairs) {
      String[] parts = pair.split(" ");
      merges.add(new BpeModel.Merge(parts[0], parts[1]));
    }
    return merges;
  }

  @Test
  void learnsTheHandComputedMerges() {
    // One word "aaabdaaabac". Pairs: aa 4, ab 2, bd 1, da 1, ba 1, ac 1 -> merge "a a".
    // Now aa|a|b|d|aa|a|b|a|c: (aa,a) 2 and (a,b) 2 tie; ids a=64 < aa=256, so "a b" wins.
    // Now aa|ab|d|aa|ab|a|c: (aa,ab) 2 -> "aa ab"; every other pair occurs once, below the minimum
    // 2.
    BpeModel model = train(1000, 2, List.of("aaabdaaabac"));
    assertEquals(merges("a a", "a b", "aa ab"), model.merges());
    assertEquals(256, model.vocab().get("aa"));
    assertEquals(257, model.vocab().get("ab"));
    assertEquals(258, model.vocab().get("aaab"));
    // The special tokens follow, as GPT-2's <|endoftext|> does.
    assertEquals(
        List.of(
            new BpeModel.AddedToken(259, "<|begin|>", true),
            new BpeModel.AddedToken(260, "<|end|>", true),
            new BpeModel.AddedToken(261, "<|pad|>", true),
            new BpeModel.AddedToken(262, "<|entity_0|>", true),
            new BpeModel.AddedToken(263, "<|entity_1|>", true)),
        model.addedTokens());
    assertEquals(264, model.size());
  }

  @Test
  void mergesNeverCrossPreTokenizedWords() {
    // Words: "ab" x2, " ab" x2. (a,b) 4 -> "ab"; then (Ġ,ab) 2 -> "Ġab". "b" and " a" never meet.
    BpeModel model = train(1000, 2, List.of("ab ab ab", "ab"));
    assertEquals(merges("a b", "Ġ ab"), model.merges());
  }

  @Test
  void breaksTiesBySmallerLeftThenRightId() {
    // Words "xy", " yx": pairs (x,y), (y,x), (Ġ,y) all occur once; ids x=87, y=88, Ġ=220.
    // (87,88) < (88,87) < (220,88): "x y", then "y x", then (Ġ,yx).
    BpeModel model = train(1000, 1, List.of("xy yx"));
    assertEquals(merges("x y", "y x", "Ġ yx"), model.merges());
  }

  @Test
  void stopsAtTheRequestedVocabularySize() {
    List<String> texts = new RandomText(21).strings(300, 50);
    BpeModel model = train(400, 2, texts);
    assertEquals(400, model.size());
    assertEquals(400, model.vocab().size());
    assertEquals(400 - 256 - 5, model.merges().size());
    assertTrue(model.vocab().values().stream().allMatch(id -> id < 400));
  }

  @Test
  void specialTokensInTheTextsAreNotLearned() {
    BpeModel model =
        train(1000, 2, List.of("<|entity_0|><|entity_0|><|entity_0|>", "<|pad|><|pad|>"));
    assertEquals(List.of(), model.merges());
  }

  @Test
  void trainingIsDeterministicAndIndependentOfTextOrder() {
    List<String> texts = new RandomText(17).strings(300, 50);
    byte[] first = TokenizerJson.toBytes(TokenizerJson.toJson(train(600, 2, texts)));
    byte[] second = TokenizerJson.toBytes(TokenizerJson.toJson(train(600, 2, texts)));
    assertArrayEquals(first, second);
    List<String> reversed = new ArrayList<>(texts);
    Collections.reverse(reversed);
    assertArrayEquals(first, TokenizerJson.toBytes(TokenizerJson.toJson(train(600, 2, reversed))));
  }

  @Test
  void encodingATrainingWordReproducesTheLearnedTokens() {
    // A word the merges fully join encodes as one id.
    BpeModel model = train(1000, 2, List.of("aaabdaaabac"));
    ByteLevelBpeCodec codec = new ByteLevelBpeCodec(model);
    Map<String, Integer> vocab = model.vocab();
    assertArrayEquals(
        new long[] {vocab.get("aaab"), 'd' - 33, vocab.get("aaab"), vocab.get("a"), 'c' - 33},
        codec.encode("aaabdaaabac"));
  }

  @Test
  void incrementalCountsGiveTheSameMergesAsRecountingEveryStep() {
    // Repeated symbols ("aaaa", "abab") make overlapping and back-to-back merges.
    Random random = new Random(3);
    String[] parts = {"aaaa", "abab", " ", "中文", "ééé", "  \n", "the", " the"};
    List<String> repetitive = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      StringBuilder text = new StringBuilder();
      for (int j = 0; j < 30; j++) {
        text.append(parts[random.nextInt(parts.length)]);
      }
      repetitive.add(text.toString());
    }
    for (List<String> texts : List.of(repetitive, new RandomText(9).strings(200, 40))) {
      BpeModel model = train(420, 1, texts);
      assertEquals(recountingReference(texts, 420 - 5), model.merges());
    }
  }

  /** Textbook BPE: recount every pair of every word before each merge; same tie-breaking. */
  private static List<BpeModel.Merge> recountingReference(
      List<String> texts, int regularVocabSize) {
    List<String> symbols = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < 256; i++) {
      String symbol =
          String.valueOf(ByteLevelAlphabet.charOf(ByteLevelAlphabet.byteInVocabularyOrder(i)));
      symbols.add(symbol);
      ids.put(symbol, i);
    }
    List<List<Integer>> words = new ArrayList<>();
    for (String text : texts) {
      for (String piece : Gpt2PreTokenizer.split(text)) {
        List<Integer> word = new ArrayList<>();
        for (char c : ByteLevelAlphabet.encode(piece).toCharArray()) {
          word.add(ids.get(String.valueOf(c)));
        }
        words.add(word);
      }
    }
    List<BpeModel.Merge> merges = new ArrayList<>();
    while (symbols.size() < regularVocabSize) {
      Map<Long, Integer> counts = new HashMap<>();
      for (List<Integer> word : words) {
        for (int i = 0; i + 1 < word.size(); i++) {
          counts.merge(((long) word.get(i) << 32) | word.get(i + 1), 1, Integer::sum);
        }
      }
      // Highest count; among equal counts the smallest (left, right), i.e. the smallest packed key.
      long bestKey = -1;
      int bestCount = 0;
      for (Map.Entry<Long, Integer> entry : counts.entrySet()) {
        if (entry.getValue() > bestCount
            || (entry.getValue() == bestCount && entry.getKey() < bestKey)) {
          bestKey = entry.getKey();
          bestCount = entry.getValue();
        }
      }
      if (bestCount == 0) {
        break;
      }
      List<Integer> best = List.of((int) (bestKey >>> 32), (int) bestKey);
      String merged = symbols.get(best.get(0)) + symbols.get(best.get(1));
      if (!ids.containsKey(merged)) {
        ids.put(merged, symbols.size());
        symbols.add(merged);
      }
      merges.add(new BpeModel.Merge(symbols.get(best.get(0)), symbols.get(best.get(1))));
      for (List<Integer> word : words) {
        for (int i = 0; i + 1 < word.size(); i++) {
          if (word.get(i).equals(best.get(0)) && word.get(i + 1).equals(best.get(1))) {
            word.set(i, ids.get(merged));
            word.remove(i + 1);
          }
        }
      }
    }
    return merges;
  }

  @Test
  void configValidationNamesTheField() {
    IllegalArgumentException small =
        assertThrows(
            IllegalArgumentException.class,
            () -> BpeTrainerConfig.builder().vocabSize(100).build());
    assertEquals(
        "vocabSize: found 100, expected >= 261 (256 byte symbols + 5 special tokens)",
        small.getMessage());
    IllegalArgumentException frequency =
        assertThrows(
            IllegalArgumentException.class,
            () -> BpeTrainerConfig.builder().minPairFrequency(0).build());
    assertEquals("minPairFrequency: found 0, expected >= 1", frequency.getMessage());
    IllegalArgumentException names =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SpecialTokens("<|x|>", "<|x|>", "<|pad|>", "<|entity_", "|>", 2));
    assertTrue(
        names.getMessage().startsWith("begin/end/pad: found the token '<|x|>' twice"),
        names.getMessage());
    assertEquals(
        List.of("<|begin|>", "<|end|>", "<|pad|>", "<|entity_0|>", "<|entity_1|>", "<|entity_2|>"),
        SpecialTokens.defaults().withPlaceholderCount(3).all());
  }
}
