/**
 * Critics for soft actor-critic and soft Q-learning (DESIGN.md §4, H2–H6): a {@link
 * dev.elmrlaif.critics.QCritic} emitting one value per vocabulary token at every state of a
 * continuation and a {@link dev.elmrlaif.critics.VCritic} emitting one scalar per state, each a
 * linear head on a frozen shared trunk or on a small ELM of its own, with frozen copies for target
 * networks, Polyak averaging and safetensors checkpoints.
 */
package dev.elmrlaif.critics;
