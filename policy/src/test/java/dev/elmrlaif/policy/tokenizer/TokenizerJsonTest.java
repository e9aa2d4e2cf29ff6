package dev.elmrlaif.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {

  @TempDir Path folder;

  private Path write(String name, String content) throws Exception {
    Path file = folder.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static String failureOf(Path file) {
    return assertThrows(TokenizerFormatException.class, () -> ElmTokenizer.load(file).close())
        .getMessage();
  }

  @Test
  void truncatedJsonNamesFileLineAndColumn() throws Exception {
    Path file = write("truncated.json", "{\n  \"model\": {\n    \"vocab\": {\"a\": 0,\n");
    String message = failureOf(file);
    assertTrue(message.startsWith(file + ": line 4, column 1: malformed JSON"), message);
  }

  @Test
  void wrongStructureNamesTheKey() throws Exception {
    Path vocabArray =
        write(
            "vocab-array.json",
            "{\"model\": {\"type\": \"BPE\", \"vocab\": [\"a\"], \"merges\": []}}");
    assertTrue(
        failureOf(vocabArray)
            .startsWith(vocabArray + ": key 'model.vocab': found ARRAY, expected an object"),
        failureOf(vocabArray));

    Path badId = write("bad-id.json", "{\"model\": {\"vocab\": {\"a\": -3}, \"merges\": []}}");
    assertTrue(
        failureOf(badId)
            .contains("key 'model.vocab.a': found -3, expected a non-negative integer id"),
        failureOf(badId));

    Path badMerge =
        write(
            "bad-merge.json",
            "{\"model\": {\"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}}");
    assertTrue(
        failureOf(badMerge).contains("key 'model.merges[0]': symbol 'ab' is not in model.vocab"),
        failureOf(badMerge));

    Path mergeShape =
        write("merge-shape.json", "{\"model\": {\"vocab\": {\"a\": 0}, \"merges\": [[\"a\"]]}}");
    assertTrue(
        failureOf(mergeShape)
            .contains("key 'model.merges[0]': found [\"a\"], expected \"left right\""),
        failureOf(mergeShape));

    Path noModel = write("no-model.json", "{\"version\": \"1.0\"}");
    assertEquals(
        noModel + ": key 'model' is missing, expected it to be present", failureOf(noModel));

    Path wordPiece =
        write("wordpiece.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
    assertTrue(
        failureOf(wordPiece).contains("key 'model.type': found 'WordPiece', expected 'BPE'"),
        failureOf(wordPiece));

    Path duplicateId =
        write(
            "duplicate-id.json", "{\"model\": {\"vocab\": {\"a\": 0, \"b\": 0}, \"merges\": []}}");
    assertTrue(
        failureOf(duplicateId).contains("vocab: id 0 is given to both 'a' and 'b'"),
        failureOf(duplicateId));

    Path addedToken =
        write(
            "added.json",
            "{\"added_tokens\": [{\"content\": \"<x>\"}], \"model\": {\"vocab\": {}, \"merges\": []}}");
    assertTrue(failureOf(addedToken).contains("key 'added_tokens[0]'"), failureOf(addedToken));
  }

  @Test
  void missingFileOrFolderIsNamed() {
    Path absent = folder.resolve("nowhere");
    assertEquals(
        absent + ": no such file; expected a tokenizer.json file or a folder containing one",
        failureOf(absent));
    assertEquals(
        folder.resolve("tokenizer.json")
            + ": no such file; expected a tokenizer.json file or a folder containing one",
        failureOf(folder));
  }

  @Test
  void pureJavaEngineRefusesWhatItCannotReproduce() throws Exception {
    BpeModel model =
        new BpeTrainer(BpeTrainerConfig.builder().vocabSize(300).build())
            .train(List.of("hello hello"));
    String json =
        new String(TokenizerJson.toBytes(TokenizerJson.toJson(model)), StandardCharsets.UTF_8)
            .replace("\"normalizer\" : null", "\"normalizer\" : {\"type\": \"Lowercase\"}");
    Path file = write("lowercase.json", json);
    TokenizerFormatException error =
        assertThrows(
            TokenizerFormatException.class,
            () -> ElmTokenizer.load(file, SpecialTokens.defaults(), ElmTokenizer.Engine.PURE_JAVA));
    assertEquals(
        file + ": the pure-Java codec cannot reproduce it because it has a normalizer",
        error.getMessage());
    // The native engine runs it: the normalizer lowercases before BPE.
    try (ElmTokenizer lowercasing =
        ElmTokenizer.load(file, SpecialTokens.defaults(), ElmTokenizer.Engine.AUTO)) {
      assertEquals(ElmTokenizer.Engine.HUGGING_FACE, lowercasing.engine());
      assertEquals("hello hello", lowercasing.decode(lowercasing.encode("HELLO Hello")));
    }
  }

  @Test
  void mergesAreReadInBothStringAndPairForm() throws Exception {
    BpeModel model =
        new BpeTrainer(BpeTrainerConfig.builder().vocabSize(270).build())
            .train(List.of("the cat the hat the mat"));
    String pairs =
        new String(TokenizerJson.toBytes(TokenizerJson.toJson(model)), StandardCharsets.UTF_8);
    StringBuilder strings = new StringBuilder();
    for (BpeModel.Merge merge : model.merges()) {
      strings
          .append(strings.length() == 0 ? "" : ", ")
          .append('"')
          .append(merge.left())
          .append(' ')
          .append(merge.right())
          .append('"');
    }
    String legacy =
        pairs.substring(0, pairs.indexOf("\"merges\"")) + "\"merges\" : [" + strings + "]\n  }\n}";
    assertEquals(
        model, TokenizerJson.parse("pairs", pairs.getBytes(StandardCharsets.UTF_8)).model());
    assertEquals(
        model, TokenizerJson.parse("legacy", legacy.getBytes(StandardCharsets.UTF_8)).model());
  }
}
