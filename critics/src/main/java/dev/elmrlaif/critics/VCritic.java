package dev.elmrlaif.critics;

import ai.djl.ndarray.NDManager;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;

/**
 * A state-value critic {@code V(s_t)} (H2): one scalar at every state {@code s_t} of a
 * continuation. Its head is {@code v_head.weight [d, 1]}, {@code v_head.bias [1]}; the trunk and
 * the position convention are {@link Critic}'s. Its Polyak-averaged {@link #copy()} is the target
 * {@code V̄} of the Q loss (H3).
 */
public final class VCritic extends Critic {
  private static final String HEAD = "v_head";

  private VCritic(CriticConfig config, Elm base) {
    super(config, base, HEAD, 1, false);
  }

  private VCritic(VCritic source) {
    super(source);
  }

  /** A freshly initialised V critic; {@code base} as in {@link QCritic#create}. */
  public static VCritic create(CriticConfig config, Elm base) {
    return new VCritic(config, base);
  }

  /**
   * {@code V(s_t)} as {@code [B, C]} for every state {@code s_t = prompt_b + y_b[0..t)}, {@code t <
   * |y_b|}, with padding 0 (see {@link CriticValues}).
   */
  public CriticValues values(
      NDManager results, List<ElmPrompt> prompts, List<int[]> continuations) {
    return values(trunkStates(results, trunk(), prompts, continuations));
  }

  /** {@code V(s_t)} from hidden states this critic's {@link #trunk()} computed. */
  public CriticValues values(TrunkStates states) {
    CriticValues outputs = evaluate(states);
    return new CriticValues(outputs.values().squeeze(2), outputs.mask(), outputs.lengths());
  }

  /** A target network; see {@link QCritic#copy()}. */
  public VCritic copy() {
    return new VCritic(this);
  }
}
