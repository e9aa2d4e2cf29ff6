package dev.elmrlaif.algorithms.rl.reinforce;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.algorithms.synthetic.TabularPolicy;
import dev.elmrlaif.algorithms.synthetic.TokenMdp;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.policy.optim.AdamWConfig;
import dev.elmrlaif.policy.optim.GradientClipping;
import dev.elmrlaif.policy.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Fits a tiny ELM to a given reference table, so the synthetic CoMDP's {@code π_ref} can be chosen
 * in the config ({@code synthetic.reference_table}) while the policy still starts at {@code π_ref}.
 * It minimises the exact sequence-level KL from the table to the model, full batch with AdamW:
 *
 * <pre>
 * KL(π_table ‖ π_θ) = Σ_s d(s) Σ_a π_table(a|s)·(log π_table(a|s) − log π_θ(a|s)),
 * d(s) = Π_t π_table(s_t | s_&lt;t)   (the probability that π_table passes through prefix s)
 * </pre>
 *
 * until it falls below {@link #TOLERANCE} nats or {@link #MAX_ITERATIONS} steps have run.
 */
final class ReferenceFit {
  private static final Logger LOG = LogManager.getLogger(ReferenceFit.class);

  /** KL (nats) at which the fit stops. */
  static final double TOLERANCE = 1e-4;

  /** The most AdamW steps. */
  static final int MAX_ITERATIONS = 3000;

  private static final double LEARNING_RATE = 0.02;

  private ReferenceFit() {}

  /** Fits {@code elm} (every trainable parameter) to {@code target}; returns the final KL. */
  static double fit(Elm elm, TabularPolicy target) {
    TokenMdp mdp = target.mdp();
    if (elm.config().lm().vocabSize() != mdp.vocabSize()) {
      throw new IllegalArgumentException(
          "reference fit: the ELM has "
              + elm.config().lm().vocabSize()
              + " tokens and the table "
              + mdp.vocabSize()
              + ", expected the same vocabulary");
    }
    List<List<Integer>> states = mdp.states();
    int vocab = mdp.vocabSize();
    int width = mdp.horizon(); // every prefix plus the end token fits in `horizon` positions
    List<ElmPrompt> prompts = new ArrayList<>(states.size());
    List<int[]> continuations = new ArrayList<>(states.size());
    double[] weights =
        new double[states.size() * width * vocab]; // d(s)·π_table(a|s) at s's position
    double targetNegEntropy = 0; // Σ_s d(s) Σ_a π_table log π_table, a constant of the KL
    for (int b = 0; b < states.size(); b++) {
      List<Integer> state = states.get(b);
      prompts.add(SyntheticElmPolicy.PROMPT);
      continuations.add(
          TokenMdp.append(state, TokenMdp.END).stream().mapToInt(Integer::intValue).toArray());
      double reach = 1;
      for (int t = 0; t < state.size(); t++) {
        reach *= target.probabilities(state.subList(0, t))[state.get(t)];
      }
      double[] row = target.probabilities(state);
      for (int a = 0; a < vocab; a++) {
        weights[(b * width + state.size()) * vocab + a] = reach * row[a];
        if (row[a] > 0) {
          targetNegEntropy += reach * row[a] * Math.log(row[a]);
        }
      }
    }
    Map<String, NDArray> trainable = elm.trainableParameters();
    double kl = Double.NaN;
    int iteration = 0;
    try (AdamW optimizer =
        new AdamW(
            AdamWConfig.builder().weightDecay(0).build(),
            LearningRateSchedule.constant(LEARNING_RATE),
            elm.manager())) {
      for (; iteration < MAX_ITERATIONS; iteration++) {
        GradientClipping.zeroGradients(trainable);
        try (NDScope arrays = new NDScope();
            NDManager scope = elm.manager().newSubManager()) {
          arrays.suppressNotUsedWarning();
          try (GradientCollector collector = elm.manager().getEngine().newGradientCollector()) {
            ContinuationLogProbs scored =
                elm.continuationLogProbs(scope, prompts, continuations, true);
            NDArray logSoftmax = scored.logSoftmax(); // [B, width, V]
            NDArray weight;
            try (NDArray javaBacked =
                scope.create(weights, new Shape(states.size(), width, vocab))) {
              weight = javaBacked.toType(logSoftmax.getDataType(), true);
            }
            NDArray crossEntropy = logSoftmax.mul(weight).sum().neg();
            collector.backward(crossEntropy);
            kl =
                crossEntropy.stopGradient().toType(DataType.FLOAT64, false).getDouble()
                    + targetNegEntropy;
          }
        }
        if (kl < TOLERANCE) {
          break;
        }
        optimizer.step(trainable);
      }
    }
    LOG.info(
        "synthetic reference: fitted the ELM to synthetic.reference_table, KL {} nats after {} steps",
        String.format(java.util.Locale.ROOT, "%.2e", kl),
        iteration);
    return kl;
  }
}
