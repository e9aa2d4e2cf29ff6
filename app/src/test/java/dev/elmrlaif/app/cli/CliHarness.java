package dev.elmrlaif.app.cli;

import dev.elmrlaif.app.pipeline.StagePipeline;
import dev.elmrlaif.domain.movielens.TinyMovieLens;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs the {@code rlaif} command line in-process, with a chosen environment, capturing its output.
 */
final class CliHarness {
  private CliHarness() {}

  /** What a command printed and its exit code. */
  record Result(int exitCode, String out, String err) {}

  /** Runs {@code rlaif ARGS} with an empty environment and the real stages. */
  static Result run(String... args) {
    return run(null, args);
  }

  /**
   * Runs {@code rlaif ARGS} with an empty environment.
   *
   * @param pipelines the stages {@code train} may run, or null for the real ones
   */
  static Result run(Supplier<StagePipeline> pipelines, String... args) {
    return run(Map.of(), pipelines, args);
  }

  /**
   * Runs {@code rlaif ARGS} with the given environment (what {@code train} reads instead of the
   * process environment).
   *
   * @param pipelines the stages {@code train} may run, or null for the real ones
   */
  static Result run(Map<String, String> env, Supplier<StagePipeline> pipelines, String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K obj = CommandLine.defaultFactory().create(cls);
            if (obj instanceof TrainCommand train) {
              train.env = env;
              if (pipelines != null) {
                train.pipelines = pipelines;
              }
            }
            return obj;
          }
        };
    CommandLine cli = RlaifCommand.commandLine(factory);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Writes a small generated MovieLens under {@code dir/data} and a config {@code dir/tiny.yaml}
   * that reads it, caches into {@code dir/cache}, and adds {@code moreYaml} (top-level keys other
   * than {@code data}).
   */
  static Path tinyMovieLensConfig(Path dir, String tasks, String moreYaml) throws IOException {
    Path root = dir.resolve("data");
    TinyMovieLens.write(root);
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "device: cpu",
            "data:",
            "  root: " + root,
            "  cache_dir: " + dir.resolve("cache"),
            "  held_out_movies: 0.2",
            "  held_out_users: 0.2",
            "  semantic_dimension: 8",
            "  text_encoder: tfidf",
            "  auto_download: false",
            "  wals: {dimension: 4, iterations: 4}",
            "  tasks: {enabled: [" + tasks + "]}",
            moreYaml));
    return cfg;
  }
}
