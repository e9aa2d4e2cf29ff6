package dev.elmrlaif.critics;

import ai.djl.ndarray.NDManager;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.util.List;

/**
 * A soft Q critic over tokens (H3, H5): like a language-model head, it emits one value {@code
 * Q(s_t, a)} per vocabulary token {@code a} at every state {@code s_t} of a continuation, so every
 * expectation over actions ({@code Σ_a π(a|s) Q(s,a)}, {@code α log Σ_a π_ref(a|s) exp(Q(s,a)/α)})
 * is computed exactly. Its head is {@code q_head.weight [d, V]}, {@code q_head.bias [V]}, or with a
 * {@link QHead#TIED tied} head {@code q_head.weight [d, d]} read through the trunk's output
 * embedding; the trunk and the position convention are {@link Critic}'s.
 */
public final class QCritic extends Critic {
  private static final String HEAD = "q_head";

  private QCritic(CriticConfig config, Elm base) {
    super(config, base, HEAD, base.config().lm().vocabSize(), config.qHead() == QHead.TIED);
  }

  private QCritic(QCritic source) {
    super(source);
  }

  /**
   * A freshly initialised Q critic. With a {@link CriticTrunk#SHARED_FROZEN shared} trunk, {@code
   * base} is the trunk (normally the frozen reference; the caller keeps owning and closing it,
   * after this critic). With a {@link CriticTrunk#SEPARATE separate} trunk, {@code base} only lends
   * its vocabulary, context, adapter shape, device and data type to the critic's own ELM. The head
   * and a separate trunk train.
   */
  public static QCritic create(CriticConfig config, Elm base) {
    return new QCritic(config, base);
  }

  /**
   * {@code Q(s_t, ·)} as {@code [B, C, V]} for every state {@code s_t = prompt_b + y_b[0..t)},
   * {@code t < |y_b|}, with padding 0 (see {@link CriticValues}).
   */
  public CriticValues values(
      NDManager results, List<ElmPrompt> prompts, List<int[]> continuations) {
    return values(trunkStates(results, trunk(), prompts, continuations));
  }

  /** {@code Q(s_t, ·)} from hidden states this critic's {@link #trunk()} computed. */
  public CriticValues values(TrunkStates states) {
    return evaluate(states);
  }

  /**
   * A target network: a copy with the same values and no gradients (a separate trunk is copied, a
   * shared trunk is shared). Move it toward this critic with {@link #polyakUpdate}.
   */
  public QCritic copy() {
    return new QCritic(this);
  }
}
