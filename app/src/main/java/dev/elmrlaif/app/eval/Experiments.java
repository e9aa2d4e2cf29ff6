package dev.elmrlaif.app.eval;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.algorithms.config.ExperimentName;
import dev.elmrlaif.algorithms.config.JudgeRewardConfig;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.config.ApiKeyEnv;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.rewards.http.RetryingChatClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the experiments on hypothetical vectors ({@link ExperimentName}: {@link
 * InterpolationExperiment}, {@link ConceptExperiment}) with a run's trained models and writes what
 * they found twice: {@code RUN_DIR/experiments/<name>.json} ({@link ExperimentFigures}, which the
 * report draws) and the same figures under {@code experiments.<name>} in {@code eval.json}. Called
 * by the {@code eval} stage when {@code eval.experiments} lists them and by {@code rlaif experiment
 * NAME RUN_DIR}.
 */
public final class Experiments {
  private static final Logger LOG = LogManager.getLogger(Experiments.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The key of {@code eval.json} the experiments' figures go under. */
  public static final String EVAL_JSON_KEY = "experiments";

  private final PreparedData data;
  private final EvalConfig config;
  private final long seed;
  private final TextOnlyBaseline textOnly;

  /**
   * @param seed the experiments' seed (pairs, entities, bootstrap, BC candidates derive from it)
   * @param textOnly the text-only LLM baseline, or null when no endpoint is configured
   */
  public Experiments(PreparedData data, EvalConfig config, long seed, TextOnlyBaseline textOnly) {
    this.data = data;
    this.config = config;
    this.seed = seed;
    this.textOnly = textOnly;
  }

  /**
   * The text-only baseline over the endpoint of {@code judge} ({@code rl.contexts.reward.judge}:
   * base URL, model, the key from the variable its {@code api_key_env} names), or null without one.
   */
  public static TextOnlyBaseline textOnlyBaseline(
      JudgeRewardConfig judge, Map<String, String> environment, int maxTokens) {
    if (judge == null) {
      return null;
    }
    String key =
        ApiKeyEnv.read(
            "rl.contexts.reward.judge.api_key_env",
            judge.apiKeyEnv(),
            environment,
            judge.chatCompletionsUri());
    RetryingChatClient client =
        new RetryingChatClient(
            "text-only baseline",
            judge.chatCompletionsUri(),
            key,
            new RetryingChatClient.Policy(
                Duration.ofSeconds(judge.timeoutSeconds()),
                judge.maxRetries() + 1,
                Duration.ofMillis(judge.backoffMillis()),
                2.0,
                Duration.ofSeconds(30)),
            d -> Thread.sleep(d.toMillis()),
            null);
    Map<String, String> cache = new java.util.concurrent.ConcurrentHashMap<>();
    UnaryOperator<String> chat =
        prompt ->
            cache.computeIfAbsent(
                prompt,
                p -> {
                  ObjectNode body = JSON.createObjectNode();
                  body.put("model", judge.model());
                  body.putArray("messages").addObject().put("role", "user").put("content", p);
                  body.put("temperature", 0.0);
                  body.put("max_tokens", maxTokens);
                  try {
                    return client.post(
                        JSON.writeValueAsBytes(body),
                        content ->
                            content.isBlank() ? Optional.empty() : Optional.of(content.strip()),
                        "a non-empty text");
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
    return new TextOnlyBaseline(chat);
  }

  /**
   * Runs {@code which} with the model folders of each stage ({@code sft}, {@code rl_<algorithm>})
   * by entity kind, and writes their files into {@code runDir}.
   *
   * @return the files written, by experiment name
   */
  public Map<String, Path> runAndWrite(
      List<ExperimentName> which,
      Map<String, Map<String, Path>> modelsByStage,
      Device device,
      Path runDir) {
    Map<String, ExperimentFigures> results =
        run(
            which,
            (kind, decoding) -> {
              Map<String, ElmTextSource> sources = new LinkedHashMap<>();
              modelsByStage.forEach(
                  (stage, models) -> {
                    Path folder = models.get(kind);
                    if (folder != null) {
                      sources.put(stage, new ElmTextSource(data, folder, device, decoding, seed));
                    }
                  });
              return sources;
            },
            kindsOf(modelsByStage));
    return write(results, runDir);
  }

  /** The entity kinds with a model in some stage, sorted. */
  private static List<String> kindsOf(Map<String, Map<String, Path>> modelsByStage) {
    TreeSet<String> kinds = new TreeSet<>();
    modelsByStage.values().forEach(models -> kinds.addAll(models.keySet()));
    return List.copyOf(kinds);
  }

  /**
   * Opens the text sources of one entity kind, by stage; they are closed after the kind's run. A
   * trained model's source decodes with {@code decoding}, the evaluation's decoding whose best-of-N
   * scores against the experiments' own targets.
   */
  @FunctionalInterface
  interface SourcesOfKind {
    Map<String, ? extends TextSource> open(String kind, HeldOutDecoding decoding);
  }

  /**
   * Runs {@code which} on the given kinds, each with the text sources {@code sources} opens for it
   * (by stage, in the order the curves are drawn).
   */
  Map<String, ExperimentFigures> run(
      List<ExperimentName> which, SourcesOfKind sources, List<String> kinds) {
    Bootstrap bootstrap =
        new Bootstrap(config.bootstrapResamples(), Bootstrap.CONFIDENCE, seed + 1009);
    HypotheticalScorer scorer =
        new HypotheticalScorer(
            data, config.bcCandidates(), config.bcRatedFraction(), bootstrap, seed);
    InterpolationExperiment interpolation =
        which.contains(ExperimentName.INTERPOLATION)
            ? new InterpolationExperiment(
                data,
                scorer,
                config.interpolationWeights(),
                config.interpolationPairs(),
                config.interpolationAnchor(),
                seed,
                textOnly)
            : null;
    ConceptExperiment concepts =
        which.contains(ExperimentName.CONCEPTS)
            ? new ConceptExperiment(
                data,
                scorer,
                config.conceptSteps(),
                config.conceptEntities(),
                config.conceptNames(),
                config.conceptCount(),
                seed)
            : null;
    for (String kind : kinds) {
      Map<String, ? extends TextSource> opened = sources.open(kind, scorer.decoding(config));
      try {
        if (opened.isEmpty()) {
          continue;
        }
        Map<String, TextSource> byStage = new LinkedHashMap<>(opened);
        if (interpolation != null) {
          interpolation.run(kind, byStage);
        }
        if (concepts != null) {
          concepts.run(kind, byStage);
        }
      } finally {
        for (TextSource source : opened.values()) {
          if (source instanceof AutoCloseable closeable) {
            try {
              closeable.close();
            } catch (Exception e) {
              LOG.warn("cannot close a model of kind {}: {}", kind, e.toString());
            }
          }
        }
      }
    }
    Map<String, ExperimentFigures> results = new LinkedHashMap<>();
    if (interpolation != null) {
      results.put(InterpolationExperiment.NAME, interpolation.figures());
    }
    if (concepts != null) {
      results.put(ConceptExperiment.NAME, concepts.figures());
    }
    return results;
  }

  /**
   * Writes each experiment's {@code experiments/<name>.json} and its figures under {@code
   * experiments.<name>} in {@code eval.json} (created with that key alone when the run has none).
   */
  public static Map<String, Path> write(Map<String, ExperimentFigures> results, Path runDir) {
    Map<String, Path> files = new LinkedHashMap<>();
    try {
      for (ExperimentFigures figures : results.values()) {
        files.put(figures.experiment(), figures.write(runDir));
      }
      Path evalJson = runDir.resolve(EvalReport.JSON_FILE);
      ObjectNode root =
          Files.isRegularFile(evalJson)
              ? (ObjectNode) EvalReport.readJson(runDir)
              : JSON.createObjectNode();
      JsonNode existing = root.get(EVAL_JSON_KEY);
      ObjectNode experiments =
          existing instanceof ObjectNode node ? node : root.putObject(EVAL_JSON_KEY);
      results.forEach((name, figures) -> experiments.set(name, JSON.valueToTree(figures)));
      AtomicFiles.write(evalJson, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the experiments' files into " + runDir, e);
    }
    files.forEach((name, file) -> LOG.info("experiment {}: {}", name, file));
    return files;
  }

  /**
   * The {@code experiments} node of the run's {@code eval.json}, or null when there is none: what
   * an evaluation that rewrites {@code eval.json} hands to {@link #restore} so that figures of
   * experiments run earlier ({@code rlaif experiment}) are not lost.
   */
  public static JsonNode earlier(Path runDir) {
    if (!Files.isRegularFile(runDir.resolve(EvalReport.JSON_FILE))) {
      return null;
    }
    try {
      JsonNode node = EvalReport.readJson(runDir).get(EVAL_JSON_KEY);
      return node instanceof ObjectNode ? node : null;
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot read the experiments of the earlier eval.json in {}: {}", runDir, e.getMessage());
      return null;
    }
  }

  /** Puts {@code earlier} (from {@link #earlier}) back under {@code experiments} in eval.json. */
  public static void restore(Path runDir, JsonNode earlier) {
    if (earlier == null) {
      return;
    }
    ObjectNode root = (ObjectNode) EvalReport.readJson(runDir);
    root.set(EVAL_JSON_KEY, earlier);
    try {
      AtomicFiles.write(runDir.resolve(EvalReport.JSON_FILE), JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write eval.json into " + runDir, e);
    }
  }

  /** A user error when {@code modelsByStage} has no model at all. */
  static void requireModels(Path runDir, Map<String, Map<String, Path>> modelsByStage) {
    if (modelsByStage.isEmpty()) {
      throw new UserInputException(
          runDir
              + ": holds no trained model (sft/<kind>/model or rl/<algorithm>/<kind>/model);"
              + " expected a run whose sft stage finished");
    }
  }

  /** The names of {@code which}, for messages. */
  static List<String> keys(List<ExperimentName> which) {
    List<String> keys = new ArrayList<>();
    which.forEach(w -> keys.add(w.key()));
    return keys;
  }
}
