package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.WalsConfig;
import dev.elmrlaif.domain.data.RankingReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test): WALS fit time and held-out ranking quality.
 *
 * <pre>
 *   # real data: ml-latest-small under $RLAIF_DATA (default ../shared/data)
 *   mvn -q -B -o -pl domain -am test-compile
 *   java -cp "domain/target/test-classes:domain/target/classes:$(cat cp.txt)" \
 *       dev.elmrlaif.domain.movielens.WalsBenchmark real [dimension iterations w0 lambda]
 *   # synthetic ml-25m-size problem: 162,541 users, 62,423 movies, 25M ratings (fraction 1.0)
 *   java -Xmx6g ... WalsBenchmark synthetic [fraction iterations]
 * </pre>
 */
public final class WalsBenchmark {
  private WalsBenchmark() {}

  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "real";
    if (mode.equals("synthetic")) {
      synthetic(
          args.length > 1 ? Double.parseDouble(args[1]) : 1.0,
          args.length > 2 ? Integer.parseInt(args[2]) : 3);
    } else {
      real(args);
    }
  }

  private static void real(String[] args) {
    String root = System.getenv().getOrDefault("RLAIF_DATA", "../shared/data");
    MovieLensData data = MovieLensLoader.load(Path.of(root, "movielens", "ml-latest-small"), null);
    WalsConfig defaults = WalsConfig.defaults();
    WalsConfig config =
        defaults.with(
            b ->
                b.dimension(args.length > 1 ? Integer.parseInt(args[1]) : defaults.dimension())
                    .iterations(args.length > 2 ? Integer.parseInt(args[2]) : defaults.iterations())
                    .unobservedWeight(
                        args.length > 3 ? Double.parseDouble(args[3]) : defaults.unobservedWeight())
                    .regularization(
                        args.length > 4 ? Double.parseDouble(args[4]) : defaults.regularization())
                    .threads(0));
    Split users = Split.random("user", data.userIds().length, 0.1, 42);
    Split movies = Split.random("movie", data.movies().size(), 0.1, 42);
    for (int repeat = 0; repeat < 3; repeat++) {
      long cpuStart = processCpuNanos();
      BehavioralEmbeddings embeddings =
          BehavioralEmbeddings.fit(data.ratings(), users, movies, config, 42);
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      RankingReport report =
          RankingEvaluation.evaluate(data.ratings(), users, movies, embeddings, config, 7);
      System.out.printf(
          Locale.ROOT,
          "%s fit %.2f s wall, %.2f s CPU (fit + fold-in) | %s%n",
          config,
          embeddings.fitSeconds(),
          cpuSeconds,
          report);
    }
  }

  private static void synthetic(double fraction, int iterations) {
    int users = (int) Math.round(162_541 * fraction);
    int movies = (int) Math.round(62_423 * fraction);
    long ratings = Math.round(25_000_095 * fraction);
    int perUser = (int) (ratings / users);
    SplittableRandom random = new SplittableRandom(1);
    // Zipf-like movie popularity: movie m is drawn with probability ~ 1/(m+10)^0.9 (inverse CDF
    // table).
    double[] cumulative = new double[movies];
    double total = 0;
    for (int m = 0; m < movies; m++) {
      total += Math.pow(m + 10, -0.9);
      cumulative[m] = total;
    }
    long startGen = System.nanoTime();
    int[] rowStart = new int[users + 1];
    int[] column = new int[(int) ((long) users * perUser)];
    float[] value = new float[column.length];
    int[] row = new int[perUser];
    int at = 0;
    for (int u = 0; u < users; u++) {
      int filled = 0;
      while (filled < perUser) {
        int m = Arrays.binarySearch(cumulative, random.nextDouble() * total);
        m = m < 0 ? Math.min(movies - 1, -m - 1) : m;
        boolean seen = false;
        for (int i = 0; i < filled && !seen; i++) {
          seen = row[i] == m;
        }
        if (!seen) {
          row[filled++] = m;
        }
      }
      Arrays.sort(row);
      for (int i = 0; i < perUser; i++) {
        column[at] = row[i];
        value[at++] = 0.5f * (1 + random.nextInt(10));
      }
      rowStart[u + 1] = at;
    }
    Interactions matrix = new Interactions("user", "movie", users, movies, rowStart, column, value);
    System.out.printf(
        Locale.ROOT,
        "synthetic: %d users, %d movies, %d ratings (generated in %.1f s)%n",
        users,
        movies,
        matrix.count(),
        (System.nanoTime() - startGen) / 1e9);
    WalsConfig config = WalsConfig.defaults().withIterations(iterations);
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    new WeightedAls(config).fit(matrix, 3);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    // On a shared machine wall time depends on the load; process CPU time does not.
    System.out.printf(
        Locale.ROOT,
        "WALS k=32, %d sweeps: %.1f s wall (%.1f s per sweep), %.1f s CPU (%.1f CPU-s per sweep), %d cores%n",
        iterations,
        seconds,
        seconds / iterations,
        cpuSeconds,
        cpuSeconds / iterations,
        Runtime.getRuntime().availableProcessors());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
