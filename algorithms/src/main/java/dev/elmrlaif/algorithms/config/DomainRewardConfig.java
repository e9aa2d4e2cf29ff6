package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.OptionalSection;
import dev.elmrlaif.domain.config.Range;
import dev.elmrlaif.rewards.CompositeConfig.Normalization;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The terminal reward {@code r(y, c)} of RL on a domain (YAML section {@code rl.contexts.reward}),
 * a weighted sum of the rewards module's components (DESIGN.md §5):
 *
 * <pre>
 * r(y, c) = sc_weight · SC(y; c) + bc_weight · BC(y; c)              (BC on user tasks only)
 *         + length_penalty(y)                                        (−per_word · words outside the band)
 *         + degeneracy_weight · (−(1 − distinct-n(y)))               (repeated n-grams)
 *         + cross_context_weight · (−|G(y) ∩ O(y)| / |G(y)|)           (n-grams other contexts wrote)
 *         + judge.weight · judge(y; c)                               (the AI judge, when configured)
 * </pre>
 *
 * SC and BC are the evaluation's metrics (same encoder, same candidate sizes by default), so what
 * RL raises is what {@code eval.json} reports.
 *
 * <p>{@code normalization} standardises the reward by running statistics over every completion
 * scored so far (Welford; {@link dev.elmrlaif.rewards.CompositeReward}): {@code sum_then_normalize}
 * the total, {@code r = (s − μ_s)/sqrt(σ_s² + ε)}; {@code normalize_then_sum} each component before
 * the weights, {@code r = Σ_k w_k (x_k − μ_k)/sqrt(σ_k² + ε)}, so that a weight means the same
 * whatever a component's spread (BC spreads several times wider than SC). Until {@code
 * normalization_warmup} values were seen, values pass through.
 */
@RecordBuilder
public record DomainRewardConfig(
    @Doc("Weight of semantic consistency SC(y; c)") @Range(min = 0) @Default("1.0") double scWeight,
    @Doc("Weight of behavioral consistency BC(y; c) on user tasks") @Range(min = 0) @Default("1.0")
        double bcWeight,
    @Doc("Candidates per interactions row for behavioral consistency (MovieLens: movies per user)")
        @Range(min = 2, max = 100000)
        @Default("50")
        int bcCandidates,
    @Doc(
            "Share of a real row's own interactions among the candidates (MovieLens: a user's rated movies)")
        @Range(min = 0, max = 1)
        @Default("0.5")
        double bcRatedFraction,
    @Doc("Length penalty per word outside [min_words, max_words]; 0 disables")
        @Range(min = 0)
        @Default("0.0")
        double lengthPenaltyPerWord,
    @Doc("Fewest words before the length penalty applies") @Range(min = 0) @Default("8")
        int minWords,
    @Doc("Most words before the length penalty applies") @Range(min = 0) @Default("200")
        int maxWords,
    @Doc("Weight of the repeated n-gram penalty −(1 − distinct-n); 0 disables")
        @Range(min = 0)
        @Default("0.1")
        double degeneracyWeight,
    @Doc("n of the repeated n-gram penalties (within a text, and across contexts)")
        @Range(min = 1, max = 8)
        @Default("2")
        int degeneracyNgram,
    @Doc(
            "Weight of the penalty on n-grams that a step's completions for other contexts also"
                + " hold, −|G(y) ∩ O(y)|/|G(y)| (against RL's loss of corpus distinct-2); on-policy"
                + " algorithms (REINFORCE) only, 0 for SAC and soft-Q; 0 disables")
        @Range(min = 0)
        @Default("0.0")
        double crossContextWeight,
    @Doc("The AI judge (an OpenAI-compatible endpoint scoring each completion); absent: no judge")
        @OptionalSection
        JudgeRewardConfig judge,
    @Doc(
            "Running reward normalisation: none, sum_then_normalize (the weighted total) or"
                + " normalize_then_sum (each component, before its weight)")
        @Default("none")
        Normalization normalization,
    @Doc("Values the running statistics must have seen before they normalise (pass-through before)")
        @Range(min = 0)
        @Default("64")
        int normalizationWarmup)
    implements DomainRewardConfigBuilder.With {

  public DomainRewardConfig {
    if (scWeight + bcWeight + (judge == null ? 0 : judge.weight()) == 0) {
      throw new ConfigException(
          "",
          "sc_weight and bc_weight are both 0"
              + (judge == null ? "" : " and so is judge.weight")
              + ", expected at least one term > 0");
    }
    if (judge != null && judge.baseUrl().isEmpty()) {
      throw new ConfigException(
          "judge.base_url",
          "missing; expected the judge endpoint's base"
              + " URL, e.g. https://api.openai.com/v1 (or remove the judge section for no judge)");
    }
    if (maxWords < minWords) {
      throw new ConfigException(
          "",
          "min_words "
              + minWords
              + " and max_words "
              + maxWords
              + ", expected 0 <= min_words <= max_words");
    }
  }

  /**
   * SC weight 1, BC weight 1, 50 candidates half of them rated (the eval defaults), no length
   * penalty (band 8 to 200 words), repeated-bigram penalty weight 0.1, no cross-context penalty, no
   * judge.
   */
  public static DomainRewardConfig defaults() {
    return ConfigKeys.defaults(DomainRewardConfig.class);
  }
}
