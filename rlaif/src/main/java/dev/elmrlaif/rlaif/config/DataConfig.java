package dev.elmrlaif.rlaif.config;

/**
 * Where the domain data lives and how it is split. The data root is resolved in this order: this
 * key, the {@code RLAIF_DATA} environment variable, the cache folder.
 */
public record DataConfig(
    @Doc("Domain to load: movielens (more domains come later)") String domain,
    @Doc("MovieLens variant under <root>/movielens/: ml-latest-small or ml-25m") String dataset,
    @Doc("Data root holding movielens/ and derived/; empty means $RLAIF_DATA, then the cache folder")
        String root,
    @Doc("Cache folder for downloads and prepared data") String cacheDir,
    @Doc("Fraction of movies held out from every fitted component") @Range(min = 0, max = 0.9)
        double heldOutMovies,
    @Doc("Fraction of users held out from every fitted component") @Range(min = 0, max = 0.9)
        double heldOutUsers) {

  /** The defaults every config starts from. */
  public static DataConfig defaults() {
    return new DataConfig("movielens", "ml-latest-small", "", "cache", 0.1, 0.1);
  }
}
