package dev.elmrlaif.domain.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code rlaif data embed}: turns a file of texts into a vector file of a "bring your own
 * embeddings" domain, made by the run's own text encoder ({@code data.text_encoder}), so a space
 * listed in {@code data.files.text_spaces} lives in the same space as the generated texts SC
 * re-embeds, and SC on it means what it means on MovieLens. The output is the {@code .npy} + id
 * list pair {@code data.files.vectors} reads, and a {@code .encoder.json} descriptor of the encoder
 * beside them, by which the preparation refuses the space when the run's encoder is another one.
 *
 * <p>Input: JSON lines with an {@code id} (string or integer) and either {@code texts: {field:
 * text}} (the entity files' format; the vector is the encoder's mean over the requested fields the
 * line has) or, when no field is requested, a top-level {@code text}. A line with no text gets the
 * zero vector (no embedding).
 */
public final class TextEmbedder {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was written: the files, the counts and the seconds the encoding took. */
  public record Result(
      Path vectors,
      Path ids,
      Path descriptor,
      int rows,
      int withoutText,
      int dimension,
      String encoder,
      double seconds) {}

  private TextEmbedder() {}

  /** The vector file, id list and descriptor of an output prefix. */
  public static Path vectorsFile(Path prefix) {
    return sibling(prefix, ".npy");
  }

  /** The id list of an output prefix. */
  public static Path idsFile(Path prefix) {
    return sibling(prefix, ".ids");
  }

  /**
   * The encoder descriptor written beside {@code vectorFile} ({@code x.npy} → {@code
   * x.encoder.json}).
   */
  public static Path descriptorOf(Path vectorFile) {
    String name = vectorFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return vectorFile.resolveSibling(stem + ".encoder.json");
  }

  private static Path sibling(Path prefix, String suffix) {
    return prefix.resolveSibling(prefix.getFileName() + suffix);
  }

  /**
   * Reads {@code input}, encodes its texts with the encoder of {@code config} and writes the three
   * files.
   *
   * @param fields the {@code texts} fields to embed; empty means each line's top-level {@code text}
   * @throws UserInputException naming the file and line of a bad input line, or the key of an
   *     unsuitable encoder
   */
  public static Result embed(DataConfig config, Path input, List<String> fields, Path prefix) {
    if (TextEncoderFactory.fitted(config)) {
      throw new UserInputException(
          "data.text_encoder: tfidf is fitted on each preparation's training texts, so "
              + "vectors embedded apart from a preparation would not be comparable; expected minilm, minilm_q or "
              + "model_folder for 'rlaif data embed'");
    }
    if (!Files.isRegularFile(input)) {
      throw new UserInputException(
          input + ": no such file; expected JSON lines with an id and texts");
    }
    List<String> ids = new ArrayList<>();
    List<List<String>> texts = new ArrayList<>();
    read(input, fields, ids, texts);
    if (ids.isEmpty()) {
      throw new UserInputException(
          input + ": no lines; expected one JSON object per line with an id and texts");
    }
    TextEncoder encoder = TextEncoderFactory.create(config, List.of(), 0);
    long start = System.nanoTime();
    float[][] rows = TextEncoders.meanEmbeddings(encoder, texts);
    double seconds = (System.nanoTime() - start) / 1e9;
    int dimension = encoder.dimension();
    float[] values = new float[rows.length * dimension];
    int withoutText = 0;
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, values, r * dimension, dimension);
      boolean zero = true;
      for (float v : rows[r]) {
        zero &= v == 0f;
      }
      withoutText += zero ? 1 : 0;
    }
    Path vectors = vectorsFile(prefix);
    Path idList = idsFile(prefix);
    Path descriptor = descriptorOf(vectors);
    try {
      if (prefix.toAbsolutePath().getParent() != null) {
        Files.createDirectories(prefix.toAbsolutePath().getParent());
      }
      Path temporary =
          Files.createTempFile(descriptor.toAbsolutePath().getParent(), "encoder", ".json");
      try {
        encoder.save(temporary);
        AtomicFiles.write(descriptor, Files.readAllBytes(temporary));
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + descriptor, e);
    }
    AtomicFiles.write(vectors, NpyReader.float32(rows.length, dimension, values));
    AtomicFiles.writeString(idList, String.join("\n", ids) + "\n");
    return new Result(
        vectors,
        idList,
        descriptor,
        rows.length,
        withoutText,
        dimension,
        encoder.description(),
        seconds);
  }

  private static void read(
      Path input, List<String> fields, List<String> ids, List<List<String>> texts) {
    Set<String> seen = new HashSet<>();
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String where = input + ", line " + lineNumber;
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new UserInputException(
              where + ": not a JSON object (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
          throw new UserInputException(where + ": expected a JSON object with an id and texts");
        }
        JsonNode id = node.get("id");
        if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
          throw new UserInputException(where + ": key 'id' is missing or not a string or integer");
        }
        if (!seen.add(id.asText())) {
          throw new UserInputException(
              where + ": id '" + id.asText() + "' appears twice; expected unique ids");
        }
        List<String> own = new ArrayList<>();
        if (fields.isEmpty()) {
          JsonNode text = node.get("text");
          if (text != null && !text.isNull() && !text.isTextual()) {
            throw new UserInputException(where + ": key 'text' is not a string");
          }
          if (text != null && text.isTextual() && !text.asText().isBlank()) {
            own.add(text.asText());
          }
        } else {
          JsonNode all = node.path("texts");
          for (String field : fields) {
            JsonNode text = all.get(field);
            if (text != null && !text.isNull() && !text.isTextual()) {
              throw new UserInputException(where + ": key 'texts." + field + "' is not a string");
            }
            if (text != null && text.isTextual() && !text.asText().isBlank()) {
              own.add(text.asText());
            }
          }
        }
        ids.add(id.asText());
        texts.add(own);
      }
    } catch (IOException e) {
      throw new UserInputException(input + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** The lines {@code rlaif data embed} prints: what was written, and the config that reads it. */
  public static String describe(Result result, String kind, String space, double seconds) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "embedded %d entities (%d without text: zero vectors, no embedding) by %s "
                + "in %.1f s (%.0f entities/s)%n",
            result.rows(),
            result.withoutText(),
            result.encoder(),
            seconds,
            result.rows() / Math.max(result.seconds(), 1e-9)));
    out.append("wrote ")
        .append(result.vectors())
        .append(" (")
        .append(result.rows())
        .append(" x ")
        .append(result.dimension())
        .append(" float32), ")
        .append(result.ids())
        .append(", ")
        .append(result.descriptor())
        .append(System.lineSeparator());
    out.append(
        String.format(
            Locale.ROOT,
            "to use them, add to your config (file names relative to " + "data.files.folder):%n"));
    out.append(
        String.format(
            Locale.ROOT,
            "data:%n  files:%n    vectors:%n      - {kind: %s, space: %s, file: %s, "
                + "ids: %s}%n    text_spaces: [%s]%n",
            kind,
            space,
            result.vectors().getFileName(),
            result.ids().getFileName(),
            space));
    return out.toString();
  }
}
