package dev.elmrlaif.domain.prepare;

import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.data.DomainPreparer;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.files.FileDomainPreparer;
import dev.elmrlaif.domain.movielens.MovieLensPreparer;
import java.util.Map;

/**
 * Prepares the data of the configured domain ({@code data.domain}): MovieLens ({@link
 * MovieLensPreparer}) or the user's own embeddings ({@code files}, {@link FileDomainPreparer}),
 * each a {@link DomainPreparer}.
 */
public final class DataPreparer {
  private final DataConfig config;
  private final long seed;
  private final Map<String, String> environment;

  /**
   * @param config the data section of the run config
   * @param seed the run's master seed; every step derives its own seed from it
   * @param environment the process environment (for {@code RLAIF_DATA} and the teacher's API key)
   */
  public DataPreparer(DataConfig config, long seed, Map<String, String> environment) {
    this.config = config;
    this.seed = seed;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Prepares the data of the configured domain ({@code movielens}, or {@code files}: the user's own
   * embeddings, see {@link FileDomainPreparer}), or loads it from the cache when {@code force} is
   * false and the inputs match.
   */
  public PreparedData prepare(boolean force) {
    return domainPreparer().prepare(force);
  }

  /** The preparer of the configured domain. */
  public DomainPreparer domainPreparer() {
    if (config.domain().equals("files")) {
      return new FileDomainPreparer(config, seed, environment);
    }
    return new MovieLensPreparer(config, seed, environment);
  }
}
