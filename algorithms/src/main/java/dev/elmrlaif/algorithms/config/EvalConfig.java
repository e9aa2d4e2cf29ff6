package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The {@code eval} stage: semantic consistency (and behavioral consistency for user tasks) of the
 * trained models' generations on held-out entities, beside four baselines (paper Sec. 3.2, App. B),
 * each figure with a 95 % bootstrap interval over the held-out examples ({@code eval.Bootstrap}).
 * The default of 200 examples per task keeps an interval of a mean SC to a few hundredths.
 */
@RecordBuilder
public record EvalConfig(
    @Doc("Held-out examples per task (all of them when fewer); 0 means every one")
        @Range(min = 0)
        @Default("200")
        int maxPerTask,
    @Doc("Longest generation in tokens") @Range(min = 1, max = 65536) @Default("64")
        int maxNewTokens,
    @Doc("Prompts generated together in one batch") @Range(min = 1, max = 65536) @Default("16")
        int batchSize,
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
        int bootstrapResamples)
    implements EvalConfigBuilder.With {

  /** The defaults every config starts from. */
  public static EvalConfig defaults() {
    return ConfigKeys.defaults(EvalConfig.class);
  }
}
