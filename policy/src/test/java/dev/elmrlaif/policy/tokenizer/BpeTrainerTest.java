package dev.elmrlaif.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

    private static BpeModel train(int vocabSize, int minPairFrequency, List<String> texts) {
        BpeTrainerConfig config = BpeTrainerConfig.builder().vocabSize(vocabSize).minPairFrequency(minPairFrequency).build();
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
        // Now aa|ab|d|aa|ab|a|c: (aa,ab) 2 -> "aa ab"; every other pair occurs once, below the minimum 2.
        BpeModel model = train(1000, 2, List.of("aaabdaaabac"));
        assertEquals(merges("a a", "a b", "aa ab"), model.merges());
        assertEquals(256, model.vocab().get("aa"));
        assertEquals(257, model.vocab().get("ab"));
        assertEquals(258, model.vocab().get("aaab"));
        // The special tokens follow, as GPT-2's <|endoftext|> does.
        assertEquals(List.of(new BpeModel.AddedToken(259, "<|begin|>", true), new BpeModel.AddedToken(260, "<|end|>", true),
                new BpeModel.AddedToken(261, "<|pad|>", true), new BpeModel.AddedToken(262, "<|entity_0|>", true),
                new BpeModel.AddedToken(263, "<|entity_1|>", true)), model.addedTokens());
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
        BpeModel model = train(1000, 2, List.of("<|entity_0|><|entity_0|><|entity_0|>", "<|pad|><|pad|>"));
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
        assertArrayEquals(new long[] {vocab.get("aaab"), 'd' - 33, vocab.get("aaab"), vocab.get("a"), 'c' - 33},
                codec.encode("aaabdaaabac"));
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainerConfig.builder().vocabSize(100).build());
        assertEquals("vocabSize: found 100, expected >= 261 (256 byte symbols + 5 special tokens)", small.getMessage());
        IllegalArgumentException frequency = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainerConfig.builder().minPairFrequency(0).build());
        assertEquals("minPairFrequency: found 0, expected >= 1", frequency.getMessage());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> new SpecialTokens("<|x|>", "<|x|>", "<|pad|>", "<|entity_", "|>", 2));
        assertTrue(names.getMessage().startsWith("begin/end/pad: found the token '<|x|>' twice"), names.getMessage());
        assertEquals(List.of("<|begin|>", "<|end|>", "<|pad|>", "<|entity_0|>", "<|entity_1|>", "<|entity_2|>"),
                SpecialTokens.defaults().withPlaceholderCount(3).all());
    }
}
