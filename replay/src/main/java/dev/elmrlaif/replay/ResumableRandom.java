package dev.elmrlaif.replay;

import java.util.random.RandomGenerator;

/**
 * A seeded random generator whose whole state is one {@code long}, so a replay buffer can save it
 * with its contents and, after a reload, draw exactly the samples it would have drawn had the run
 * not stopped. The algorithm is SplitMix64 (Steele, Lea & Flood 2014): the state advances by a
 * fixed odd constant and each output is a bijective mix of the state.
 *
 * <p>Not thread-safe on its own; the buffer only uses it under its lock.
 */
public final class ResumableRandom implements RandomGenerator {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  private ResumableRandom(long state) {
    this.state = state;
  }

  /** A generator seeded with {@code seed}. */
  public static ResumableRandom seeded(long seed) {
    return new ResumableRandom(seed);
  }

  /** A generator continuing from a state obtained earlier from {@link #state()}. */
  public static ResumableRandom fromState(long state) {
    return new ResumableRandom(state);
  }

  /** The state to save; {@link #fromState(long)} continues the same sequence. */
  public long state() {
    return state;
  }

  @Override
  public long nextLong() {
    state += GOLDEN_GAMMA;
    long z = state;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
