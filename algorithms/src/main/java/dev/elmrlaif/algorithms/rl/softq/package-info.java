/**
 * Soft Q-learning with policy distillation (DESIGN.md §4, H5–H8): {@link
 * dev.elmrlaif.algorithms.rl.softq.SoftQTrainer} learns the soft optimal {@code Q*} of the
 * KL-regularised CoMDP by Bellman-residual minimisation on trajectories from a replay buffer, with
 * a Q critic of the {@code critics} module and a Polyak-averaged target, and distils {@code π*(a|s)
 * = π_ref(a|s)·exp((Q*(s,a) − V*(s))/α)} into the ELM by minimising {@code KL(π* ‖ π_θ)}. The
 * formulas live in {@link dev.elmrlaif.algorithms.rl.softq.SoftQMath}; the YAML section {@code
 * soft_q} is {@link dev.elmrlaif.algorithms.rl.softq.SoftQConfig}.
 */
package dev.elmrlaif.algorithms.rl.softq;
