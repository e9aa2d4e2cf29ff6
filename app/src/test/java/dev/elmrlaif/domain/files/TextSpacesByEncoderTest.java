package dev.elmrlaif.domain.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.FilesDomainConfig;
import dev.elmrlaif.domain.config.TextEncoderKind;
import dev.elmrlaif.domain.data.NpyReader;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.TextEmbedder;
import dev.elmrlaif.rewards.text.MiniLmTextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file domain's text spaces made by the run's own encoder, not brought as vectors: {@code
 * data.files.embed} at preparation, and {@code rlaif data embed} ahead of it, whose vectors the
 * preparation accepts only from the same encoder. Quantized MiniLM, for speed; the vectors are
 * checked against the encoder itself.
 */
class TextSpacesByEncoderTest {
  @TempDir Path dir;

  private static FilesDomainConfig with(
      FilesDomainConfig f,
      List<FilesDomainConfig.VectorFile> vectors,
      List<String> textSpaces,
      List<FilesDomainConfig.EmbedSpace> embed) {
    return f.with(b -> b.vectors(vectors).textSpaces(textSpaces).embed(embed));
  }

  @Test
  void anEmbedSpaceIsMadeByTheRunsEncoder() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    FilesDomainConfig files =
        with(
            FileWorld.files(folder, List.of()),
            FileWorld.files(folder, List.of()).vectors(),
            List.of(),
            List.of(
                new FilesDomainConfig.EmbedSpace("item", "item_about", List.of("description"))));
    DataConfig data = FileWorld.data(files, dir.resolve("cache"), TextEncoderKind.MINILM_Q);
    PreparedData prepared = new FileDomainPreparer(data, 1, Map.of()).prepare(false);
    EmbeddingSpace about = prepared.domain().space("item_about");
    assertTrue(about.textComparable());
    assertEquals(384, about.dimension());
    MiniLmTextEncoder minilm = MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED);
    assertArrayEquals(
        minilm.encode("a blue round thing for the kitchen room"), about.vector(2), 1e-6f);
    assertArrayEquals(about.vector(2), prepared.domain().space("item_text").vector(2), 0f);
    assertTrue(prepared.textEncoder().description().contains("variant=quantized"));
    assertTrue(Files.isDirectory(dir.resolve("cache").resolve("encodings")));

    FilesDomainConfig unknownField =
        with(
            files,
            files.vectors(),
            List.of(),
            List.of(new FilesDomainConfig.EmbedSpace("item", "x", List.of("colour"))));
    UserInputException e =
        assertThrows(
            UserInputException.class,
            () ->
                new FileDomainPreparer(
                        FileWorld.data(
                            unknownField, dir.resolve("cache"), TextEncoderKind.MINILM_Q),
                        1,
                        Map.of())
                    .prepare(false));
    assertEquals(
        "data.files.embed: space 'x': no item entity has texts.colour; expected fields among "
            + "[description]",
        e.getMessage());
  }

  @Test
  void dataEmbedWritesVectorsThePreparationAcceptsOnlyFromTheSameEncoder() throws IOException {
    Path folder = FileWorld.write(dir.resolve("world"));
    FilesDomainConfig base = FileWorld.files(folder, List.of());
    DataConfig quantized = FileWorld.data(base, dir.resolve("cache"), TextEncoderKind.MINILM_Q);
    TextEmbedder.Result result =
        TextEmbedder.embed(
            quantized,
            folder.resolve("items.jsonl"),
            List.of("description"),
            folder.resolve("item_minilm"));
    assertEquals(8, result.rows());
    assertEquals(0, result.withoutText());
    assertEquals(
        List.of("i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7"),
        Files.readAllLines(folder.resolve("item_minilm.ids")));
    NpyReader.Matrix matrix = NpyReader.read(folder.resolve("item_minilm.npy"));
    float[] row2 = java.util.Arrays.copyOfRange(matrix.values(), 2 * 384, 3 * 384);
    assertArrayEquals(
        MiniLmTextEncoder.of(MiniLmTextEncoder.Variant.QUANTIZED)
            .encode("a blue round thing for the kitchen room"),
        row2,
        0f);
    assertTrue(
        Files.readString(folder.resolve("item_minilm.encoder.json"))
            .contains("\"variant\" : \"quantized\""));

    FilesDomainConfig withSpace =
        with(
            base,
            List.of(
                base.vectors().get(0),
                new FilesDomainConfig.VectorFile(
                    "item", "minilm", "item_minilm.npy", "item_minilm.ids")),
            List.of("minilm"),
            List.of());
    PreparedData prepared =
        new FileDomainPreparer(
                FileWorld.data(withSpace, dir.resolve("cache"), TextEncoderKind.MINILM_Q),
                1,
                Map.of())
            .prepare(false);
    assertTrue(prepared.domain().space("minilm").textComparable());
    assertArrayEquals(row2, prepared.domain().space("minilm").vector(2), 0f);

    UserInputException other =
        assertThrows(
            UserInputException.class,
            () ->
                new FileDomainPreparer(
                        FileWorld.data(withSpace, dir.resolve("cache"), TextEncoderKind.MINILM),
                        1,
                        Map.of())
                    .prepare(false));
    assertTrue(
        other
            .getMessage()
            .startsWith(
                "data.files.text_spaces: space 'minilm' was embedded by the encoder "
                    + "described in "
                    + folder.resolve("item_minilm.encoder.json")
                    + ", but data.text_encoder gives minilm("),
        other.getMessage());

    UserInputException tfidf =
        assertThrows(
            UserInputException.class,
            () ->
                TextEmbedder.embed(
                    FileWorld.data(base, dir.resolve("cache")),
                    folder.resolve("items.jsonl"),
                    List.of("description"),
                    folder.resolve("x")));
    assertTrue(
        tfidf.getMessage().startsWith("data.text_encoder: tfidf is fitted on each preparation's"),
        tfidf.getMessage());
    assertTrue(Files.notExists(folder.resolve("x.npy")));
  }

  @Test
  void dataEmbedNamesTheLineOfABadInput() throws IOException {
    Path input = dir.resolve("texts.jsonl");
    Files.writeString(
        input, "{\"id\": 1, \"text\": \"a quiet village\"}\n{\"id\": 1, \"text\": \"again\"}\n");
    DataConfig quantized =
        FileWorld.data(
            FileWorld.files(dir, List.of()), dir.resolve("cache"), TextEncoderKind.MINILM_Q);
    UserInputException twice =
        assertThrows(
            UserInputException.class,
            () -> TextEmbedder.embed(quantized, input, List.of(), dir.resolve("out")));
    assertEquals(input + ", line 2: id '1' appears twice; expected unique ids", twice.getMessage());
    Files.writeString(input, "{\"id\": 1, \"text\": \"a quiet village\"}\n{\"id\": 2}\nnot json\n");
    UserInputException bad =
        assertThrows(
            UserInputException.class,
            () -> TextEmbedder.embed(quantized, input, List.of(), dir.resolve("out")));
    assertTrue(
        bad.getMessage().startsWith(input + ", line 3: not a JSON object"), bad.getMessage());
    assertTrue(Files.notExists(dir.resolve("out.npy")));

    Files.writeString(input, "{\"id\": 1, \"text\": \"a quiet village\"}\n{\"id\": \"b\"}\n");
    TextEmbedder.Result result =
        TextEmbedder.embed(quantized, input, List.of(), dir.resolve("out"));
    assertEquals(2, result.rows());
    assertEquals(1, result.withoutText());
    NpyReader.Matrix matrix = NpyReader.read(dir.resolve("out.npy"));
    assertArrayEquals(new float[384], java.util.Arrays.copyOfRange(matrix.values(), 384, 768), 0f);
  }

  @Test
  void theEmbedKeyBindsFromYamlAndAnEmptyFieldListIsOneLine() throws IOException {
    Path yaml = dir.resolve("embed.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "data:",
            "  domain: files",
            "  text_encoder: minilm_q",
            "  files:",
            "    embed:",
            "      - {kind: item, space: item_about, fields: [description, notes]}",
            ""));
    FilesDomainConfig files = new ConfigLoader().load(yaml, List.of()).config().data().files();
    assertEquals(
        List.of(
            new FilesDomainConfig.EmbedSpace(
                "item", "item_about", List.of("description", "notes"))),
        files.embed());

    Files.writeString(
        yaml,
        String.join(
            "\n",
            "data:",
            "  domain: files",
            "  files:",
            "    embed:",
            "      - {kind: item, space: item_about, fields: []}",
            ""));
    UserInputException empty =
        assertThrows(UserInputException.class, () -> new ConfigLoader().load(yaml, List.of()));
    assertTrue(
        empty
            .getMessage()
            .contains(
                "line 5: data.files.embed[0].fields: empty for space 'item_about'; expected the "
                    + "text fields to embed"),
        empty.getMessage());
  }
}
