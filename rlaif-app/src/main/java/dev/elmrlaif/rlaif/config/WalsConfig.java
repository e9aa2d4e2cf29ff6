package dev.elmrlaif.rlaif.config;

/**
 * Weighted alternating least squares for the behavioral embeddings (DESIGN.md §6, Hu, Koren &
 * Volinsky 2008): observed ratings have weight 1, unobserved entries weight {@code w0} towards 0,
 * and both factor matrices carry an L2 penalty {@code λ}.
 */
public record WalsConfig(
    @Doc("Dimension of the user and movie behavioral embeddings") @Range(min = 1, max = 1024) int dimension,
    @Doc("Alternating sweeps (users then movies)") @Range(min = 1, max = 1000) int iterations,
    @Doc("Weight w0 of every unobserved user-movie entry (target 0)") @Range(min = 0, max = 1)
        double unobservedWeight,
    @Doc("L2 penalty lambda on every user and movie vector") @Range(min = 0, max = 1e6) double regularization,
    @Doc("Worker threads for the per-row solves; 0 means one per core") @Range(min = 0, max = 1024) int threads) {

  public WalsConfig {
    if (dimension < 1) {
      throw new dev.elmrlaif.rlaif.UserInputException("wals.dimension: found " + dimension + ", expected at least 1");
    }
    if (iterations < 1) {
      throw new dev.elmrlaif.rlaif.UserInputException("wals.iterations: found " + iterations + ", expected at least 1");
    }
    if (!(unobservedWeight >= 0 && unobservedWeight <= 1)) {
      throw new dev.elmrlaif.rlaif.UserInputException("wals.unobserved_weight: found " + unobservedWeight + ", expected a value in [0, 1]");
    }
    if (!(regularization >= 0)) {
      throw new dev.elmrlaif.rlaif.UserInputException("wals.regularization: found " + regularization + ", expected a value >= 0");
    }
    if (threads < 0) {
      throw new dev.elmrlaif.rlaif.UserInputException("wals.threads: found " + threads + ", expected 0 (all cores) or more");
    }
  }

  /** The defaults every config starts from. */
  public static WalsConfig defaults() {
    return new WalsConfig(32, 15, 0.1, 5.0, 0);
  }
}
