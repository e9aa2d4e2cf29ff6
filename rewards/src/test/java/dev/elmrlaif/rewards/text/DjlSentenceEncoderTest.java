package dev.elmrlaif.rewards.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked without a real sentence-embedding model: folder validation, configuration checks and
 * the descriptor. (No TorchScript model can be produced on this machine; pooling is tested in MeanPoolingTest.)
 */
class DjlSentenceEncoderTest {

    @Test
    void missingFolderModelOrTokenizerIsNamed(@TempDir Path folder) throws IOException {
        Path absent = folder.resolve("absent");
        InvalidRewardInputException e = assertThrows(InvalidRewardInputException.class,
                () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(absent)));
        assertTrue(e.getMessage().contains("absent") && e.getMessage().contains("does not exist"), e.getMessage());

        e = assertThrows(InvalidRewardInputException.class,
                () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(folder)));
        assertTrue(e.getMessage().contains("model.pt") && e.getMessage().contains("missing"), e.getMessage());

        Files.writeString(folder.resolve("model.pt"), "not a model");
        e = assertThrows(InvalidRewardInputException.class,
                () -> DjlSentenceEncoder.open(DjlSentenceConfig.of(folder)));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void configRejectsBadValues(@TempDir Path folder) {
        InvalidRewardInputException e = assertThrows(InvalidRewardInputException.class,
                () -> new DjlSentenceConfig(folder, "model.onnx", 128, false, true));
        assertTrue(e.getMessage().contains("modelFileName") && e.getMessage().contains("model.onnx"));
        e = assertThrows(InvalidRewardInputException.class,
                () -> new DjlSentenceConfig(folder, "model.pt", 1, false, true));
        assertTrue(e.getMessage().contains("maxLength") && e.getMessage().contains("found 1"));
    }

    @Test
    void descriptorWithChangedModelHashIsRefused(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("model.pt"), "weights v2");
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        Path descriptor = folder.resolve("encoder.json");
        Files.writeString(descriptor, "{\"format\":\"elm-rlaif/djl-sentence-encoder\",\"version\":1,"
                + "\"modelDirectory\":\"" + folder.toAbsolutePath() + "\",\"modelFileName\":\"model.pt\","
                + "\"maxLength\":64,\"includeTokenTypeIds\":false,\"normalize\":true,\"modelSha256\":\"abc\"}");
        InvalidRewardInputException e = assertThrows(InvalidRewardInputException.class,
                () -> TextEncoders.load(descriptor));
        assertTrue(e.getMessage().contains("modelSha256") && e.getMessage().contains("changed"), e.getMessage());

        Files.writeString(descriptor, "{\"format\":\"something-else\",\"version\":1}");
        e = assertThrows(InvalidRewardInputException.class, () -> TextEncoders.load(descriptor));
        assertTrue(e.getMessage().contains("encoder.json") && e.getMessage().contains("format"), e.getMessage());
    }

    @Test
    void sha256MatchesAKnownDigest(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("abc.txt");
        Files.writeString(file, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                DjlSentenceEncoder.sha256(file));
    }
}
