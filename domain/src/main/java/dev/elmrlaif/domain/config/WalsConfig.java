package dev.elmrlaif.domain.config;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Weighted alternating least squares for the behavioral embeddings (DESIGN.md §6, Hu, Koren &
 * Volinsky 2008): observed ratings have weight 1, unobserved entries weight {@code w0} towards 0,
 * and both factor matrices carry an L2 penalty {@code λ}.
 */
@RecordBuilder
public record WalsConfig(
    @Doc("Dimension of the user and movie behavioral embeddings")
        @Range(min = 1, max = 1024)
        @Default("32")
        int dimension,
    @Doc("Alternating sweeps (users then movies)") @Range(min = 1, max = 1000) @Default("15")
        int iterations,
    @Doc("Weight w0 of every unobserved user-movie entry (target 0)")
        @Range(min = 0, max = 1)
        @Default("0.1")
        double unobservedWeight,
    @Doc("L2 penalty lambda on every user and movie vector")
        @Range(min = 0, max = 1e6)
        @Default("5.0")
        double regularization,
    @Doc("Worker threads for the per-row solves; 0 means one per core")
        @Range(min = 0, max = 1024)
        @Default("0")
        int threads)
    implements WalsConfigBuilder.With {

  /** The defaults every config starts from. */
  public static WalsConfig defaults() {
    return ConfigKeys.defaults(WalsConfig.class);
  }
}
