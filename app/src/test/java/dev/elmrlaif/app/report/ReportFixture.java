package dev.elmrlaif.app.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A run folder written by hand with every piece {@code report.html} reads (config, provenance,
 * stage markers, metrics, eval.json with an RL stage, generations, one experiment), with known
 * figures and a movie title that tries to inject markup: what the report tests start from.
 */
public final class ReportFixture {
  /** A title with markup in it: the page must show it as text. */
  public static final String HOSTILE_TITLE = "<script>alert('x')</script> & Sons (1999)";

  /** The (stage, metric) pairs the fixture logs at two or more steps: each needs a plot. */
  public static final List<List<String>> CURVES =
      List.of(
          List.of("pretrain", "loss"),
          List.of("pretrain", "learning_rate"),
          List.of("rl/reinforce/movie", "reward"),
          List.of("rl/reinforce/movie", "kl_k3"),
          List.of("rl/reinforce/movie", "beta"));

  private ReportFixture() {}

  /** A folder with only a config: every piece of the page is missing. */
  public static Path writeBareRun(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config.yaml"),
        "name: bare  # Run name\nstages: [\"data\",\"eval\",\"report\"]  # Stages\n");
    return dir;
  }

  /** The full fixture. */
  public static Path writeRun(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("stages"));
    Files.writeString(
        dir.resolve("config.yaml"),
        "name: fixture  # Run name\n"
            + "seed: 7  # Master random seed\n"
            + "stages: [\"data\",\"pretrain\",\"sft\",\"rl\",\"eval\",\"report\"]  # Stages\n");
    Files.writeString(
        dir.resolve("provenance.json"),
        "{\"git_commit\": \"abc123\", \"seed\": 7, \"extra\": {\"text_encoder\": \"tfidf <v1>\"}}");
    Files.writeString(
        dir.resolve("stages/data.json"),
        "{\"stage\": \"data\", \"seconds\": 1.5, \"finished_at\": \"t\", \"train_examples\": 12}");
    Files.writeString(
        dir.resolve("stages/pretrain.json"),
        "{\"stage\": \"pretrain\", \"seconds\": 2.25, \"finished_at\": \"t\"}");
    Files.writeString(
        dir.resolve("metrics.jsonl"),
        String.join(
            "\n",
            "{\"time\":\"t\",\"stage\":\"data\",\"step\":0,\"train_examples\":12}",
            "{\"time\":\"t\",\"stage\":\"pretrain\",\"step\":10,\"loss\":5.0,\"learning_rate\":0.001}",
            "{\"time\":\"t\",\"stage\":\"pretrain\",\"step\":20,\"loss\":4.0,\"learning_rate\":0.0005}",
            "{\"time\":\"t\",\"stage\":\"pretrain\",\"step\":30,\"loss\":3.5,\"learning_rate\":0.0001,\"note\":\"text\"}",
            "{\"time\":\"t\",\"stage\":\"rl/reinforce/movie\",\"step\":1,\"reward\":0.1,\"kl_k3\":0.0,\"beta\":0.05}",
            "{\"time\":\"t\",\"stage\":\"rl/reinforce/movie\",\"step\":2,\"reward\":0.2,\"kl_k3\":0.01,\"beta\":0.05}",
            "{\"time\":\"t\",\"stage\":\"eval/sft\",\"step\":0,\"sc_summary\":0.3}",
            "{\"time\":\"t\",\"stage\":\"pretrain\",\"step\":40,\"lo")); // torn by a kill
    Files.writeString(
        dir.resolve("eval.json"),
        "{\"split\": \"test\", \"decoding\": \"best of 2 samples per prompt (temperature 0.5)\","
            + " \"interval\": {\"confidence\": 0.95, \"resamples\": 1000},"
            + " \"stages\": {"
            + "  \"sft\": {\"tasks\": {\"summary\": {\"sc\": 0.3, \"sc_ci\": [0.25, 0.35], \"bc\": null,"
            + "      \"bc_ci\": null, \"n\": 4, \"kl\": 0.0, \"entropy\": 3.0},"
            + "    \"user_profile\": {\"sc\": 0.5, \"sc_ci\": [0.4, 0.6], \"bc\": 0.125, \"bc_ci\": [0.0625, 0.1875], \"n\": 3}},"
            + "    \"mean\": {\"sc\": 0.4, \"sc_ci\": [0.35, 0.45], \"bc\": 0.125, \"bc_ci\": [0.0625, 0.1875]}},"
            + "  \"rl_reinforce\": {\"tasks\": {\"summary\": {\"sc\": 0.35, \"sc_ci\": [0.3, 0.4], \"bc\": null,"
            + "      \"bc_ci\": null, \"n\": 4, \"kl\": 0.75, \"entropy\": 2.5}},"
            + "    \"mean\": {\"sc\": 0.35, \"sc_ci\": [0.3, 0.4], \"bc\": null, \"bc_ci\": null, \"kl\": 0.75, \"entropy\": 2.5},"
            + "    \"minus_sft\": {\"tasks\": {\"summary\": {\"sc\": 0.05, \"sc_ci\": [0.01, 0.09], \"bc\": null,"
            + "      \"bc_ci\": null, \"distinct_2\": -0.02, \"distinct_2_ci\": [-0.04, 0.0], \"n\": 4}}, \"mean\": {\"sc\": 0.05, \"sc_ci\": [0.01, 0.09], \"bc\": null, \"bc_ci\": null}}}},"
            + " \"baselines\": {\"ground_truth\": {\"tasks\": {\"summary\": {\"sc\": 0.8, \"sc_ci\": [0.75, 0.85], \"n\": 4}},"
            + "    \"mean\": {\"sc\": 0.8, \"sc_ci\": [0.75, 0.85]}}}}");
    StringBuilder generations = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      for (String stage : List.of("sft", "rl_reinforce")) {
        String name = i == 0 ? HOSTILE_TITLE.replace("\"", "\\\"") : "Movie " + i + " (2000)";
        generations.append(
            String.format(
                java.util.Locale.ROOT,
                "{\"stage\":\"%s\",\"task\":\"summary\",\"entities\":[{\"kind\":\"movie\",\"index\":%d,"
                    + "\"id\":%d,\"name\":\"%s\"}],\"prompt\":\"Write a summary of <|entity_0|>.\","
                    + "\"generated\":\"text %d of %s\",\"ground_truth\":\"truth %d\",\"sc\":0.%d,\"bc\":null}\n",
                stage,
                i,
                100 + i,
                name,
                i,
                stage,
                i,
                i + 1));
      }
    }
    Files.writeString(dir.resolve("generations.jsonl"), generations);
    new ExperimentFigures(
            "interpolation",
            "SC along the line between two movies.",
            List.of(
                new CurveFigure(
                    "movies-summary",
                    "SC against the mixing weight",
                    "weight",
                    "SC",
                    CurveFigure.Kind.LINE,
                    List.of(
                        new CurveSeries(
                            "ELM",
                            new double[] {0, 0.5, 1},
                            new double[] {0.4, 0.3, 0.4},
                            new double[] {0.35, 0.25, 0.35},
                            new double[] {0.45, 0.35, 0.45})))),
            List.of(Map.of("weight", "0.5", "text", "a <b>bold</b> mix")))
        .write(dir);
    return dir;
  }
}
