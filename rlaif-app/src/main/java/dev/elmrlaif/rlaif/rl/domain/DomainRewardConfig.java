package dev.elmrlaif.rlaif.rl.domain;

import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.config.Doc;
import dev.elmrlaif.rlaif.config.OptionalSection;
import dev.elmrlaif.rlaif.config.Range;

/**
 * The terminal reward {@code r(y, c)} of RL on a domain (YAML section {@code rl.contexts.reward}),
 * a weighted sum of the rewards module's components (DESIGN.md §5):
 *
 * <pre>
 * r(y, c) = sc_weight · SC(y; c) + bc_weight · BC(y; c)              (BC on user tasks only)
 *         + length_penalty(y)                                        (−per_word · words outside the band)
 *         + degeneracy_weight · (−(1 − distinct-n(y)))               (repeated n-grams)
 *         + judge.weight · judge(y; c)                               (the AI judge, when configured)
 * </pre>
 *
 * SC and BC are the evaluation's metrics (same encoder, same candidate sizes by default), so what RL
 * raises is what {@code eval.json} reports.
 */
public record DomainRewardConfig(
    @Doc("Weight of semantic consistency SC(y; c)") @Range(min = 0) double scWeight,
    @Doc("Weight of behavioral consistency BC(y; c) on user tasks") @Range(min = 0) double bcWeight,
    @Doc("Candidate movies per user for behavioral consistency") @Range(min = 2, max = 100000) int bcCandidates,
    @Doc("Share of a real user's rated movies among the candidates") @Range(min = 0, max = 1) double bcRatedFraction,
    @Doc("Length penalty per word outside [min_words, max_words]; 0 disables") @Range(min = 0)
        double lengthPenaltyPerWord,
    @Doc("Fewest words before the length penalty applies") @Range(min = 0) int minWords,
    @Doc("Most words before the length penalty applies") @Range(min = 0) int maxWords,
    @Doc("Weight of the repeated n-gram penalty −(1 − distinct-n); 0 disables") @Range(min = 0)
        double degeneracyWeight,
    @Doc("n of the repeated n-gram penalty") @Range(min = 1, max = 8) int degeneracyNgram,
    @Doc("The AI judge (an OpenAI-compatible endpoint scoring each completion); absent: no judge") @OptionalSection
        JudgeRewardConfig judge) {

  public DomainRewardConfig {
    requireWeight("sc_weight", scWeight);
    requireWeight("bc_weight", bcWeight);
    requireWeight("length_penalty_per_word", lengthPenaltyPerWord);
    requireWeight("degeneracy_weight", degeneracyWeight);
    if (scWeight + bcWeight + (judge == null ? 0 : judge.weight()) == 0) {
      throw new UserInputException("rl.contexts.reward: sc_weight and bc_weight are both 0" + (judge == null ? ""
          : " and so is judge.weight") + ", expected at least one term > 0");
    }
    if (judge != null && judge.baseUrl().isEmpty()) {
      throw new UserInputException("rl.contexts.reward.judge.base_url: missing; expected the judge endpoint's base"
          + " URL, e.g. https://api.openai.com/v1 (or remove the judge section for no judge)");
    }
    if (bcCandidates < 2) {
      throw new UserInputException("rl.contexts.reward.bc_candidates: found " + bcCandidates + ", expected >= 2");
    }
    if (!(bcRatedFraction >= 0 && bcRatedFraction <= 1)) {
      throw new UserInputException(
          "rl.contexts.reward.bc_rated_fraction: found " + bcRatedFraction + ", expected a value in [0, 1]");
    }
    if (minWords < 0 || maxWords < minWords) {
      throw new UserInputException("rl.contexts.reward: min_words " + minWords + " and max_words " + maxWords
          + ", expected 0 <= min_words <= max_words");
    }
    if (degeneracyNgram < 1) {
      throw new UserInputException(
          "rl.contexts.reward.degeneracy_ngram: found " + degeneracyNgram + ", expected an integer >= 1");
    }
  }

  /**
   * SC weight 1, BC weight 1, 50 candidates half of them rated (the eval defaults), no length penalty
   * (band 8 to 200 words), repeated-bigram penalty weight 0.1, no judge.
   */
  public static DomainRewardConfig defaults() {
    return new DomainRewardConfig(1.0, 1.0, 50, 0.5, 0.0, 8, 200, 0.1, 2, null);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link DomainRewardConfig} field by field; {@link #build()} validates. */
  public static final class Builder {
    private double scWeight;
    private double bcWeight;
    private int bcCandidates;
    private double bcRatedFraction;
    private double lengthPenaltyPerWord;
    private int minWords;
    private int maxWords;
    private double degeneracyWeight;
    private int degeneracyNgram;
    private JudgeRewardConfig judge;

    private Builder(DomainRewardConfig from) {
      scWeight = from.scWeight;
      bcWeight = from.bcWeight;
      bcCandidates = from.bcCandidates;
      bcRatedFraction = from.bcRatedFraction;
      lengthPenaltyPerWord = from.lengthPenaltyPerWord;
      minWords = from.minWords;
      maxWords = from.maxWords;
      degeneracyWeight = from.degeneracyWeight;
      degeneracyNgram = from.degeneracyNgram;
      judge = from.judge;
    }

    /** The weights of SC and BC. */
    public Builder weights(double sc, double bc) {
      scWeight = sc;
      bcWeight = bc;
      return this;
    }

    /** BC's candidates per context and the share of a real user's rated movies among them. */
    public Builder candidates(int count, double ratedFraction) {
      bcCandidates = count;
      bcRatedFraction = ratedFraction;
      return this;
    }

    /** The length penalty per word outside [minWords, maxWords] (0 disables it). */
    public Builder lengthPenalty(double perWord, int min, int max) {
      lengthPenaltyPerWord = perWord;
      minWords = min;
      maxWords = max;
      return this;
    }

    /** The repeated n-gram penalty's weight (0 disables it) and n. */
    public Builder degeneracy(double weight, int ngram) {
      degeneracyWeight = weight;
      degeneracyNgram = ngram;
      return this;
    }

    /** The AI judge, or null for none. */
    public Builder judge(JudgeRewardConfig value) {
      judge = value;
      return this;
    }

    public DomainRewardConfig build() {
      return new DomainRewardConfig(scWeight, bcWeight, bcCandidates, bcRatedFraction, lengthPenaltyPerWord,
          minWords, maxWords, degeneracyWeight, degeneracyNgram, judge);
    }
  }

  private static void requireWeight(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new UserInputException("rl.contexts.reward." + key + ": found " + value + ", expected a finite value >= 0");
    }
  }
}
