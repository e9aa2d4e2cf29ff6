package dev.elmrlaif.algorithms.synthetic;

import com.google.common.collect.ImmutableMap;
import dev.elmrlaif.algorithms.rl.math.LogProbs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A policy over a {@link TokenMdp} given as one next-token distribution per non-terminal prefix,
 * {@code π(a|s)}. Its sequence distribution is the product along the sequence, {@code π(y) = Π_t
 * π(y_t | y_<t)}, which sums to 1 over {@link TokenMdp#sequences()}.
 */
public final class TabularPolicy {
  private final TokenMdp mdp;
  private final ImmutableMap<List<Integer>, double[]> table;

  private TabularPolicy(TokenMdp mdp, Map<List<Integer>, double[]> table) {
    this.mdp = mdp;
    this.table = ImmutableMap.copyOf(table);
  }

  /**
   * A policy from a function giving each non-terminal prefix's next-token probabilities; every row
   * must have one entry per token, none negative, summing to 1 within 1e-9.
   */
  public static TabularPolicy of(TokenMdp mdp, Function<List<Integer>, double[]> nextToken) {
    Map<List<Integer>, double[]> table = new LinkedHashMap<>();
    for (List<Integer> state : mdp.states()) {
      double[] row = nextToken.apply(state).clone();
      checkRow("prefix \"" + TokenMdp.format(state) + "\"", row, mdp.vocabSize());
      table.put(state, row);
    }
    return new TabularPolicy(mdp, table);
  }

  /**
   * A random policy: at each prefix, {@code softmax(z / temperature)} with {@code z_a ~ N(0, 1)}
   * drawn in prefix order from {@code random}. Lower temperatures give peakier policies.
   */
  public static TabularPolicy random(TokenMdp mdp, RandomGenerator random, double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature: found " + temperature + ", expected > 0");
    }
    return softmax(
        mdp,
        state -> {
          double[] logits = new double[mdp.vocabSize()];
          for (int a = 0; a < logits.length; a++) {
            logits[a] = random.nextGaussian() / temperature;
          }
          return logits;
        });
  }

  /** The policy {@code π(·|s) = softmax(logits(s))} at every non-terminal prefix. */
  public static TabularPolicy softmax(TokenMdp mdp, Function<List<Integer>, double[]> logits) {
    return of(
        mdp,
        state -> {
          double[] p = LogProbs.logSoftmax(logits.apply(state));
          for (int a = 0; a < p.length; a++) {
            p[a] = Math.exp(p[a]);
          }
          return p;
        });
  }

  /** The policy that picks every token with probability {@code 1/V}. */
  public static TabularPolicy uniform(TokenMdp mdp) {
    double[] row = new double[mdp.vocabSize()];
    java.util.Arrays.fill(row, 1.0 / mdp.vocabSize());
    return of(mdp, state -> row);
  }

  public TokenMdp mdp() {
    return mdp;
  }

  /** A copy of {@code π(·|prefix)} for a non-terminal prefix. */
  public double[] probabilities(List<Integer> prefix) {
    return row(prefix).clone();
  }

  /** {@code log π(·|prefix)}, with {@code -∞} for tokens of probability 0. */
  public double[] logProbabilities(List<Integer> prefix) {
    double[] p = row(prefix);
    double[] out = new double[p.length];
    for (int a = 0; a < p.length; a++) {
      out[a] = Math.log(p[a]);
    }
    return out;
  }

  /** {@code π(y) = Π_t π(y_t | y_<t)} for a complete or partial sequence. */
  public double sequenceProbability(List<Integer> sequence) {
    return Math.exp(sequenceLogProbability(sequence));
  }

  /** {@code log π(y) = Σ_t log π(y_t | y_<t)}. */
  public double sequenceLogProbability(List<Integer> sequence) {
    double logp = 0;
    for (int t = 0; t < sequence.size(); t++) {
      logp += Math.log(row(sequence.subList(0, t))[sequence.get(t)]);
    }
    return logp;
  }

  /** Samples a complete sequence token by token (inverse CDF of each next-token distribution). */
  public List<Integer> sample(RandomGenerator random) {
    List<Integer> prefix = List.of();
    while (!mdp.isTerminal(prefix)) {
      double[] p = row(prefix);
      double u = random.nextDouble();
      int token = p.length - 1;
      double cumulative = 0;
      for (int a = 0; a < p.length; a++) {
        cumulative += p[a];
        if (u < cumulative) {
          token = a;
          break;
        }
      }
      while (p[token] == 0) { // rounding past the last non-zero entry
        token--;
      }
      prefix = TokenMdp.append(prefix, token);
    }
    return prefix;
  }

  /** The distribution over complete sequences, in {@link TokenMdp#sequences()} order. */
  public Map<List<Integer>, Double> sequenceDistribution() {
    Map<List<Integer>, Double> out = new LinkedHashMap<>();
    for (List<Integer> y : mdp.sequences()) {
      out.put(y, sequenceProbability(y));
    }
    return out;
  }

  private double[] row(List<Integer> prefix) {
    double[] row = table.get(prefix);
    if (row == null) {
      throw new IllegalArgumentException(
          "prefix \""
              + TokenMdp.format(prefix)
              + "\" is not a non-terminal prefix of this MDP (vocab "
              + mdp.vocabSize()
              + ", horizon "
              + mdp.horizon()
              + ")");
    }
    return row;
  }

  static void checkRow(String where, double[] row, int vocabSize) {
    if (row.length != vocabSize) {
      throw new IllegalArgumentException(
          where
              + ": found "
              + row.length
              + " probabilities, expected one per token ("
              + vocabSize
              + ")");
    }
    double sum = 0;
    for (int a = 0; a < row.length; a++) {
      if (!(row[a] >= 0) || Double.isInfinite(row[a])) {
        throw new IllegalArgumentException(
            where
                + ": probability of token "
                + a
                + " is "
                + row[a]
                + ", expected a finite value >= 0");
      }
      sum += row[a];
    }
    if (Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException(where + ": probabilities sum to " + sum + ", expected 1");
    }
  }
}
