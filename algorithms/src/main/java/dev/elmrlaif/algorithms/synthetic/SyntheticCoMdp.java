package dev.elmrlaif.algorithms.synthetic;

import com.google.common.collect.ImmutableMap;
import dev.elmrlaif.algorithms.rl.math.LogProbs;
import dev.elmrlaif.algorithms.rl.math.SoftBellman;
import dev.elmrlaif.domain.base.UserInputException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small token CoMDP with a known KL-regularised optimum, the ground truth the RL trainers are
 * tested against. It holds a {@link TokenMdp}, a reference policy {@code π_ref}, a terminal reward
 * {@code r(y)} and the coefficient {@code β} of the objective (H1)
 *
 * <pre>
 * J(π) = E_{y~π}[r(y)] − β·KL(π ‖ π_ref),   KL(π ‖ π_ref) = Σ_y π(y) log(π(y)/π_ref(y))
 * </pre>
 *
 * and computes, by enumerating every sequence:
 *
 * <ul>
 *   <li>the closed-form optimum {@code π*(y) = π_ref(y)·exp(r(y)/β) / Z}, {@code Z = Σ_y
 *       π_ref(y)·exp(r(y)/β)}, with {@code J(π*) = β log Z};
 *   <li>the soft values (H5-H7), backwards from the horizon: {@code Q*(s,a) = r(s+a)} if {@code
 *       s+a} is terminal, else {@code V*(s+a)}; {@code V*(s) = β log Σ_a π_ref(a|s)
 *       exp(Q*(s,a)/β)}; and the per-prefix optimal policy {@code π*(a|s) = π_ref(a|s)·exp((Q*(s,a)
 *       − V*(s))/β)}, whose sequence distribution is the closed form above;
 *   <li>{@code J(π)} of any tabular policy and the total-variation distance of its sequence
 *       distribution to {@code π*}.
 * </ul>
 */
public final class SyntheticCoMdp {
  private final TokenMdp mdp;
  private final TabularPolicy reference;
  private final ImmutableMap<List<Integer>, Double> rewards;
  private final double beta;

  public SyntheticCoMdp(TokenMdp mdp, TabularPolicy reference, SequenceReward reward, double beta) {
    if (reference.mdp() != mdp) {
      throw new IllegalArgumentException("the reference policy was built for another TokenMdp");
    }
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta: found " + beta + ", expected a finite value > 0");
    }
    this.mdp = mdp;
    this.reference = reference;
    this.beta = beta;
    ImmutableMap.Builder<List<Integer>, Double> table = ImmutableMap.builder();
    for (List<Integer> y : mdp.sequences()) {
      double r = reward.reward(y);
      if (!Double.isFinite(r)) {
        throw new IllegalArgumentException(
            "reward of sequence \""
                + TokenMdp.format(y)
                + "\" is "
                + r
                + ", expected a finite value");
      }
      table.put(y, r);
    }
    this.rewards = table.build();
  }

  /**
   * Builds the CoMDP a config describes. The random reference and the random reward draw from
   * independent streams split off {@code seed}, so changing one never changes the other.
   *
   * @throws UserInputException when a reference or reward table entry names an invalid prefix or
   *     sequence, misses a prefix, or has a row that is not a distribution
   */
  public static SyntheticCoMdp from(SyntheticConfig config) {
    TokenMdp mdp = new TokenMdp(config.vocabSize(), config.horizon());
    SplittableRandom root = new SplittableRandom(config.seed());
    SplittableRandom referenceStream = root.split();
    SplittableRandom rewardStream = root.split();
    TabularPolicy reference =
        config.referenceTable().isEmpty()
            ? TabularPolicy.random(mdp, referenceStream, config.referenceTemperature())
            : referenceFromTable(mdp, config.referenceTable());
    return new SyntheticCoMdp(
        mdp, reference, rewardOf(mdp, config.reward(), rewardStream), config.beta());
  }

  public TokenMdp mdp() {
    return mdp;
  }

  public TabularPolicy reference() {
    return reference;
  }

  public double beta() {
    return beta;
  }

  /** {@code r(y)} for a complete sequence. */
  public double reward(List<Integer> sequence) {
    Double r = rewards.get(sequence);
    if (r == null) {
      throw new IllegalArgumentException(
          "\"" + TokenMdp.format(sequence) + "\" is not a complete sequence");
    }
    return r;
  }

  /** {@code log Z = log Σ_y π_ref(y)·exp(r(y)/β)}. */
  public double logPartition() {
    double[] terms = new double[mdp.sequences().size()];
    int i = 0;
    for (List<Integer> y : mdp.sequences()) {
      terms[i++] = reference.sequenceLogProbability(y) + rewards.get(y) / beta;
    }
    return LogProbs.logSumExp(terms);
  }

  /** {@code J(π*) = β log Z}. */
  public double optimalObjective() {
    return beta * logPartition();
  }

  /** The closed form {@code π*(y) = π_ref(y)·exp(r(y)/β) / Z}, in sequence order. */
  public Map<List<Integer>, Double> optimalSequenceDistribution() {
    double logZ = logPartition();
    Map<List<Integer>, Double> out = new LinkedHashMap<>();
    for (List<Integer> y : mdp.sequences()) {
      out.put(y, Math.exp(reference.sequenceLogProbability(y) + rewards.get(y) / beta - logZ));
    }
    return out;
  }

  /** {@code Q*} and {@code V*} at every non-terminal prefix, by backward induction. */
  public SoftValues softValues() {
    Map<List<Integer>, Double> v = new HashMap<>();
    Map<List<Integer>, double[]> q = new HashMap<>();
    List<List<Integer>> states = mdp.states();
    for (int i = states.size() - 1; i >= 0; i--) { // longest prefixes first
      List<Integer> s = states.get(i);
      double[] qs = new double[mdp.vocabSize()];
      for (int a = 0; a < qs.length; a++) {
        List<Integer> next = TokenMdp.append(s, a);
        qs[a] = mdp.isTerminal(next) ? rewards.get(next) : v.get(next);
      }
      v.put(s, SoftBellman.softValue(qs, reference.logProbabilities(s), beta));
      q.put(s, qs);
    }
    return new SoftValues(ImmutableMap.copyOf(v), ImmutableMap.copyOf(q));
  }

  /** {@code π*(a|s) = π_ref(a|s)·exp((Q*(s,a) − V*(s))/β)} at every prefix. */
  public TabularPolicy optimalPolicy() {
    SoftValues values = softValues();
    return TabularPolicy.of(
        mdp,
        s -> {
          double[] p =
              SoftBellman.optimalLogPolicy(values.q(s), reference.logProbabilities(s), beta);
          for (int a = 0; a < p.length; a++) {
            p[a] = Math.exp(p[a]);
          }
          return p;
        });
  }

  /** {@code E_{y~π}[r(y)]}. */
  public double expectedReward(TabularPolicy policy) {
    double e = 0;
    for (List<Integer> y : mdp.sequences()) {
      e += policy.sequenceProbability(y) * rewards.get(y);
    }
    return e;
  }

  /**
   * {@code KL(π ‖ π_ref) = Σ_y π(y) log(π(y)/π_ref(y))} over sequences ({@code +∞} when π puts mass
   * where π_ref has none).
   */
  public double klToReference(TabularPolicy policy) {
    double kl = 0;
    for (List<Integer> y : mdp.sequences()) {
      double logp = policy.sequenceLogProbability(y);
      if (logp == Double.NEGATIVE_INFINITY) {
        continue;
      }
      double logq = reference.sequenceLogProbability(y);
      if (logq == Double.NEGATIVE_INFINITY) {
        return Double.POSITIVE_INFINITY;
      }
      kl += Math.exp(logp) * (logp - logq);
    }
    return kl;
  }

  /** {@code J(π) = E_π[r] − β·KL(π ‖ π_ref)}. */
  public double objective(TabularPolicy policy) {
    return expectedReward(policy) - beta * klToReference(policy);
  }

  /**
   * The exact gradient of {@code J} with respect to per-prefix softmax logits, for a policy {@code
   * π(·|s) = softmax(θ_s)}: with {@code A(y) = r(y) − β·log(π(y)/π_ref(y))},
   *
   * <pre>
   * ∂J/∂θ_{s,a} = Σ_{y ⊒ s} π(y)·(1[y_{|s|} = a] − π(a|s))·A(y)
   * </pre>
   *
   * (the sum runs over sequences that pass through prefix {@code s}; the score-function term of the
   * KL, {@code −β Σ_y ∇π(y)}, vanishes because {@code Σ_y π(y) = 1}). It is zero at π*. The RL
   * trainers' gradient estimators are checked against it.
   */
  public Map<List<Integer>, double[]> objectiveGradient(TabularPolicy policy) {
    Map<List<Integer>, double[]> gradient = new LinkedHashMap<>();
    for (List<Integer> s : mdp.states()) {
      gradient.put(s, new double[mdp.vocabSize()]);
    }
    for (List<Integer> y : mdp.sequences()) {
      double logp = policy.sequenceLogProbability(y);
      if (logp == Double.NEGATIVE_INFINITY) {
        continue;
      }
      double weight =
          Math.exp(logp) * (rewards.get(y) - beta * (logp - reference.sequenceLogProbability(y)));
      for (int t = 0; t < y.size(); t++) {
        List<Integer> s = y.subList(0, t);
        double[] g = gradient.get(s);
        double[] p = policy.probabilities(s);
        for (int a = 0; a < g.length; a++) {
          g[a] += weight * ((a == y.get(t) ? 1 : 0) - p[a]);
        }
      }
    }
    return gradient;
  }

  /** {@code TV(π, π*) = ½ Σ_y |π(y) − π*(y)|} over sequence distributions. */
  public double totalVariationToOptimal(TabularPolicy policy) {
    return totalVariation(policy.sequenceDistribution(), optimalSequenceDistribution());
  }

  /** {@code ½ Σ_y |p(y) − q(y)|} over the union of both supports. */
  public static double totalVariation(Map<List<Integer>, Double> p, Map<List<Integer>, Double> q) {
    double sum = 0;
    for (Map.Entry<List<Integer>, Double> e : p.entrySet()) {
      sum += Math.abs(e.getValue() - q.getOrDefault(e.getKey(), 0.0));
    }
    for (Map.Entry<List<Integer>, Double> e : q.entrySet()) {
      if (!p.containsKey(e.getKey())) {
        sum += Math.abs(e.getValue());
      }
    }
    return 0.5 * sum;
  }

  private static TabularPolicy referenceFromTable(TokenMdp mdp, Map<String, List<Double>> table) {
    Map<List<Integer>, double[]> rows = new HashMap<>();
    for (Map.Entry<String, List<Double>> entry : table.entrySet()) {
      String key = "synthetic.reference_table.\"" + entry.getKey() + "\"";
      List<Integer> prefix = parseKey(key, entry.getKey(), mdp);
      if (mdp.isTerminal(prefix)) {
        throw new UserInputException(
            key
                + ": is a complete sequence, expected a non-terminal prefix"
                + " (shorter than the horizon "
                + mdp.horizon()
                + ", not ending with the end token 0)");
      }
      double[] row = new double[entry.getValue().size()];
      for (int a = 0; a < row.length; a++) {
        Double p = entry.getValue().get(a);
        row[a] = p == null ? Double.NaN : p;
      }
      try {
        TabularPolicy.checkRow(key, row, mdp.vocabSize());
      } catch (IllegalArgumentException e) {
        throw new UserInputException(e.getMessage(), e);
      }
      if (rows.put(prefix, row) != null) {
        throw new UserInputException(key + ": the same prefix is listed twice");
      }
    }
    for (List<Integer> state : mdp.states()) {
      if (!rows.containsKey(state)) {
        throw new UserInputException(
            "synthetic.reference_table: no row for prefix \""
                + TokenMdp.format(state)
                + "\"; expected one row per non-terminal prefix ("
                + mdp.states().size()
                + " rows)");
      }
    }
    return TabularPolicy.of(mdp, rows::get);
  }

  private static SequenceReward rewardOf(
      TokenMdp mdp, SyntheticRewardConfig config, SplittableRandom random) {
    return switch (config.kind()) {
      case TOKEN_COUNT -> {
        if (config.token() >= mdp.vocabSize()) {
          throw new UserInputException(
              "synthetic.reward.token: found "
                  + config.token()
                  + ", expected a token id below the vocab size "
                  + mdp.vocabSize());
        }
        yield y -> config.scale() * y.stream().filter(t -> t == config.token()).count();
      }
      case RANDOM -> {
        Map<List<Integer>, Double> drawn = new HashMap<>();
        for (List<Integer> y : mdp.sequences()) {
          drawn.put(y, config.scale() * random.nextDouble());
        }
        yield drawn::get;
      }
      case TABLE -> {
        Map<List<Integer>, Double> table = new HashMap<>();
        for (Map.Entry<String, Double> entry : config.table().entrySet()) {
          String key = "synthetic.reward.table.\"" + entry.getKey() + "\"";
          List<Integer> y = parseKey(key, entry.getKey(), mdp);
          if (!mdp.isTerminal(y)) {
            throw new UserInputException(
                key
                    + ": is not a complete sequence; expected one ending"
                    + " with the end token 0 or of length "
                    + mdp.horizon());
          }
          if (table.put(y, entry.getValue()) != null) {
            throw new UserInputException(key + ": the same sequence is listed twice");
          }
        }
        yield y -> table.getOrDefault(y, 0.0);
      }
    };
  }

  /** Parses a table key into a prefix of valid tokens with the end token only last. */
  private static List<Integer> parseKey(String key, String text, TokenMdp mdp) {
    List<Integer> tokens;
    try {
      tokens = TokenMdp.parse(text);
    } catch (NumberFormatException e) {
      throw new UserInputException(
          key + ": expected token ids separated by spaces, e.g. \"2 1 0\"", e);
    }
    if (tokens.size() > mdp.horizon()) {
      throw new UserInputException(
          key
              + ": has "
              + tokens.size()
              + " tokens, expected at most the horizon "
              + mdp.horizon());
    }
    for (int t = 0; t < tokens.size(); t++) {
      int token = tokens.get(t);
      if (token < 0 || token >= mdp.vocabSize()) {
        throw new UserInputException(
            key
                + ": token "
                + token
                + " at position "
                + t
                + ", expected ids in [0, "
                + mdp.vocabSize()
                + ")");
      }
      if (token == TokenMdp.END && t < tokens.size() - 1) {
        throw new UserInputException(
            key
                + ": the end token 0 at position "
                + t
                + " is followed by more tokens; expected it only last");
      }
    }
    return tokens;
  }
}
