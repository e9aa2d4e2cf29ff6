package dev.elmrlaif.algorithms.rl.sac;

/**
 * Where SAC's {@code Q(s, ·)} comes from ({@code sac.q_function}).
 *
 * <p>With {@link #POLICY} the soft-optimal relation {@code π ∝ π_ref·exp(Q/α)} holds by
 * construction, so SAC's policy improvement step (H4) is exact at every update and its loss is
 * constant; what is left to fit is the soft Bellman residual of H3 on the actions taken, and it
 * trains the policy itself. This is soft Q-learning's parametrisation of Q by the policy (Haarnoja
 * et al. 2017, "Reinforcement learning with deep energy-based policies", of which SAC is the
 * actor-critic form) and, with Retrace's multi-step target, path consistency learning (Nachum et
 * al. 2017, "Bridging the gap between value and policy based reinforcement learning"); Guo et al.
 * 2022 ("Efficient (soft) Q-learning for text generation with limited good data") use it for text.
 * With {@code λ = 1} and on-policy samples, the gradient that reaches {@code log π_θ(a_t|s_t)} is
 * {@code −2α·(V(s_t) + α·Σ_{k≥t} log(π_θ/π_ref)(a_k|s_k) − R)}: a policy gradient with the
 * KL-regularised return to go and {@code V} as its baseline, learned from the replay buffer.
 */
public enum SacQFunction {
  /** The Q critic of {@code sac.critic}: a head over the vocabulary on a trunk (H2–H4). */
  HEAD,
  /**
   * {@code Q(s,a) = V(s) + α·log(π_θ(a|s)/π_ref(a|s))}: no Q head; the V critic and the policy are
   * Q's parameters, and the Q loss (one-step or Retrace) trains both.
   */
  POLICY
}
