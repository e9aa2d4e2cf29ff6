/**
 * The engine-free mathematics of the RL trainers (DESIGN.md §4), on plain {@code double[]}: KL
 * estimators and the exact KL, returns with the KL penalty in the reward, baselines, KL
 * controllers, entropy and importance weights. The REINFORCE and soft actor-critic trainers compute
 * log-probabilities with DJL and hand them here, so every formula is written, tested and documented
 * once, in one place.
 *
 * <p>Conventions: {@code logp} is the policy's log-probability {@code log π_θ(a|s)}, {@code logq}
 * the reference's {@code log π_ref(a|s)}; natural logarithms throughout.
 */
package dev.elmrlaif.algorithms.rl.math;
