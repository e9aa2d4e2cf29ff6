package dev.elmrlaif.algorithms.synthetic;

import java.util.Arrays;

/**
 * How long the exact computations take at the largest allowed size (vocab 8, horizon 5: 19,608
 * sequences, 2,801 prefixes) and at the default size. Not a test; run after {@code mvn -q -B -o -pl
 * algorithms -am test-compile} with
 *
 * <pre>
 * java -cp algorithms/target/classes:algorithms/target/test-classes:$(cat /tmp/rlaif.cp) \
 *   dev.elmrlaif.algorithms.synthetic.SyntheticCoMdpBenchmark
 * </pre>
 *
 * ({@code /tmp/rlaif.cp} from {@code mvn -q -B -o -pl algorithms dependency:build-classpath
 * -Dmdep.outputFile=/tmp/rlaif.cp}). Prints medians of 5 runs after 3 warm-ups.
 */
public final class SyntheticCoMdpBenchmark {
  private SyntheticCoMdpBenchmark() {}

  public static void main(String[] args) {
    for (SyntheticConfig config :
        new SyntheticConfig[] {
          SyntheticConfig.defaults(),
          SyntheticConfig.defaults().with(b -> b.vocabSize(8).horizon(5))
        }) {
      double[] build = new double[5];
      double[] optimum = new double[5];
      double[] objective = new double[5];
      double[] gradient = new double[5];
      SyntheticCoMdp comdp = null;
      for (int rep = -3; rep < 5; rep++) {
        long t0 = System.nanoTime();
        comdp = SyntheticCoMdp.from(config);
        long t1 = System.nanoTime();
        TabularPolicy optimal = comdp.optimalPolicy();
        long t2 = System.nanoTime();
        double j = comdp.objective(comdp.reference()) + comdp.totalVariationToOptimal(optimal);
        long t3 = System.nanoTime();
        int size = comdp.objectiveGradient(comdp.reference()).size();
        long t4 = System.nanoTime();
        if (Double.isNaN(j) || size == 0) {
          throw new IllegalStateException("degenerate problem");
        }
        if (rep >= 0) {
          build[rep] = (t1 - t0) / 1e6;
          optimum[rep] = (t2 - t1) / 1e6;
          objective[rep] = (t3 - t2) / 1e6;
          gradient[rep] = (t4 - t3) / 1e6;
        }
      }
      System.out.printf(
          "vocab %d horizon %d (%,d sequences, %,d prefixes): build %.1f ms | soft-Bellman"
              + " optimum %.1f ms | J + TV %.1f ms | exact gradient %.1f ms%n",
          config.vocabSize(),
          config.horizon(),
          comdp.mdp().sequences().size(),
          comdp.mdp().states().size(),
          median(build),
          median(optimum),
          median(objective),
          median(gradient));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
