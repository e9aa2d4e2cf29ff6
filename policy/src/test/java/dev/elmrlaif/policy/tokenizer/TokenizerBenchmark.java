package dev.elmrlaif.policy.tokenizer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * Times BPE training on the movie-overview corpus and encoding throughput of both engines, and
 * checks that the engines agree on every overview. Not a test; run with
 *
 * <pre>
 * mvn -q -B -o -pl policy test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/policy-cp.txt
 * java -Dai.djl.offline=true -cp policy/target/test-classes:policy/target/classes:$(cat /tmp/policy-cp.txt) \
 *     dev.elmrlaif.policy.tokenizer.TokenizerBenchmark [overviews.csv] [vocabSize] [repeats]
 * </pre>
 *
 * from the repository root. Defaults: the MovieLens overview corpus under {@code
 * /work/shared/data/derived}, vocabulary 4096, 5 timed repeats (medians reported; encoding gets 3
 * extra warm-up passes).
 */
public final class TokenizerBenchmark {

  private TokenizerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path csv =
        Paths.get(
            args.length > 0 ? args[0] : "/work/shared/data/derived/ml-latest-small_overviews.csv");
    int vocabSize = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<String> overviews = CsvColumnReader.read(csv, "overview");
    long bytes = overviews.stream().mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
    System.out.printf("corpus: %d overviews, %.2f MB UTF-8%n", overviews.size(), bytes / 1e6);

    BpeTrainerConfig config = BpeTrainerConfig.builder().vocabSize(vocabSize).build();
    // Training is single-threaded: its CPU time is a steadier figure than wall time on a shared
    // machine.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] trainSeconds = new double[repeats];
    double[] trainCpuSeconds = new double[repeats];
    BpeModel model = null;
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      long startCpu = threads.getCurrentThreadCpuTime();
      model = new BpeTrainer(config).train(overviews);
      trainSeconds[r] = (System.nanoTime() - start) / 1e9;
      trainCpuSeconds[r] = (threads.getCurrentThreadCpuTime() - startCpu) / 1e9;
    }
    System.out.printf(
        "train to %d tokens (%d merges): wall median %.2f s %s, CPU median %.2f s %s%n",
        model.size(),
        model.merges().size(),
        median(trainSeconds),
        Arrays.toString(trainSeconds),
        median(trainCpuSeconds),
        Arrays.toString(trainCpuSeconds));

    Path folder = Files.createTempDirectory("tokenizer-benchmark");
    try (ElmTokenizer java =
            ElmTokenizer.fromModel(model, config.specialTokens(), ElmTokenizer.Engine.PURE_JAVA);
        ElmTokenizer rust =
            ElmTokenizer.load(
                java.save(folder), config.specialTokens(), ElmTokenizer.Engine.HUGGING_FACE)) {
      long tokens = 0;
      int disagreements = 0;
      for (String overview : overviews) {
        long[] a = java.encode(overview);
        long[] b = rust.encode(overview);
        tokens += a.length;
        disagreements += Arrays.equals(a, b) ? 0 : 1;
        if (!rust.decode(b).equals(overview) || !java.decode(a).equals(overview)) {
          throw new IllegalStateException("round trip failed for: " + overview);
        }
      }
      System.out.printf(
          "tokens: %d (%.2f bytes/token), engines disagree on %d of %d overviews%n",
          tokens, bytes / (double) tokens, disagreements, overviews.size());
      for (ElmTokenizer tokenizer : List.of(java, rust)) {
        double[] seconds = new double[repeats + 3];
        for (int r = 0; r < seconds.length; r++) {
          long start = System.nanoTime();
          long count = 0;
          for (String overview : overviews) {
            count += tokenizer.encode(overview).length;
          }
          seconds[r] = (System.nanoTime() - start) / 1e9;
          if (count != tokens) {
            throw new IllegalStateException("token count changed between runs");
          }
        }
        double[] timed = Arrays.copyOfRange(seconds, 3, seconds.length);
        double t = median(timed);
        System.out.printf(
            "encode %-12s one text at a time: median %.3f s = %.0f tokens/s, %.1f MB/s%n",
            tokenizer.engine(), t, tokens / t, bytes / 1e6 / t);
        long[][] allIds = overviews.stream().map(tokenizer::encode).toArray(long[][]::new);
        double[] decodeSeconds = new double[repeats + 3];
        for (int r = 0; r < decodeSeconds.length; r++) {
          long start = System.nanoTime();
          for (long[] ids : allIds) {
            tokenizer.decode(ids);
          }
          decodeSeconds[r] = (System.nanoTime() - start) / 1e9;
        }
        double d = median(Arrays.copyOfRange(decodeSeconds, 3, decodeSeconds.length));
        System.out.printf(
            "decode %-12s one text at a time: median %.3f s = %.0f tokens/s%n",
            tokenizer.engine(), d, tokens / d);
        long start = System.nanoTime();
        EncodedBatch batch = tokenizer.encodeBatch(overviews, 256, EncodedBatch.PaddingSide.RIGHT);
        double batchSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "encodeBatch %-12s all overviews, length 256: %.3f s (%d truncated)%n",
            tokenizer.engine(), batchSeconds, batch.truncated());
      }
    } finally {
      Files.deleteIfExists(folder.resolve(TokenizerJson.FILE_NAME));
      Files.deleteIfExists(folder);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
