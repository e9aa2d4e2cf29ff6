package dev.elmrlaif.algorithms.rl.reinforce;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.synthetic.SequenceReward;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import dev.elmrlaif.algorithms.synthetic.TokenMdp;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny ELM acting in the synthetic CoMDP, so the same {@link ReinforceTrainer} that trains
 * MovieLens ELMs can be checked against the CoMDP's closed-form optimum {@code π*(y) ∝
 * π_ref(y)·exp(r(y)/β)} (H1).
 *
 * <p>The LM's vocabulary is the CoMDP's: token 0 ends a sequence and also serves as the begin token
 * of the one-token prompt {@code [0]} (GPT-2 uses its end-of-text token the same way), so every
 * token the model can emit is an action of the CoMDP and no probability leaks to a token outside
 * it. There is no adapter and no entity slot. {@code π_ref} is a frozen copy of the ELM at
 * initialisation ({@link #initialize}) or after fitting it to a given table ({@link #fittedTo}),
 * and the CoMDP's reference table is read from that frozen ELM by enumerating every prefix, so the
 * closed-form optimum is exactly relative to the model's own {@code π_ref}.
 */
public final class SyntheticElmPolicy implements AutoCloseable {
  /** The one context of the CoMDP: the prompt {@code [0]}. */
  static final ElmPrompt PROMPT = ElmPrompt.text(TokenMdp.END);

  private final TokenMdp mdp;
  private final Elm policy;
  private final Elm reference;
  private final TabularPolicy referenceTable;

  private SyntheticElmPolicy(TokenMdp mdp, Elm policy, Elm reference) {
    this.mdp = mdp;
    this.policy = policy;
    this.reference = reference;
    this.referenceTable = tabular(reference);
  }

  /**
   * A freshly initialised one-layer ELM over the CoMDP's {@code vocabSize} tokens with context
   * {@code horizon + 1} (the prompt plus the generated tokens), and its frozen reference.
   *
   * @param dModel width of the transformer (16 is plenty for a handful of tokens)
   * @param dataType FLOAT32, or FLOAT64 for gradient checks
   */
  public static SyntheticElmPolicy initialize(
      int vocabSize, int horizon, int dModel, DataType dataType, long seed) {
    return initialize(new TokenMdp(vocabSize, horizon), dModel, dataType, seed);
  }

  /** As {@link #initialize(int, int, int, DataType, long)}, over an existing {@link TokenMdp}. */
  public static SyntheticElmPolicy initialize(
      TokenMdp mdp, int dModel, DataType dataType, long seed) {
    Elm policy = freshElm(mdp, dModel, dataType, seed);
    return new SyntheticElmPolicy(mdp, policy, policy.referencePolicy());
  }

  /**
   * A fresh ELM first fitted to a given reference table ({@link ReferenceFit}), whose frozen copy
   * is then {@code π_ref}. The fit is close, not exact: {@link #coMdp} uses the table read back
   * from the frozen ELM, so the closed-form optimum stays exactly relative to the model's own
   * {@code π_ref}.
   */
  public static SyntheticElmPolicy fittedTo(
      TabularPolicy target, int dModel, DataType dataType, long seed) {
    Elm policy = freshElm(target.mdp(), dModel, dataType, seed);
    try {
      ReferenceFit.fit(policy, target);
    } catch (RuntimeException e) {
      policy.close();
      throw e;
    }
    return new SyntheticElmPolicy(target.mdp(), policy, policy.referencePolicy());
  }

  /**
   * Wraps a policy and a frozen reference restored from a checkpoint; the instance owns both from
   * now on and closes them.
   */
  public static SyntheticElmPolicy of(TokenMdp mdp, Elm policy, Elm reference) {
    return new SyntheticElmPolicy(mdp, policy, reference);
  }

  private static Elm freshElm(TokenMdp mdp, int dModel, DataType dataType, long seed) {
    int vocabSize = mdp.vocabSize();
    int horizon = mdp.horizon();
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(vocabSize)
            .contextLength(horizon + 1)
            .layers(1)
            .heads(1)
            .dModel(dModel)
            .mlpRatio(2)
            .initStd(0.5) // a reference far from uniform, so π* is a real change of distribution
            .build();
    ElmConfig config = ElmConfig.languageModel(lm, TokenMdp.END, TokenMdp.END);
    return Elm.initialize(config, Device.cpu(), dataType, seed);
  }

  public TokenMdp mdp() {
    return mdp;
  }

  /** The ELM being trained. */
  public Elm policy() {
    return policy;
  }

  /** The frozen {@code π_ref}: the ELM as it was initialised. */
  public Elm reference() {
    return reference;
  }

  /** The one context of the CoMDP: the prompt {@code [0]}. */
  public ElmPrompt prompt() {
    return PROMPT;
  }

  /** The CoMDP with the frozen ELM's {@code π_ref}, this reward and {@code β}. */
  public SyntheticCoMdp coMdp(SequenceReward reward, double beta) {
    return new SyntheticCoMdp(mdp, referenceTable, reward, beta);
  }

  /** The CoMDP's reward as the trainer asks for it. */
  public static CompletionReward completionReward(SyntheticCoMdp coMdp) {
    return (context, continuation) -> coMdp.reward(asList(continuation));
  }

  /**
   * {@code π(·|s)} of {@code elm} at every non-terminal prefix {@code s}, read off one batched
   * forward pass: prefix {@code s} is scored as the continuation {@code s + [0]}, and the
   * log-softmax at its last position is the next-token distribution after {@code s}.
   */
  public TabularPolicy tabular(Elm elm) {
    List<List<Integer>> states = mdp.states();
    List<ElmPrompt> prompts = new ArrayList<>(states.size());
    List<int[]> continuations = new ArrayList<>(states.size());
    for (List<Integer> state : states) {
      prompts.add(prompt());
      continuations.add(toArray(TokenMdp.append(state, TokenMdp.END)));
    }
    Map<List<Integer>, double[]> rows = new HashMap<>();
    try (NDScope arrays = new NDScope();
        NDManager scope = elm.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      ContinuationLogProbs scored = elm.continuationLogProbs(scope, prompts, continuations, true);
      NDArray distribution = scored.logSoftmax().exp().toType(DataType.FLOAT64, false); // [B, C, V]
      double[] flat = distribution.toDoubleArray();
      long width = distribution.getShape().get(1);
      int vocab = mdp.vocabSize();
      for (int b = 0; b < states.size(); b++) {
        int position = states.get(b).size();
        double[] row = new double[vocab];
        double sum = 0;
        for (int a = 0; a < vocab; a++) {
          row[a] = flat[(int) ((b * width + position) * vocab + a)];
          sum += row[a];
        }
        for (int a = 0; a < vocab; a++) {
          row[a] /= sum; // float32 rounding: make the row a distribution to double precision
        }
        rows.put(states.get(b), row);
      }
    }
    return TabularPolicy.of(mdp, rows::get);
  }

  /** {@code TV(π_θ, π*)} between the trained ELM's exact sequence distribution and the optimum. */
  public double totalVariationToOptimal(SyntheticCoMdp coMdp) {
    return coMdp.totalVariationToOptimal(tabular(policy));
  }

  /**
   * Every complete sequence of the CoMDP once, weighted by its probability under the current
   * policy: {@link ReinforceTrainer#computeGradients} on these rollouts gives the exact expectation
   * of the REINFORCE gradient instead of a sampled estimate.
   */
  public Rollouts exactRollouts(SyntheticCoMdp coMdp) {
    TabularPolicy current = tabular(policy);
    List<List<Integer>> sequences = mdp.sequences();
    List<ElmPrompt> prompts = new ArrayList<>(sequences.size());
    List<int[]> continuations = new ArrayList<>(sequences.size());
    double[] rewards = new double[sequences.size()];
    double[] weights = new double[sequences.size()];
    double total = 0;
    for (int i = 0; i < sequences.size(); i++) {
      prompts.add(prompt());
      continuations.add(toArray(sequences.get(i)));
      rewards[i] = coMdp.reward(sequences.get(i));
      weights[i] = current.sequenceProbability(sequences.get(i));
      total += weights[i];
    }
    for (int i = 0; i < weights.length; i++) {
      weights[i] /= total;
    }
    return new Rollouts(prompts, continuations, rewards, weights, sequences.size());
  }

  /** Closes the reference, then the policy. */
  @Override
  public void close() {
    reference.close();
    policy.close();
  }

  private static int[] toArray(List<Integer> tokens) {
    return tokens.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<Integer> asList(int[] tokens) {
    List<Integer> list = new ArrayList<>(tokens.length);
    for (int token : tokens) {
      list.add(token);
    }
    return list;
  }
}
