package dev.elmrlaif.rewards;

import com.sun.management.OperatingSystemMXBean;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture.MovieText;
import dev.elmrlaif.rewards.text.TfidfSvdConfig;
import dev.elmrlaif.rewards.text.TfidfSvdTextEncoder;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Speed of the text encoder and of the consistency rewards on the real overviews: fitting the
 * TF-IDF/SVD encoder on every overview, encoding 1,000 texts of 60 words, and scoring 1,000 texts
 * of 60 words with a composite of SC and BC (50 candidates each). Prints the median of 7 timed runs
 * after 3 warm-ups; the fit is timed three times, in wall-clock and in process CPU time (steadier
 * on a shared machine).
 *
 * <p>Run after {@code mvn -q -B -o -pl rewards test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/rewards-cp.txt}: {@code java -cp
 * rewards/target/classes:rewards/target/test-classes:$(cat /tmp/rewards-cp.txt)
 * dev.elmrlaif.rewards.RewardBenchmark}
 */
public final class RewardBenchmark {

  private static final OperatingSystemMXBean PROCESS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private RewardBenchmark() {}

  public static void main(String[] args) {
    if (!MovieLensFixture.available()) {
      throw new IllegalStateException("the benchmark needs the shared data; see MovieLensFixture");
    }
    List<MovieText> movies = MovieLensFixture.movieTexts();
    List<String> corpus = movies.stream().map(MovieText::text).toList();

    double[] fitMs = new double[3];
    double[] fitCpuMs = new double[3];
    TfidfSvdTextEncoder encoder = null;
    for (int run = 0; run < fitMs.length; run++) {
      long start = System.nanoTime();
      long cpuStart = PROCESS.getProcessCpuTime();
      encoder = TfidfSvdTextEncoder.fit(corpus, TfidfSvdConfig.defaults());
      fitMs[run] = Math.round((System.nanoTime() - start) / 1e6);
      fitCpuMs[run] = Math.round((PROCESS.getProcessCpuTime() - cpuStart) / 1e6);
    }
    System.out.printf(
        "fit on %d overviews (k=%d): wall %s ms, process CPU %s ms (the first run includes JIT)%n",
        corpus.size(), encoder.dimension(), Arrays.toString(fitMs), Arrays.toString(fitCpuMs));

    Random random = new Random(1);
    List<String> allWords = new ArrayList<>();
    corpus.forEach(text -> allWords.addAll(Arrays.asList(text.split("\\s+"))));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      StringBuilder text = new StringBuilder();
      int offset = random.nextInt(allWords.size() - 60);
      for (int w = 0; w < 60; w++) {
        text.append(allWords.get(offset + w)).append(' ');
      }
      texts.add(text.toString());
    }
    TfidfSvdTextEncoder fitted = encoder;
    System.out.printf(
        "encode 1,000 texts of 60 words: median %.1f ms%n", median(() -> fitted.encode(texts)));

    Map<String, float[]> pool = new HashMap<>();
    for (MovieText movie : movies) {
      pool.put(Integer.toString(movie.movieId()), encoder.encode(movie.text()));
    }
    CandidateSampler sampler = new CandidateSampler(pool, new CandidateConfig(50, 0.5, 3));
    List<RewardContext> contexts = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      MovieText movie = movies.get(random.nextInt(movies.size()));
      Map<String, Double> ratings = Map.of(Integer.toString(movie.movieId()), 5.0);
      contexts.add(
          RewardContext.builder("movie:" + movie.movieId())
              .semantic(pool.get(Integer.toString(movie.movieId())), 1.0)
              .candidates(sampler.fromRatings("ctx" + i, ratings))
              .build());
    }
    CompositeReward reward =
        new CompositeReward(
            List.of(
                new CompositeReward.Term("sc", new SemanticConsistencyReward(encoder), 1.0),
                new CompositeReward.Term(
                    "bc",
                    new BehavioralConsistencyReward(
                        encoder, BehavioralConsistencyConfig.spearman()),
                    1.0)),
            CompositeConfig.weightedSum());
    System.out.printf(
        "SC + BC (Spearman, 50 candidates) for 1,000 texts of 60 words: median %.1f ms%n",
        median(() -> reward.score(texts, contexts)));
  }

  private static double median(Runnable task) {
    for (int i = 0; i < 3; i++) {
      task.run();
    }
    double[] ms = new double[7];
    for (int i = 0; i < ms.length; i++) {
      long start = System.nanoTime();
      task.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }
}
