package dev.elmrlaif.policy.lora;

import java.util.EnumSet;
import java.util.Set;

/**
 * Low-rank adaptation (Hu et al. 2021) of chosen projections: {@code W' = W + (alpha/rank) A B},
 * with {@code A [in, rank]} drawn {@code N(0, 1/in)} and {@code B [rank, out]} zero at the start,
 * so a fresh LoRA leaves the model unchanged.
 *
 * @param rank the inner dimension {@code r}
 * @param alpha the scale numerator; the update is scaled by {@code alpha / rank}
 * @param targets which projections of every block get an adapter
 */
public record LoraConfig(int rank, double alpha, Set<LoraTarget> targets) {
  public LoraConfig {
    if (rank <= 0) {
      throw new IllegalArgumentException(
          "LoraConfig.rank: found " + rank + ", expected an integer > 0");
    }
    if (!(alpha > 0 && Double.isFinite(alpha))) {
      throw new IllegalArgumentException(
          "LoraConfig.alpha: found " + alpha + ", expected a finite value > 0");
    }
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException(
          "LoraConfig.targets: found "
              + targets
              + ", expected at least one of "
              + EnumSet.allOf(LoraTarget.class));
    }
    targets = Set.copyOf(EnumSet.copyOf(targets));
  }

  /** The factor {@code alpha / rank} on {@code A B}. */
  public double scale() {
    return alpha / rank;
  }
}
