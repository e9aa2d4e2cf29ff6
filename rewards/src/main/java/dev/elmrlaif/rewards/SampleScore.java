package dev.elmrlaif.rewards;

import java.util.EnumSet;
import java.util.Set;

/**
 * One sample's score and its fallback flags (empty for a normal score), as produced by a {@link
 * PerSampleReward}.
 */
public record SampleScore(double score, Set<RewardFlag> flags) {

  public SampleScore {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
  }

  /** A computed score. */
  public static SampleScore of(double score) {
    return new SampleScore(score, Set.of());
  }

  /** A fallback score with the flag that explains it. */
  public static SampleScore fallback(double score, RewardFlag flag) {
    return new SampleScore(score, Set.of(flag));
  }
}
