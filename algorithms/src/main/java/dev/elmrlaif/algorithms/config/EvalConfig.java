package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * The {@code eval} stage: semantic consistency (and behavioral consistency for user tasks) of the
 * trained models' generations on held-out entities, beside four baselines (paper Sec. 3.2, App. B),
 * each figure with a 95 % bootstrap interval over the held-out examples ({@code eval.Bootstrap}).
 * The default of 200 examples per task keeps an interval of a mean SC to a few hundredths. The
 * {@code experiments} (none by default) interpret hypothetical vectors of held-out entities:
 * interpolations and concept shifts (paper Sec. 4).
 */
@RecordBuilder
public record EvalConfig(
    @Doc("Held-out examples per task (all of them when fewer); 0 means every one")
        @Range(min = 0)
        @Default("200")
        int maxPerTask,
    @Doc(
            "Held-out examples per task (the first ones) on which the random_embedding baseline is"
                + " decoded; it is decoded like a trained model, best-of-N included, so it costs as"
                + " much as one (in the CPU recipe a fifth of the evaluation's time); 0 means"
                + " as many as max_per_task. Its table cells then give their own n")
        @Range(min = 0)
        @Default("0")
        int randomEmbeddingPerTask,
    @Doc("Longest generation in tokens") @Range(min = 1, max = 65536) @Default("64")
        int maxNewTokens,
    @Doc("Prompts generated together in one batch") @Range(min = 1, max = 65536) @Default("16")
        int batchSize,
    @Doc(
            "Decoding of every model's held-out generations: 0 takes the most likely token (greedy);"
                + " > 0 samples from softmax(logits / temperature)")
        @Range(min = 0, max = 100)
        @Default("0")
        double temperature,
    @Doc(
            "With temperature > 0, sample only from the most likely tokens whose probability first"
                + " reaches top_p (nucleus sampling; 1 keeps every token)")
        @Range(min = 0, minExclusive = true, max = 1)
        @Default("1.0")
        double topP,
    @Doc(
            "With temperature > 0, sample only from the top_k most likely tokens, before top_p (0"
                + " keeps every token); a small top_k also spares the sort of the whole vocabulary"
                + " that top_p alone needs at every step")
        @Range(min = 0)
        @Default("0")
        int topK,
    @Doc(
            "With temperature > 0, samples drawn per held-out prompt, of which the one with the"
                + " highest reward computed from the prompt's own embeddings is kept (best-of-N: SC"
                + " against the slot vectors, BC against the factorisation's scores); 1 keeps the"
                + " one sample")
        @Range(min = 1, max = 1024)
        @Default("1")
        int bestOf,
    @Doc(
            "Encoder that scores best-of-N's samples to choose one: data_encoder (data.text_encoder)"
                + " or minilm_q (the quantized MiniLM, about 1.7x as fast, when data.text_encoder is"
                + " minilm); the kept sample is reported through data.text_encoder either way")
        @Default("data_encoder")
        BestOfEncoder bestOfEncoder,
    @Doc("Candidates per interactions row for behavioral consistency (MovieLens: movies per user)")
        @Range(min = 2, max = 100000)
        @Default("50")
        int bcCandidates,
    @Doc(
            "Share of the row's own interactions among the candidates (MovieLens: a user's rated movies)")
        @Range(min = 0, max = 1)
        @Default("0.5")
        double bcRatedFraction,
    @Doc("Bootstrap resamples for the 95 % intervals of every SC and BC figure and of RL - SFT")
        @Range(min = 100, max = 1000000)
        @Default("1000")
        int bootstrapResamples,
    @Doc("Experiments on hypothetical vectors run after the tables: interpolation, concepts")
        @Default("[]")
        List<ExperimentName> experiments,
    @Doc("Pairs of held-out entities per task the interpolation experiment mixes")
        @Range(min = 1, max = 10000)
        @Default("10")
        int interpolationPairs,
    @Doc("Mixing weights a of (1-a)*e1 + a*e2, each in [0, 1]")
        @Default("[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]")
        List<Double> interpolationWeights,
    @Doc(
            "Name of the entity that training entities are mixed with in the paper's own case (Fig. 3);"
                + " empty skips that case")
        @Default("Forrest Gump (1994)")
        String interpolationAnchor,
    @Doc("Concept steps s of e + s*cav (cav has unit norm); 0 is added when missing")
        @Default("[0.0, 0.25, 0.5, 1.0, 2.0]")
        List<Double> conceptSteps,
    @Doc("Held-out entities per task shifted along each concept")
        @Range(min = 1, max = 10000)
        @Default("10")
        int conceptEntities,
    @Doc(
            "Concepts to shift along, by name; empty means the concept_count most accurate of each space")
        @Default("[]")
        List<String> conceptNames,
    @Doc(
            "Concepts per embedding space when concept_names is empty (highest held-out accuracy first)")
        @Range(min = 1, max = 1000)
        @Default("3")
        int conceptCount)
    implements EvalConfigBuilder.With {

  public EvalConfig {
    experiments = experiments == null ? List.of() : List.copyOf(experiments);
    interpolationWeights =
        interpolationWeights == null ? List.of() : List.copyOf(interpolationWeights);
    conceptSteps = conceptSteps == null ? List.of() : List.copyOf(conceptSteps);
    conceptNames = conceptNames == null ? List.of() : List.copyOf(conceptNames);
    if (interpolationWeights.isEmpty()
        || interpolationWeights.stream().anyMatch(a -> a == null || !(a >= 0 && a <= 1))) {
      throw new ConfigException(
          "interpolation_weights",
          "found " + interpolationWeights + ", expected one or more numbers in [0, 1]");
    }
    if (conceptSteps.isEmpty()
        || conceptSteps.stream().anyMatch(s -> s == null || !Double.isFinite(s))) {
      throw new ConfigException(
          "concept_steps", "found " + conceptSteps + ", expected one or more finite numbers");
    }
    if (bestOf > 1 && temperature == 0) {
      throw new ConfigException(
          "best_of",
          "found "
              + bestOf
              + " with temperature 0, expected 1 (greedy decoding has one answer per prompt) or"
              + " a temperature > 0");
    }
    if (bestOfEncoder == null) {
      throw new ConfigException("best_of_encoder", "missing, expected data_encoder or minilm_q");
    }
    if (interpolationAnchor == null) {
      interpolationAnchor = "";
    }
  }

  /** The defaults every config starts from. */
  public static EvalConfig defaults() {
    return ConfigKeys.defaults(EvalConfig.class);
  }
}
