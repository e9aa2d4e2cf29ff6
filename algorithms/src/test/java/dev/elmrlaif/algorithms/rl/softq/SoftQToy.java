package dev.elmrlaif.algorithms.rl.softq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elmrlaif.algorithms.rl.reinforce.SyntheticElmPolicy;
import dev.elmrlaif.algorithms.synthetic.SequenceReward;
import dev.elmrlaif.algorithms.synthetic.SoftValues;
import dev.elmrlaif.algorithms.synthetic.SyntheticCoMdp;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.EngineOwned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shared fixtures of the soft-Q tests on the synthetic CoMDP. */
final class SoftQToy {
  private SoftQToy() {}

  /**
   * A reward that is a function of the tokens: each token earns its value times its position
   * (1-based), and the sequence "3 1" earns a bonus of 2, so the optimum prefers some tokens, some
   * lengths and one particular pair.
   */
  static SequenceReward tokenReward() {
    double[] value = {0.0, 1.5, -0.5, 0.8};
    return y -> {
      double r = 0;
      for (int t = 0; t < y.size(); t++) {
        r += value[y.get(t) % value.length] * (t + 1);
      }
      return y.equals(List.of(3, 1)) ? r + 2 : r;
    };
  }

  /** A trainer of the toy's policy on the CoMDP's reward. */
  static SoftQTrainer trainer(SyntheticElmPolicy toy, SyntheticCoMdp coMdp, SoftQConfig config) {
    return new SoftQTrainer(
        toy.policy(), toy.reference(), SyntheticElmPolicy.completionReward(coMdp), config);
  }

  /** The exact {@code Q*(s_t,·)} of the CoMDP at every state of a batch, as float64. */
  static QValues exactQ(SyntheticCoMdp coMdp) {
    SoftValues values = coMdp.softValues();
    int vocab = coMdp.mdp().vocabSize();
    return (scope, prompts, continuations) -> {
      int width = continuations.stream().mapToInt(c -> c.length).max().orElse(1);
      double[] flat = new double[continuations.size() * width * vocab];
      for (int b = 0; b < continuations.size(); b++) {
        int[] tokens = continuations.get(b);
        for (int t = 0; t < tokens.length; t++) {
          double[] q = values.q(prefix(tokens, t));
          System.arraycopy(q, 0, flat, (b * width + t) * vocab, vocab);
        }
      }
      NDArray array =
          EngineOwned.create(
              scope, flat, new Shape(continuations.size(), width, vocab), DataType.FLOAT64);
      return array;
    };
  }

  /** Every complete sequence of the CoMDP once, so a batch covers every state; weights 1. */
  static TrajectoryBatch everySequence(SyntheticElmPolicy toy, SyntheticCoMdp coMdp) {
    List<String> ids = new ArrayList<>();
    List<ElmPrompt> prompts = new ArrayList<>();
    List<int[]> continuations = new ArrayList<>();
    List<double[]> rewards = new ArrayList<>();
    for (List<Integer> y : toy.mdp().sequences()) {
      ids.add("all/" + ids.size());
      prompts.add(toy.prompt());
      int[] tokens = y.stream().mapToInt(Integer::intValue).toArray();
      continuations.add(tokens);
      double[] r = new double[tokens.length];
      r[r.length - 1] = coMdp.reward(y);
      rewards.add(r);
    }
    double[] weights = new double[ids.size()];
    Arrays.fill(weights, 1.0);
    return new TrajectoryBatch(ids, prompts, continuations, rewards, weights);
  }

  /** The state {@code s_t}: the first {@code t} tokens. */
  static List<Integer> prefix(int[] tokens, int t) {
    List<Integer> state = new ArrayList<>(t);
    for (int k = 0; k < t; k++) {
      state.add(tokens[k]);
    }
    return List.copyOf(state);
  }
}
