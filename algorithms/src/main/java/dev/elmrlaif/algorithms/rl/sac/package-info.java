/**
 * Soft actor-critic for ELMs (DESIGN.md §4, H2–H4): {@link
 * dev.elmrlaif.algorithms.rl.sac.SacTrainer} learns a Q critic over the vocabulary, a V critic and
 * its Polyak target from a replay buffer of whole trajectories, with every expectation over tokens
 * exact, and moves the policy toward {@code π_ref·exp(Q/α)}; {@link
 * dev.elmrlaif.algorithms.rl.sac.SacConfig} is the YAML section {@code sac}. The losses themselves
 * are in one place, {@code SacLosses}.
 */
package dev.elmrlaif.algorithms.rl.sac;
