package dev.elmrlaif.rewards.text;

import dev.elmrlaif.rewards.BehavioralConsistencyConfig;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.CandidateConfig;
import dev.elmrlaif.rewards.CandidateSampler;
import dev.elmrlaif.rewards.CompositeConfig;
import dev.elmrlaif.rewards.CompositeReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture.MovieText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The text encoders side by side on the real overviews (docs/benchmarks.md, "Text encoder"):
 *
 * <ol>
 *   <li>discrimination on the 15 % held-out movies ({@link EncoderDiscrimination}): mean cosine of
 *       a movie's first overview half to its own second half and to another movie's, and the share
 *       of movies where the own half wins, for MiniLM full, MiniLM quantized and TF-IDF + SVD
 *       (64-d, as {@code data.semantic_dimension} defaults to, fitted on the 85 % training movies),
 *       with each encoder's texts per second;
 *   <li>the reward path: SC + BC (Spearman over 50 candidates) of 1,000 generated-like texts
 *       (60-word windows of real overview words) through the disk cache of encodings, as the RL
 *       reward and the evaluation see the encoder: cold (a fresh cache: every text through the
 *       transformer), again in the same process (in-memory hits), and from a cache reopened from
 *       disk (a later run), in texts per second.
 * </ol>
 *
 * Run after {@code mvn -q -B -o -pl rewards test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/rewards-cp.txt}: {@code java -cp
 * rewards/target/classes:rewards/target/test-classes:$(cat /tmp/rewards-cp.txt)
 * dev.elmrlaif.rewards.text.EncoderBenchmark}
 */
public final class EncoderBenchmark {

  private static final int TEXTS = 1000;
  private static final int POOL = 500;

  private EncoderBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (!MovieLensFixture.available()) {
      throw new IllegalStateException("the benchmark needs the shared data; see MovieLensFixture");
    }
    System.out.printf(
        "machine: %d processors, load average %.1f%n",
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    EncoderDiscrimination.Split split = EncoderDiscrimination.split();
    int heldOut = split.heldOut().size();

    System.out.println(
        "== discrimination on held-out movies (first half vs own / another movie's second half)");
    long start = System.nanoTime();
    TextEncoder tfidf =
        TfidfSvdTextEncoder.fit(
            split.training().stream().map(MovieText::text).toList(),
            TfidfSvdConfig.builder().dimension(64).build());
    System.out.printf(
        "tfidf fit on %d training overviews: %.1f s%n", split.training().size(), seconds(start));
    report("tfidf (64-d)", tfidf, split, heldOut);
    for (MiniLmTextEncoder.Variant variant : MiniLmTextEncoder.Variant.values()) {
      MiniLmTextEncoder encoder = MiniLmTextEncoder.of(variant);
      start = System.nanoTime();
      encoder.encode("load the model");
      System.out.printf("minilm %s: model loaded in %.1f s%n", variant.label(), seconds(start));
      report("minilm " + variant.label(), encoder, split, heldOut);
    }

    System.out.printf(
        "== reward path: SC + BC (Spearman, 50 candidates) for %d generated-like texts%n", TEXTS);
    List<String> texts = generatedLike(split.training(), TEXTS);
    for (MiniLmTextEncoder.Variant variant : MiniLmTextEncoder.Variant.values()) {
      rewardPath(variant, split.heldOut(), texts);
    }
  }

  private static void report(
      String name, TextEncoder encoder, EncoderDiscrimination.Split split, int count) {
    long start = System.nanoTime();
    EncoderDiscrimination.Result result =
        EncoderDiscrimination.measure(encoder, split.heldOut(), count);
    double seconds = seconds(start);
    System.out.printf(
        "%-18s %s; %d texts in %.1f s (%.0f texts/s)%n",
        name, result, 2 * result.movies(), seconds, 2 * result.movies() / seconds);
  }

  /** 60-word windows of the training overviews' words, as RewardBenchmark makes them. */
  private static List<String> generatedLike(List<MovieText> movies, int count) {
    Random random = new Random(1);
    List<String> words = new ArrayList<>();
    movies.forEach(m -> words.addAll(Arrays.asList(m.text().split("\\s+"))));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int offset = random.nextInt(words.size() - 60);
      texts.add(String.join(" ", words.subList(offset, offset + 60)));
    }
    return texts;
  }

  private static void rewardPath(
      MiniLmTextEncoder.Variant variant, List<MovieText> movies, List<String> texts)
      throws IOException {
    MiniLmTextEncoder minilm = MiniLmTextEncoder.of(variant);
    Path root = Files.createTempDirectory("encoder-benchmark");
    try {
      // candidates: the pool's vectors, as the preparation stores them (not timed)
      List<MovieText> pool = movies.subList(0, Math.min(POOL, movies.size()));
      float[][] poolRows = minilm.encode(pool.stream().map(MovieText::text).toList());
      Map<String, float[]> vectors = new HashMap<>();
      for (int i = 0; i < pool.size(); i++) {
        vectors.put(Integer.toString(pool.get(i).movieId()), poolRows[i]);
      }
      CandidateSampler sampler = new CandidateSampler(vectors, new CandidateConfig(50, 0.5, 3));
      Random random = new Random(2);
      List<RewardContext> contexts = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        MovieText movie = pool.get(random.nextInt(pool.size()));
        String id = Integer.toString(movie.movieId());
        contexts.add(
            RewardContext.builder("movie:" + id)
                .semantic(vectors.get(id), 1.0)
                .candidates(sampler.fromRatings("ctx" + i, Map.of(id, 5.0)))
                .build());
      }

      DiskCachedTextEncoder cold = new DiskCachedTextEncoder(minilm, root);
      double coldSeconds = time(composite(cold), texts, contexts);
      double warmSeconds = time(composite(cold), texts, contexts);
      long start = System.nanoTime();
      DiskCachedTextEncoder reopened = new DiskCachedTextEncoder(minilm, root);
      reopened.size();
      double readSeconds = seconds(start);
      double diskSeconds = time(composite(reopened), texts, contexts) + readSeconds;
      System.out.printf(
          "minilm %-9s cold %.1f s (%.0f texts/s); same process again %.3f s (%.0f texts/s); "
              + "reopened from disk %.3f s (%.0f texts/s, of which reading the cache %.3f s); %d misses, "
              + "then %d disk hits%n",
          variant.label(),
          coldSeconds,
          texts.size() / coldSeconds,
          warmSeconds,
          texts.size() / warmSeconds,
          diskSeconds,
          texts.size() / diskSeconds,
          readSeconds,
          cold.misses(),
          reopened.hits());
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static CompositeReward composite(TextEncoder encoder) {
    return new CompositeReward(
        List.of(
            new CompositeReward.Term("sc", new SemanticConsistencyReward(encoder), 1.0),
            new CompositeReward.Term(
                "bc",
                new BehavioralConsistencyReward(encoder, BehavioralConsistencyConfig.spearman()),
                1.0)),
        CompositeConfig.weightedSum());
  }

  private static double time(
      CompositeReward reward, List<String> texts, List<RewardContext> contexts) {
    long start = System.nanoTime();
    reward.score(texts, contexts);
    return seconds(start);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
