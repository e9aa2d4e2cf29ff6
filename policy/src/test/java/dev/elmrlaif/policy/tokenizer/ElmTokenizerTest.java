package dev.elmrlaif.policy.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElmTokenizerTest {

  private static final Path GPT2_LAYOUT = resource("tokenizer/gpt2-layout");
  private static List<String> corpus;
  private static BpeModel trained;

  @BeforeAll
  static void trainSmallVocabulary() {
    corpus = new RandomText(7).strings(400, 60);
    trained = new BpeTrainer(BpeTrainerConfig.builder().vocabSize(700).build()).train(corpus);
  }

  private static ElmTokenizer trainedTokenizer(ElmTokenizer.Engine engine) {
    return ElmTokenizer.fromModel(trained, SpecialTokens.defaults(), engine);
  }

  private static Path resource(String name) {
    try {
      return Paths.get(ElmTokenizerTest.class.getClassLoader().getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Stream<String> awkwardTexts() {
    List<String> fixed =
        List.of(
            "",
            " ",
            "\n",
            "Hello, world!",
            "  leading and trailing  ",
            "tabs\tand\nnewlines\r\n\r\n",
            "café naïve Über",
            "中文字符 and 日本語",
            "emoji 😀👍🏽👨‍👩‍👧!",
            "ＦＵＬＬＷＩＤＴＨ １２３",
            "\u00a0nbsp\u3000ideographic\u2028line",
            "a     b",
            "'s 're 've 'm 'll 'd",
            "\u0000\u0001\u007f\u0085",
            "🎬".repeat(30),
            // Thousands of tokens: DJL's default truncation to 512 must be off.
            new RandomText(13).next(3000));
    return Stream.concat(fixed.stream(), new RandomText(11).strings(300, 40).stream());
  }

  @ParameterizedTest
  @EnumSource(
      value = ElmTokenizer.Engine.class,
      names = {"HUGGING_FACE", "PURE_JAVA"})
  void decodeInvertsEncodeForArbitraryUtf8(ElmTokenizer.Engine engine) {
    try (ElmTokenizer tokenizer = trainedTokenizer(engine)) {
      assertEquals(engine, tokenizer.engine());
      awkwardTexts()
          .forEach(
              text ->
                  assertEquals(
                      text,
                      tokenizer.decode(tokenizer.encode(text)),
                      () -> "round trip of " + Arrays.toString(text.codePoints().toArray())));
    }
  }

  @Test
  void bothEnginesGiveTheSameIdsAndTexts() {
    try (ElmTokenizer rust = trainedTokenizer(ElmTokenizer.Engine.HUGGING_FACE);
        ElmTokenizer java = trainedTokenizer(ElmTokenizer.Engine.PURE_JAVA)) {
      Stream.concat(awkwardTexts(), corpus.stream())
          .forEach(
              text ->
                  assertArrayEquals(
                      rust.encode(text), java.encode(text), () -> "ids of '" + text + "'"));
      String longText = new RandomText(13).next(3000);
      assertTrue(rust.encode(longText).length > 2000, "no truncation at DJL's default 512 tokens");
      // Random id sequences include cut multi-byte characters: both replace them with U+FFFD alike.
      Random random = new Random(5);
      for (int i = 0; i < 300; i++) {
        long[] ids = random.longs(1 + random.nextInt(12), 0, rust.vocabSize()).toArray();
        assertEquals(rust.decode(ids), java.decode(ids), () -> "text of " + Arrays.toString(ids));
        assertEquals(
            rust.decode(ids, true),
            java.decode(ids, true),
            () -> "text of " + Arrays.toString(ids));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ElmTokenizer.Engine.class,
      names = {"HUGGING_FACE", "PURE_JAVA"})
  void concurrentAndBatchEncodingGiveTheSameIdsAsSequential(ElmTokenizer.Engine engine)
      throws Exception {
    try (ElmTokenizer tokenizer = trainedTokenizer(engine)) {
      List<long[]> sequential = corpus.stream().map(tokenizer::encode).toList();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<long[]>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          results.add(pool.submit(() -> corpus.stream().map(tokenizer::encode).toList()));
        }
        for (Future<List<long[]>> result : results) {
          List<long[]> ids = result.get();
          for (int i = 0; i < corpus.size(); i++) {
            assertArrayEquals(sequential.get(i), ids.get(i));
          }
        }
      } finally {
        pool.shutdownNow();
      }
      long[][] all = tokenizer.encodeAll(corpus); // in parallel for the pure-Java engine
      assertEquals(corpus.size(), all.length);
      for (int i = 0; i < corpus.size(); i++) {
        assertArrayEquals(sequential.get(i), all[i]);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ElmTokenizer.Engine.class,
      names = {"HUGGING_FACE", "PURE_JAVA"})
  void specialTokensAreSingleIdsAndNeverSplit(ElmTokenizer.Engine engine) {
    try (ElmTokenizer tokenizer = trainedTokenizer(engine)) {
      long begin = tokenizer.beginId().orElseThrow();
      long end = tokenizer.endId().orElseThrow();
      long pad = tokenizer.padId().orElseThrow();
      long[] placeholders = tokenizer.placeholderIds();
      // Specials take the last ids: begin, end, pad, <|entity_0|>, <|entity_1|>.
      assertArrayEquals(
          new long[] {695, 696, 697, 698, 699},
          new long[] {begin, end, pad, placeholders[0], placeholders[1]});
      assertEquals(700, tokenizer.vocabSize());

      long[] ids = tokenizer.encode("<|begin|>the movie<|entity_0|>and<|entity_1|>x<|end|><|pad|>");
      assertEquals(begin, ids[0]);
      assertEquals(pad, ids[ids.length - 1]);
      assertEquals(end, ids[ids.length - 2]);
      assertEquals(1, count(ids, placeholders[0]));
      assertEquals(1, count(ids, placeholders[1]));
      long[] inner = Arrays.copyOfRange(ids, 1, ids.length - 2);
      assertEquals("the movie<|entity_0|>and<|entity_1|>x", tokenizer.decode(inner));
      assertEquals("the movieandx", tokenizer.decode(ids, true));

      // Near misses are ordinary text, several regular ids, none special.
      for (String nearMiss : List.of("<|entity_0|", "<|entity_2|>", "<|begin |>", "|entity_0|>")) {
        long[] plain = tokenizer.encode(nearMiss);
        assertTrue(plain.length > 1, nearMiss);
        assertTrue(Arrays.stream(plain).noneMatch(tokenizer::isSpecial), nearMiss);
        assertEquals(nearMiss, tokenizer.decode(plain, true));
      }
      assertTrue(tokenizer.isPlaceholder(placeholders[1]));
      assertEquals(1, tokenizer.placeholderIndex(placeholders[1]));
      assertEquals(0, tokenizer.placeholderIndex(placeholders[0]));
      assertEquals(-1, tokenizer.placeholderIndex(end));
      assertEquals(-1, tokenizer.placeholderIndex(700));
      assertFalse(tokenizer.isPlaceholder(begin));
      assertFalse(tokenizer.isPlaceholder(0));
      assertTrue(tokenizer.isSpecial(pad));
      assertEquals(OptionalLong.empty(), tokenizer.placeholderId(2));
    }
  }

  private static long count(long[] ids, long id) {
    return Arrays.stream(ids).filter(x -> x == id).count();
  }

  @ParameterizedTest
  @EnumSource(
      value = ElmTokenizer.Engine.class,
      names = {"HUGGING_FACE", "PURE_JAVA"})
  void batchIsPaddedToTheLengthWithAMask(ElmTokenizer.Engine engine) {
    try (ElmTokenizer tokenizer = trainedTokenizer(engine)) {
      List<String> texts =
          List.of("the movie", "", "<|entity_0|> the movie's café story goes on and on and on");
      long[][] single = texts.stream().map(tokenizer::encode).toArray(long[][]::new);
      int length = single[0].length + 2;
      long pad = tokenizer.padId().orElseThrow();

      EncodedBatch right = tokenizer.encodeBatch(texts, length, EncodedBatch.PaddingSide.RIGHT);
      assertEquals(3, right.batchSize());
      assertEquals(length, right.length());
      assertArrayEquals(new int[] {single[0].length, 0, length}, right.lengths());
      assertEquals(1, right.truncated());
      long[] expectedFirst = Arrays.copyOf(single[0], length);
      Arrays.fill(expectedFirst, single[0].length, length, pad);
      assertArrayEquals(expectedFirst, right.ids()[0]);
      assertArrayEquals(mask(length, 0, single[0].length), right.attentionMask()[0]);
      assertArrayEquals(mask(length, 0, 0), right.attentionMask()[1]);
      assertArrayEquals(Arrays.copyOf(single[2], length), right.ids()[2]);

      EncodedBatch left = tokenizer.encodeBatch(texts, length, EncodedBatch.PaddingSide.LEFT);
      assertArrayEquals(
          new long[] {pad, pad, single[0][0], single[0][1]}, Arrays.copyOf(left.ids()[0], 4));
      assertArrayEquals(mask(length, 2, length), left.attentionMask()[0]);
      assertThrows(
          IllegalArgumentException.class,
          () -> tokenizer.encodeBatch(texts, 0, EncodedBatch.PaddingSide.LEFT));
    }
  }

  private static long[] mask(int length, int from, int to) {
    long[] mask = new long[length];
    Arrays.fill(mask, from, to, 1L);
    return mask;
  }

  @Test
  void decodeRejectsIdsOutsideTheVocabulary() {
    try (ElmTokenizer tokenizer = trainedTokenizer(ElmTokenizer.Engine.AUTO)) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new long[] {5, 700}));
      assertTrue(error.getMessage().contains("ids[1]: found 700"), error.getMessage());
      assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new long[] {-1}));
    }
  }

  @Test
  void savedFileLoadsThroughDjlWithTheTrainersOwnIds(@TempDir Path folder) throws Exception {
    ByteLevelBpeCodec trainersEncoder = new ByteLevelBpeCodec(trained);
    Path file;
    try (ElmTokenizer inMemory = trainedTokenizer(ElmTokenizer.Engine.PURE_JAVA)) {
      file = inMemory.save(folder.resolve("run/tokenizer"));
    }
    assertEquals(folder.resolve("run/tokenizer/tokenizer.json"), file);
    assertArrayEquals(
        TokenizerJson.toBytes(TokenizerJson.toJson(trained)), Files.readAllBytes(file));
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
    }
    try (ElmTokenizer loaded =
        ElmTokenizer.load(
            file.getParent(), SpecialTokens.defaults(), ElmTokenizer.Engine.HUGGING_FACE)) {
      assertEquals(trained, loaded.model());
      Stream.concat(corpus.stream(), awkwardTexts())
          .forEach(
              text ->
                  assertArrayEquals(
                      trainersEncoder.encode(text),
                      loaded.encode(text),
                      () -> "ids of '" + text + "'"));
      // Saving again to the same file replaces it atomically with identical bytes.
      byte[] before = Files.readAllBytes(file);
      loaded.save(file);
      assertArrayEquals(before, Files.readAllBytes(file));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ElmTokenizer.Engine.class,
      names = {"AUTO", "HUGGING_FACE", "PURE_JAVA"})
  void loadsAGpt2FileWithoutTheElmTokens(ElmTokenizer.Engine engine) {
    try (ElmTokenizer gpt2 = ElmTokenizer.load(GPT2_LAYOUT, SpecialTokens.defaults(), engine)) {
      assertEquals(292, gpt2.vocabSize());
      // GPT-2's <|endoftext|> stands in for begin, end and pad; there are no placeholders.
      assertEquals(OptionalLong.of(291), gpt2.beginId());
      assertEquals(OptionalLong.of(291), gpt2.endId());
      assertEquals(OptionalLong.of(291), gpt2.padId());
      assertEquals(0, gpt2.placeholderCount());
      assertEquals(OptionalLong.empty(), gpt2.placeholderId(0));
      // These ids are GPT-2's own: " the" 262, " and" 290, " of" 286, " to" 284, " in" 287.
      assertArrayEquals(new long[] {262, 290, 286, 284, 287}, gpt2.encode(" the and of to in"));
      // " cat": "a t" (rank 9) merges before "Ġ c" (rank 13); no rule joins "Ġc" and "at".
      assertArrayEquals(new long[] {269, 265, 291}, gpt2.encode(" cat<|endoftext|>"));
      assertEquals(" the cat", gpt2.decode(new long[] {262, 269, 265, 291}, true));

      try (ElmTokenizer elm = gpt2.withSpecialTokens(SpecialTokens.defaults())) {
        assertEquals(297, elm.vocabSize());
        assertEquals(OptionalLong.of(292), elm.beginId());
        assertEquals(OptionalLong.of(294), elm.padId());
        assertArrayEquals(new long[] {295, 296}, elm.placeholderIds());
        assertArrayEquals(
            new long[] {292, 262, 296, 291}, elm.encode("<|begin|> the<|entity_1|><|endoftext|>"));
        assertEquals(
            engine == ElmTokenizer.Engine.AUTO ? ElmTokenizer.Engine.HUGGING_FACE : engine,
            elm.engine());
      }
    }
  }

  @Test
  void autoFallsBackToPureJavaWhenTheNativeLibraryCannotLoad() throws Exception {
    Function<byte[], TokenCodec> missingLibrary =
        json -> {
          throw new UnsatisfiedLinkError("no tokenizers in java.library.path");
        };
    TokenizerJson.Parsed gpt2 = TokenizerJson.read(GPT2_LAYOUT.resolve("tokenizer.json"));
    try (ElmTokenizer fallback =
        new ElmTokenizer(
            gpt2, SpecialTokens.defaults(), ElmTokenizer.Engine.AUTO, missingLibrary)) {
      assertEquals(ElmTokenizer.Engine.PURE_JAVA, fallback.engine());
      assertArrayEquals(new long[] {262, 290}, fallback.encode(" the and"));
    }
    IllegalStateException required =
        assertThrows(
            IllegalStateException.class,
            () ->
                new ElmTokenizer(
                    gpt2,
                    SpecialTokens.defaults(),
                    ElmTokenizer.Engine.HUGGING_FACE,
                    missingLibrary));
    assertEquals(
        "Hugging Face native tokenizer library could not load: java.lang.UnsatisfiedLinkError: "
            + "no tokenizers in java.library.path",
        required.getMessage());

    String lowercasing =
        new String(
                Files.readAllBytes(GPT2_LAYOUT.resolve("tokenizer.json")), StandardCharsets.UTF_8)
            .replace("\"normalizer\":null", "\"normalizer\":{\"type\":\"Lowercase\"}");
    TokenizerJson.Parsed unsupported =
        TokenizerJson.parse("lowercase.json", lowercasing.getBytes(StandardCharsets.UTF_8));
    TokenizerFormatException neither =
        assertThrows(
            TokenizerFormatException.class,
            () ->
                new ElmTokenizer(
                    unsupported,
                    SpecialTokens.defaults(),
                    ElmTokenizer.Engine.AUTO,
                    missingLibrary));
    assertTrue(
        neither.getMessage().startsWith("lowercase.json: the Hugging Face tokenizer failed (")
            && neither
                .getMessage()
                .endsWith(
                    ") and the pure-Java codec cannot reproduce it because it has a normalizer"),
        neither.getMessage());
  }

  @Test
  void missingPadTokenIsAClearErrorForBatches() {
    BpeModel noSpecials =
        new BpeModel(
            trained.vocab().entrySet().stream()
                .filter(e -> e.getValue() < 695)
                .collect(
                    java.util.stream.Collectors.toMap(
                        java.util.Map.Entry::getKey,
                        java.util.Map.Entry::getValue,
                        (a, b) -> a,
                        java.util.LinkedHashMap::new)),
            trained.merges(),
            List.of());
    try (ElmTokenizer tokenizer =
        ElmTokenizer.fromModel(
            noSpecials, SpecialTokens.defaults(), ElmTokenizer.Engine.PURE_JAVA)) {
      assertEquals(OptionalLong.empty(), tokenizer.padId());
      IllegalStateException error =
          assertThrows(
              IllegalStateException.class,
              () ->
                  tokenizer.encodeBatch(
                      new ArrayList<>(List.of("x")), 4, EncodedBatch.PaddingSide.RIGHT));
      assertTrue(
          error
              .getMessage()
              .startsWith("in-memory tokenizer: has no pad token ('<|pad|>' or '<|endoftext|>')"),
          error.getMessage());
    }
  }
}
