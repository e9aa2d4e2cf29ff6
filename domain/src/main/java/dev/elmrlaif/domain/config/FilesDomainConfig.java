package dev.elmrlaif.domain.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Set;

/**
 * The {@code data.files} section: a "bring your own embeddings" domain read from files instead of
 * MovieLens. Every file name is relative to {@code folder}; the folder is this key, else the {@code
 * RLAIF_FILES} environment variable. Read by {@code domain.files.FileDomainPreparer}.
 */
@RecordBuilder
public record FilesDomainConfig(
    @Doc("Folder holding the domain's files; empty means $RLAIF_FILES") @Default("") String folder,
    @Doc("Short name of the domain, for summaries and the cache folder") @Default("files")
        String name,
    @Doc(
            "One JSON-lines file per entity kind: {kind, file}; each line {id, name, vectors: {space: [..]}, "
                + "texts: {field: text}}")
        @Default("[]")
        List<EntityFile> entities,
    @Doc(
            "Vector files for large spaces: {kind, space, file (.npy, or .safetensors with tensor = space), ids "
                + "(one id per line)}")
        @Default("[]")
        List<VectorFile> vectors,
    @Doc("Interactions CSV (header, then row id, column id[, value]); empty file means none")
        InteractionsFile interactions,
    @Doc("Concepts CSV (header, then entity id, tag); empty means none") @Default("")
        String conceptsFile,
    @Doc("Entity kind the concept file's ids belong to; empty means the first entity kind")
        @Default("")
        String conceptKind,
    @Doc("Spaces to find concept directions in; empty means every space of the concept kind")
        @Default("[]")
        List<String> conceptSpaces,
    @Doc("Task file (YAML list of tasks: name, prompt, slots, target or template, pairing)")
        @Default("tasks.yaml")
        String tasksFile,
    @Doc(
            "Text field embedded by data.text_encoder: each kind having it gets a space <kind>_text (TF-IDF is "
                + "fitted on the training entities' field)")
        @Default("")
        String textField,
    @Doc(
            "Spaces whose vectors already live in the text encoder's space (made with the same data.text_encoder, "
                + "e.g. by './rlaif data embed'): SC compares with the vector itself")
        @Default("[]")
        List<String> textSpaces,
    @Doc(
            "Text spaces made here by data.text_encoder: {kind, space, fields}; each entity's vector is the encoder's "
                + "mean over its listed text fields (none: no vector, left out of the space's tasks)")
        @Default("[]")
        List<EmbedSpace> embed,
    @Doc("Fraction of every entity kind held out from every fitted component")
        @Range(min = 0, max = 0.9)
        @Default("0.1")
        double heldOutFraction,
    @Doc(
            "Rewards this run needs (sc, bc); the data stage fails early when one cannot exist for the data")
        @Default("[]")
        List<String> rewards)
    implements FilesDomainConfigBuilder.With {

  /** The environment variable naming the folder when {@code data.files.folder} is empty. */
  public static final String ENV = "RLAIF_FILES";

  /** The reward names {@code rewards} may list. */
  public static final Set<String> REWARDS = Set.of("sc", "bc");

  /** One entity kind's JSON-lines file. */
  public record EntityFile(
      @Doc("Entity kind, e.g. item or user") String kind,
      @Doc("JSON-lines file, relative to data.files.folder") String file) {
    public EntityFile {
      requireText("kind", kind);
      requireText("file", file);
    }
  }

  /** One embedding space of one kind stored in an array file beside an id list. */
  public record VectorFile(
      @Doc("Entity kind the vectors belong to") String kind,
      @Doc("Name of the embedding space") String space,
      @Doc(
              ".npy (float32/float64, C order, rows x dimension) or .safetensors (tensor named like the space)")
          String file,
      @Doc("Text file with one entity id per line, in row order") String ids) {
    public VectorFile {
      requireText("kind", kind);
      requireText("space", space);
      requireText("file", file);
      requireText("ids", ids);
    }
  }

  /**
   * A text-comparable space the preparation makes with the run's text encoder, so SC on it compares
   * like with like: each entity's vector is the mean of the encoder over the listed text fields it
   * has.
   */
  public record EmbedSpace(
      @Doc("Entity kind whose texts are embedded") String kind,
      @Doc("Name of the new space (unique among the kind's spaces)") String space,
      @Doc("Text fields to embed; an entity's vector is the mean over those it has")
          List<String> fields) {
    public EmbedSpace {
      requireText("kind", kind);
      requireText("space", space);
      fields = fields == null ? List.of() : List.copyOf(fields);
      if (fields.isEmpty()) {
        throw new ConfigException(
            "fields",
            "empty for space '"
                + space
                + "'; expected the "
                + "text fields to embed, e.g. [description]");
      }
    }
  }

  /** The interactions file and the entity kinds of its two id columns. */
  @RecordBuilder
  public record InteractionsFile(
      @Doc("CSV file (header line, then row id, column id[, value]); empty means no interactions")
          @Default("")
          String file,
      @Doc("Entity kind of the first column, e.g. user") @Default("user") String rowKind,
      @Doc("Entity kind of the second column, e.g. item") @Default("item") String columnKind)
      implements FilesDomainConfigInteractionsFileBuilder.With {
    public InteractionsFile {
      file = file == null ? "" : file;
      requireText("row_kind", rowKind);
      requireText("column_kind", columnKind);
    }

    /** No interactions, users by items. */
    public static InteractionsFile none() {
      return ConfigKeys.defaults(InteractionsFile.class);
    }
  }

  public FilesDomainConfig {
    folder = folder == null ? "" : folder;
    name = name == null || name.isBlank() ? "files" : name;
    entities = entities == null ? List.of() : List.copyOf(entities);
    vectors = vectors == null ? List.of() : List.copyOf(vectors);
    interactions = interactions == null ? InteractionsFile.none() : interactions;
    conceptsFile = conceptsFile == null ? "" : conceptsFile;
    conceptKind = conceptKind == null ? "" : conceptKind;
    conceptSpaces = conceptSpaces == null ? List.of() : List.copyOf(conceptSpaces);
    tasksFile = tasksFile == null || tasksFile.isBlank() ? "tasks.yaml" : tasksFile;
    textField = textField == null ? "" : textField;
    textSpaces = textSpaces == null ? List.of() : List.copyOf(textSpaces);
    embed = embed == null ? List.of() : List.copyOf(embed);
    rewards = rewards == null ? List.of() : List.copyOf(rewards);
    for (String reward : rewards) {
      if (!REWARDS.contains(reward)) {
        throw new ConfigException("rewards", "found '" + reward + "', expected sc or bc");
      }
    }
  }

  /** The defaults: no files (a config with {@code data.domain: files} names them). */
  public static FilesDomainConfig defaults() {
    return ConfigKeys.defaults(FilesDomainConfig.class);
  }

  private static void requireText(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "empty; expected a non-empty value");
    }
  }
}
