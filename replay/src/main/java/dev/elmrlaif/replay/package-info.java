/**
 * Trajectories and the replay buffer the off-policy trainers learn from (DESIGN.md §4): an
 * immutable {@link dev.elmrlaif.replay.Trajectory}, a FIFO {@link dev.elmrlaif.replay.ReplayBuffer}
 * with uniform or prioritised sampling of trajectories and transitions, and its versioned,
 * checksummed on-disk form, written atomically and reloaded to resume sampling exactly. Plain Java,
 * no tensor engine.
 */
package dev.elmrlaif.replay;
