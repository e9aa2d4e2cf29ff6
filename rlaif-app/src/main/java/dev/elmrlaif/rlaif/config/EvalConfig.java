package dev.elmrlaif.rlaif.config;

/**
 * The {@code eval} stage: semantic consistency (and behavioral consistency for user tasks) of the
 * trained models' generations on held-out entities, beside four baselines (paper Sec. 3.2, App. B),
 * each figure with a 95 % bootstrap interval over the held-out examples ({@code eval.Bootstrap}).
 * The default of 200 examples per task keeps an interval of a mean SC to a few hundredths.
 */
public record EvalConfig(
    @Doc("Held-out examples per task (all of them when fewer); 0 means every one") @Range(min = 0) int maxPerTask,
    @Doc("Longest generation in tokens") @Range(min = 1, max = 65536) int maxNewTokens,
    @Doc("Prompts generated together in one batch") @Range(min = 1, max = 65536) int batchSize,
    @Doc("Candidate movies per user for behavioral consistency") @Range(min = 2, max = 100000) int bcCandidates,
    @Doc("Share of a user's rated movies among the candidates") @Range(min = 0, max = 1) double bcRatedFraction,
    @Doc("Bootstrap resamples for the 95 % intervals of every SC and BC figure and of RL - SFT")
        @Range(min = 100, max = 1000000) int bootstrapResamples) {

  /** The defaults every config starts from. */
  public static EvalConfig defaults() {
    return new EvalConfig(200, 64, 16, 50, 0.5, 1000);
  }
}
