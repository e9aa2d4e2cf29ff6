package dev.elmrlaif.replay;

/**
 * A trajectory drawn from a {@link ReplayBuffer}, with the probability it had of being drawn and
 * its importance weight (1 under uniform sampling; see {@link ReplayConfig} for the formula).
 * Multiply the trajectory's loss by {@code importanceWeight} to correct for prioritisation.
 */
public record SampledTrajectory(
    Trajectory trajectory, double probability, double importanceWeight) {}
