package dev.elmrlaif.domain.files;

import dev.elmrlaif.domain.config.ConceptsConfig;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.FilesDomainConfig;
import dev.elmrlaif.domain.config.TasksConfig;
import dev.elmrlaif.domain.config.TextEncoderKind;
import dev.elmrlaif.domain.data.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small valid file domain written by hand for the file-domain tests: eight items with a 3-d space
 * {@code s} and descriptions, four users with profiles, interactions, tags and two tasks. A test
 * breaks one file to check one error.
 */
final class FileWorld {
  static final String[] COLOURS = {
    "red", "green", "blue", "yellow", "purple", "orange", "black", "white"
  };

  private FileWorld() {}

  /** Writes the world into {@code folder}; returns it. */
  static Path write(Path folder) throws IOException {
    Files.createDirectories(folder);
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < COLOURS.length; i++) {
      items.append(
          String.format(
              java.util.Locale.ROOT,
              "{\"id\": \"i%d\", \"name\": \"Item %d\", \"vectors\": {\"s\": [%d.0, %d.5, -1.0]}, "
                  + "\"texts\": {\"description\": \"a %s %s thing for the %s room\"}}%n",
              i,
              i,
              i,
              i % 3,
              COLOURS[i],
              i % 2 == 0 ? "round" : "square",
              i % 2 == 0 ? "kitchen" : "garden"));
    }
    Files.writeString(folder.resolve("items.jsonl"), items.toString());
    Files.writeString(
        folder.resolve("users.jsonl"),
        String.join(
            "\n",
            "{\"id\": 1, \"texts\": {\"description\": \"likes round kitchen things\"}}",
            "{\"id\": 2, \"texts\": {\"description\": \"likes square garden things\"}}",
            "{\"id\": 3, \"texts\": {\"description\": \"likes red and blue things\"}}",
            "{\"id\": 4, \"texts\": {\"description\": \"likes green garden things\"}}",
            ""));
    Files.writeString(folder.resolve("user_ids.txt"), "1\n2\n3\n4\n");
    Files.write(
        folder.resolve("user_u.npy"),
        NpyReader.float32(4, 2, new float[] {1, 0, 0, 1, 1, 1, -1, 0}));
    Files.writeString(
        folder.resolve("interactions.csv"),
        String.join(
            "\n",
            "user,item,value",
            "1,i0,5",
            "1,i1,1",
            "2,i1,4",
            "3,i2,5",
            "4,i3,2",
            "4,i5,5",
            ""));
    Files.writeString(
        folder.resolve("concepts.csv"),
        String.join("\n", "item,tag", "i0,round", "i2,round", "i4,round", "i6,round", ""));
    Files.writeString(
        folder.resolve("tasks.yaml"),
        String.join(
            "\n",
            "- name: describe",
            "  prompt: \"Describe <|entity_0|>.\"",
            "  slots: [{kind: item, space: s}]",
            "  target: description",
            "- name: profile",
            "  prompt: \"Who is <|entity_0|>?\"",
            "  slots: [{kind: user, space: u}]",
            "  template: \"This user {description}.\"",
            ""));
    return folder;
  }

  /** The files section reading {@link #write}'s folder. */
  static FilesDomainConfig files(Path folder, List<String> rewards) {
    return FilesDomainConfig.defaults()
        .with(
            b ->
                b.folder(folder.toString())
                    .name("world")
                    .entities(
                        List.of(
                            new FilesDomainConfig.EntityFile("item", "items.jsonl"),
                            new FilesDomainConfig.EntityFile("user", "users.jsonl")))
                    .vectors(
                        List.of(
                            new FilesDomainConfig.VectorFile(
                                "user", "u", "user_u.npy", "user_ids.txt")))
                    .interactions(
                        FilesDomainConfig.InteractionsFile.none().withFile("interactions.csv"))
                    .conceptsFile("concepts.csv")
                    .conceptKind("item")
                    .textField("description")
                    .heldOutFraction(0.25)
                    .rewards(rewards));
  }

  /** A data section for {@code files}, caching into {@code cache}, with a 2-d text encoder. */
  static DataConfig data(FilesDomainConfig files, Path cache) {
    return data(files, cache, TextEncoderKind.TFIDF);
  }

  /**
   * A data section for {@code files}, caching into {@code cache}, with the given text encoder
   * (TF-IDF: 2-d).
   */
  static DataConfig data(FilesDomainConfig files, Path cache, TextEncoderKind encoder) {
    return DataConfig.defaults()
        .with(
            b ->
                b.domain("files")
                    .cacheDir(cache.toString())
                    .autoDownload(false)
                    .textEncoder(encoder)
                    .semanticDimension(2)
                    .concepts(
                        ConceptsConfig.defaults()
                            .with(
                                c ->
                                    c.spaces(List.of())
                                        .minMovies(2)
                                        .includeGenres(false)
                                        .validationFraction(0.25)))
                    .tasks(
                        TasksConfig.defaults()
                            .with(d -> d.enabled(List.of("all")).moviesPerTask(0).pairsPerTask(0)))
                    .files(files));
  }
}
