package dev.elmrlaif.domain.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Saves and reloads {@link PreparedData} in one cache folder. Every file is written atomically; the
 * manifest is written last, so a folder without a manifest (a killed run) is never read as
 * complete.
 *
 * <pre>
 *   manifest.json            counts, timings, ranking report, teacher, dataset summary, tasks
 *   domain.json              entity ids and names, held-out indices, texts, concepts
 *   embeddings.bin           every embedding space (name, kind, text-comparable, dimension, rows, float32 values)
 *   ratings.bin              the interactions, e.g. users × movies ratings (row-compressed), when there are any
 *   text-encoder.bin         the text encoder (rewards' own format: a fitted TF-IDF/SVD, or a pretrained model's descriptor)
 *   examples-train.jsonl.gz, examples-held_out.jsonl.gz   one TaskExample per line
 *   outside-texts.json.gz    texts about no entity of the domain, for pretraining (absent: none)
 * </pre>
 */
public final class PreparedDataStore {
  static final String MANIFEST = "manifest.json";
  static final String TEXT_ENCODER = "text-encoder.bin";
  static final String OUTSIDE_TEXTS = "outside-texts.json.gz";

  /** The first layout of embeddings.bin, without the text-comparable flag (read only). */
  private static final int EMBEDDINGS_MAGIC_V1 = 0x454c4d45; // "ELME"

  private static final int EMBEDDINGS_MAGIC =
      0x454c4d32; // "ELM2": each space also stores whether it is text-comparable
  private static final int RATINGS_MAGIC = 0x454c4d52; // "ELMR"

  private final ObjectMapper json =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** What manifest.json holds. */
  record Manifest(
      String key,
      List<TaskSpec> tasks,
      Map<String, Double> timings,
      RankingReport ranking,
      String datasetSummary,
      String teacher) {}

  /** What domain.json holds. */
  record DomainFile(
      String name,
      Map<String, TableFile> tables,
      Map<String, int[]> heldOut,
      Map<String, List<List<String>>> texts,
      List<Concept> concepts) {}

  /** One entity table in domain.json. */
  record TableFile(long[] ids, List<String> names) {}

  /** Whether {@code folder} holds a complete saved result. */
  public boolean isComplete(Path folder) {
    return Files.isRegularFile(folder.resolve(MANIFEST));
  }

  /** Writes {@code data} into {@code folder}, the manifest last. */
  public void save(PreparedData data, String key, Path folder) {
    try {
      Files.createDirectories(folder);
      InMemoryDomain domain = data.domain();
      Map<String, TableFile> tables = new LinkedHashMap<>();
      Map<String, int[]> heldOut = new LinkedHashMap<>();
      domain
          .entityTables()
          .forEach(
              (kind, table) -> {
                long[] ids = new long[table.size()];
                for (int i = 0; i < ids.length; i++) {
                  ids[i] = table.id(i);
                }
                tables.put(kind, new TableFile(ids, table.names()));
              });
      domain.splits().forEach((kind, split) -> heldOut.put(kind, split.heldOutIndices()));
      AtomicFiles.write(
          folder.resolve("domain.json"),
          json.writeValueAsBytes(
              new DomainFile(domain.name(), tables, heldOut, domain.texts(), domain.concepts())));
      AtomicFiles.write(
          folder.resolve("embeddings.bin"), out -> writeSpaces(domain, new DataOutputStream(out)));
      if (domain.ratings() != null) {
        AtomicFiles.write(
            folder.resolve("ratings.bin"),
            out -> writeRatings(domain.ratings(), new DataOutputStream(out)));
      }
      data.textEncoder().save(folder.resolve(TEXT_ENCODER));
      writeExamples(folder.resolve("examples-train.jsonl.gz"), data.trainExamples());
      writeExamples(folder.resolve("examples-held_out.jsonl.gz"), data.heldOutExamples());
      if (!data.outsideTexts().isEmpty()) {
        AtomicFiles.write(
            folder.resolve(OUTSIDE_TEXTS),
            out -> {
              GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
              gzip.write(json.writeValueAsBytes(data.outsideTexts()));
              gzip.finish();
            });
      }
      AtomicFiles.write(
          folder.resolve(MANIFEST),
          json.writerWithDefaultPrettyPrinter()
              .writeValueAsBytes(
                  new Manifest(
                      key,
                      data.tasks(),
                      data.timings(),
                      data.ranking(),
                      data.datasetSummary(),
                      data.teacher())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save prepared data into " + folder, e);
    }
  }

  /** Reads what {@link #save} wrote. */
  public PreparedData load(Path folder) {
    try {
      Manifest manifest = json.readValue(folder.resolve(MANIFEST).toFile(), Manifest.class);
      DomainFile file = json.readValue(folder.resolve("domain.json").toFile(), DomainFile.class);
      Map<String, EntityTable> tables = new LinkedHashMap<>();
      Map<String, Split> splits = new LinkedHashMap<>();
      file.tables()
          .forEach(
              (kind, t) -> {
                tables.put(kind, new EntityTable(kind, t.ids(), t.names()));
                boolean[] held = new boolean[t.ids().length];
                for (int i : file.heldOut().getOrDefault(kind, new int[0])) {
                  held[i] = true;
                }
                splits.put(kind, new Split(kind, held));
              });
      Map<String, EmbeddingSpace> spaces;
      try (DataInputStream in =
          new DataInputStream(
              new java.io.BufferedInputStream(
                  Files.newInputStream(folder.resolve("embeddings.bin"))))) {
        spaces = readSpaces(in);
      }
      Interactions ratings = null;
      if (Files.isRegularFile(folder.resolve("ratings.bin"))) {
        try (DataInputStream in =
            new DataInputStream(
                new java.io.BufferedInputStream(
                    Files.newInputStream(folder.resolve("ratings.bin"))))) {
          ratings = readRatings(in);
        }
      }
      InMemoryDomain domain =
          new InMemoryDomain(
              file.name(), tables, spaces, file.texts(), splits, ratings, file.concepts());
      return new PreparedData(
          folder,
          domain,
          manifest.tasks(),
          readExamples(folder.resolve("examples-train.jsonl.gz")),
          readExamples(folder.resolve("examples-held_out.jsonl.gz")),
          textEncoder(folder),
          manifest.ranking(),
          manifest.timings(),
          manifest.datasetSummary(),
          manifest.teacher(),
          true,
          readOutsideTexts(folder.resolve(OUTSIDE_TEXTS)));
    } catch (InvalidRewardInputException e) {
      throw new UserInputException(folder + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UserInputException(
          folder
              + ": the prepared-data cache is unreadable ("
              + e.getMessage()
              + "); delete the folder and run './rlaif data prepare' again",
          e);
    }
  }

  /**
   * The saved text encoder; a pretrained one is wrapped in the disk cache of encodings of the cache
   * folder the preparation lives in ({@code <data.cache_dir>/prepared/<name>} → {@code
   * <data.cache_dir>/encodings}), so the later stages (RL rewards, evaluation) reuse what the
   * preparation encoded.
   */
  private static TextEncoder textEncoder(Path folder) throws IOException {
    TextEncoder encoder = TextEncoders.load(folder.resolve(TEXT_ENCODER));
    Path parent = folder.toAbsolutePath().getParent();
    if (parent == null
        || !parent.getFileName().toString().equals("prepared")
        || parent.getParent() == null) {
      return encoder;
    }
    return TextEncoderFactory.withDiskCache(encoder, parent.getParent());
  }

  /** The key stored in {@code folder}'s manifest. */
  public String keyOf(Path folder) {
    try {
      return json.readTree(folder.resolve(MANIFEST).toFile()).path("key").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static void writeSpaces(InMemoryDomain domain, DataOutputStream out) throws IOException {
    out.writeInt(EMBEDDINGS_MAGIC);
    out.writeInt(domain.spaces().size());
    for (EmbeddingSpace space : domain.spaces().values()) {
      out.writeUTF(space.name());
      out.writeUTF(space.entityKind());
      out.writeBoolean(space.textComparable());
      out.writeInt(space.dimension());
      out.writeInt(space.size());
      for (float v : space.rawData()) {
        out.writeFloat(v);
      }
    }
    out.flush();
  }

  private static Map<String, EmbeddingSpace> readSpaces(DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != EMBEDDINGS_MAGIC && magic != EMBEDDINGS_MAGIC_V1) {
      throw new IOException("embeddings.bin has the wrong format");
    }
    Map<String, EmbeddingSpace> spaces = new LinkedHashMap<>();
    int count = in.readInt();
    for (int s = 0; s < count; s++) {
      String name = in.readUTF();
      String kind = in.readUTF();
      // the first layout came from MovieLens only, whose "semantic" space is the text encoder's
      boolean textComparable =
          magic == EMBEDDINGS_MAGIC ? in.readBoolean() : name.equals(PreparedData.SEMANTIC);
      int dimension = in.readInt();
      float[] data = new float[dimension * in.readInt()];
      for (int i = 0; i < data.length; i++) {
        data[i] = in.readFloat();
      }
      spaces.put(name, new EmbeddingSpace(name, kind, dimension, data, textComparable));
    }
    return spaces;
  }

  private static void writeRatings(Interactions r, DataOutputStream out) throws IOException {
    out.writeInt(RATINGS_MAGIC);
    out.writeUTF(r.rowKind());
    out.writeUTF(r.columnKind());
    out.writeInt(r.rows());
    out.writeInt(r.columns());
    out.writeInt(r.count());
    for (int v : r.rowStart()) {
      out.writeInt(v);
    }
    for (int v : r.column()) {
      out.writeInt(v);
    }
    for (float v : r.value()) {
      out.writeFloat(v);
    }
    out.flush();
  }

  private static Interactions readRatings(DataInputStream in) throws IOException {
    if (in.readInt() != RATINGS_MAGIC) {
      throw new IOException("ratings.bin has the wrong format");
    }
    String rowKind = in.readUTF();
    String columnKind = in.readUTF();
    int rows = in.readInt();
    int columns = in.readInt();
    int count = in.readInt();
    int[] start = new int[rows + 1];
    for (int i = 0; i <= rows; i++) {
      start[i] = in.readInt();
    }
    int[] column = new int[count];
    for (int i = 0; i < count; i++) {
      column[i] = in.readInt();
    }
    float[] value = new float[count];
    for (int i = 0; i < count; i++) {
      value[i] = in.readFloat();
    }
    return new Interactions(rowKind, columnKind, rows, columns, start, column, value);
  }

  private void writeExamples(Path file, Map<String, List<TaskExample>> examples) {
    AtomicFiles.write(
        file,
        out -> {
          GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
          Writer writer = new OutputStreamWriter(gzip, StandardCharsets.UTF_8);
          for (List<TaskExample> list : examples.values()) {
            for (TaskExample example : list) {
              writer.write(json.writeValueAsString(example));
              writer.write('\n');
            }
          }
          writer.flush();
          gzip.finish();
        });
  }

  private Map<String, List<TaskExample>> readExamples(Path file) throws IOException {
    Map<String, List<TaskExample>> byTask = new LinkedHashMap<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        TaskExample example = json.readValue(line, TaskExample.class);
        byTask.computeIfAbsent(example.task(), t -> new ArrayList<>()).add(example);
      }
    }
    return byTask;
  }

  /** The outside texts {@link #save} wrote; none when the file is absent. */
  private List<String> readOutsideTexts(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try (java.io.InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      return List.of(json.readValue(in, String[].class));
    }
  }
}
