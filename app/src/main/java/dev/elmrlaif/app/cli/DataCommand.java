package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.run.CheckpointFolders;
import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.data.DataSummary;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.TextEmbedder;
import dev.elmrlaif.domain.files.ExampleDatasetGenerator;
import dev.elmrlaif.domain.movielens.MovieLensDownloader;
import dev.elmrlaif.domain.prepare.DataPreparer;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif data}: {@code prepare CONFIG} builds (or reuses from the cache) the splits,
 * embeddings, concepts and task examples of a config and prints the summary; {@code download
 * DATASET} fetches a MovieLens archive into the cache folder; {@code make-example OUT_DIR} writes
 * the invented recipe dataset that {@code configs/own-embeddings-example.yaml} reads (a "bring your
 * own embeddings" domain); {@code embed CONFIG --input FILE --out PREFIX} turns texts into a vector
 * file made by the config's text encoder, for {@code data.files.text_spaces} ({@link
 * TextEmbedder}).
 */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Download and prepare domain data.",
    subcommands = {
      DataCommand.Prepare.class,
      DataCommand.Download.class,
      DataCommand.MakeExample.class,
      DataCommand.Embed.class
    })
public final class DataCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code rlaif data prepare CONFIG}. */
  @Command(
      name = "prepare",
      mixinStandardHelpOptions = true,
      description =
          "Load, split, embed and write task examples for a config; a second call reuses the cache.")
  static final class Prepare implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "The run's YAML config.")
    Path configFile;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Override a config key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--force", description = "Rebuild even when the cache holds a matching result.")
    boolean force;

    @Option(
        names = "--list-concepts",
        description = "Also list every concept found, with its held-out accuracy.")
    boolean listConcepts;

    /** The process environment; tests replace it. */
    Map<String, String> env = System.getenv();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      long start = System.nanoTime();
      LoadedConfig loaded = new ConfigLoader().load(configFile, overrides);
      PreparedData data =
          new DataPreparer(loaded.config().data(), loaded.config().seed(), env).prepare(force);
      spec.commandLine()
          .getOut()
          .print(DataSummary.render(data, (System.nanoTime() - start) / 1e9));
      if (listConcepts) {
        spec.commandLine().getOut().print(System.lineSeparator() + DataSummary.concepts(data));
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code rlaif data embed CONFIG --input FILE [--field F]... --out PREFIX}. */
  @Command(
      name = "embed",
      mixinStandardHelpOptions = true,
      description =
          "Embed texts with the config's text encoder (data.text_encoder) into PREFIX.npy, PREFIX.ids and "
              + "PREFIX.encoder.json: a vector file for data.files.vectors whose space can be listed in "
              + "data.files.text_spaces, so its SC compares like with like.")
  static final class Embed implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "CONFIG",
        description =
            "The run's YAML config (its data.text_encoder " + "and data.cache_dir are used).")
    Path configFile;

    @Option(
        names = "--input",
        required = true,
        paramLabel = "FILE",
        description =
            "JSON lines: {\"id\": ..., "
                + "\"texts\": {field: text}} (an entity file) or {\"id\": ..., \"text\": ...}.")
    Path input;

    @Option(
        names = "--field",
        paramLabel = "NAME",
        description =
            "A texts field to embed (repeatable; the vector "
                + "is the mean over the fields an entity has); none: each line's top-level text.")
    List<String> fields = new ArrayList<>();

    @Option(
        names = "--out",
        required = true,
        paramLabel = "PREFIX",
        description = "Output prefix: writes " + "PREFIX.npy, PREFIX.ids and PREFIX.encoder.json.")
    Path out;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        description = "Entity kind, for the config snippet printed.")
    String kind = "KIND";

    @Option(
        names = "--space",
        paramLabel = "NAME",
        description =
            "Space name, for the config snippet printed " + "(default: PREFIX's file name).")
    String space;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Override a config key (repeatable), e.g. " + "data.text_encoder=minilm_q.")
    List<String> overrides = new ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      long start = System.nanoTime();
      LoadedConfig loaded = new ConfigLoader().load(configFile, overrides);
      TextEmbedder.Result result = TextEmbedder.embed(loaded.config().data(), input, fields, out);
      spec.commandLine()
          .getOut()
          .print(
              TextEmbedder.describe(
                  result,
                  kind,
                  space == null ? out.getFileName().toString() : space,
                  (System.nanoTime() - start) / 1e9));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code rlaif data download ml-latest-small|ml-25m}. */
  @Command(
      name = "download",
      mixinStandardHelpOptions = true,
      description = "Download a MovieLens dataset (SHA-256 checked) into the cache folder.")
  static final class Download implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATASET", description = "ml-latest-small or ml-25m.")
    String dataset;

    @Option(
        names = "--cache-dir",
        paramLabel = "DIR",
        description = "Cache folder (default: the config default, cache).")
    Path cacheDir = Path.of(DataConfig.defaults().cacheDir());

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path folder =
          new MovieLensDownloader(Duration.ofSeconds(30))
              .download(MovieLensDownloader.Dataset.named(dataset), cacheDir);
      spec.commandLine()
          .getOut()
          .println(dataset + " is in " + folder + "; use it with RLAIF_DATA=" + cacheDir);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code rlaif data make-example OUT_DIR [--size tiny|full] [--seed N]}. */
  @Command(
      name = "make-example",
      mixinStandardHelpOptions = true,
      description =
          "Write the invented recipe dataset (entities, vectors, interactions, concepts, tasks) that "
              + "configs/own-embeddings-example.yaml reads.")
  static final class MakeExample implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "OUT_DIR",
        description = "Folder to write the files into.")
    Path folder;

    @Option(
        names = "--size",
        paramLabel = "SIZE",
        description = "tiny (60 recipes, 30 cooks) or full (600, 200).")
    String size = "full";

    @Option(
        names = "--seed",
        paramLabel = "N",
        description = "Seed of the invented world (default 7).")
    long seed = 7;

    @Option(
        names = "--force",
        description = "Write into OUT_DIR even when it already holds files (they are replaced).")
    boolean force;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      ExampleDatasetGenerator generator =
          new ExampleDatasetGenerator(ExampleDatasetGenerator.Size.named(size), seed);
      checkTarget();
      // written whole into a temporary sibling, then moved in: a failure leaves nothing
      // half-written
      Path absolute = folder.toAbsolutePath();
      Path temporary =
          absolute.resolveSibling(
              "." + absolute.getFileName() + AtomicFiles.TEMP_INFIX + "example");
      List<Path> written = new ArrayList<>();
      try {
        CheckpointFolders.deleteRecursively(temporary);
        List<Path> files = generator.write(temporary);
        if (!Files.exists(folder)) {
          Files.move(temporary, folder, StandardCopyOption.ATOMIC_MOVE);
        } else {
          for (Path file : files) {
            Files.createDirectories(
                folder.resolve(temporary.relativize(file).toString()).getParent());
            Files.move(
                file,
                folder.resolve(temporary.relativize(file).toString()),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          }
        }
        for (Path file : files) {
          written.add(folder.resolve(temporary.relativize(file).toString()));
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        IOException cause =
            e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause();
        throw new java.io.UncheckedIOException(
            "cannot write the example dataset into " + folder + ": " + IoFailures.reason(cause),
            cause);
      } finally {
        try {
          CheckpointFolders.deleteRecursively(temporary);
        } catch (IOException ignored) {
          // the original failure, if any, is the one worth reporting
        }
      }
      for (Path file : written) {
        spec.commandLine().getOut().println("wrote " + file);
      }
      spec.commandLine()
          .getOut()
          .println(
              "use it with RLAIF_FILES="
                  + folder
                  + " ./rlaif train configs/own-embeddings-example.yaml");
      spec.commandLine().getOut().flush();
      return 0;
    }

    /** OUT_DIR must be a new or empty folder (or --force); checked before anything is written. */
    private void checkTarget() throws IOException {
      if (Files.exists(folder) && !Files.isDirectory(folder)) {
        throw new UserInputException(
            "OUT_DIR "
                + folder
                + ": is a file; expected a folder (new or empty) for the"
                + " example dataset");
      }
      if (Files.isDirectory(folder) && !force) {
        try (Stream<Path> entries = Files.list(folder)) {
          List<String> names =
              entries.map(p -> p.getFileName().toString()).sorted().limit(3).toList();
          if (!names.isEmpty()) {
            throw new UserInputException(
                "OUT_DIR "
                    + folder
                    + ": not empty (holds "
                    + String.join(", ", names)
                    + (names.size() == 3 ? ", ..." : "")
                    + "); expected a new or empty folder, or add --force to replace"
                    + " the example's files there");
          }
        }
      }
    }
  }
}
