package dev.elmrlaif.domain.movielens;

import dev.elmrlaif.domain.Cholesky;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.config.WalsConfig;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Weighted alternating least squares (Hu, Koren & Volinsky 2008; DESIGN.md §6) on a sparse rows ×
 * columns matrix R. It minimises
 *
 * <pre>
 *   Σ_(u,i) observed (r_ui − x_u·y_i)²  +  w0 · Σ_(u,i) unobserved (x_u·y_i)²  +  λ (Σ|x_u|² + Σ|y_i|²)
 * </pre>
 *
 * by alternating exact solves. With the other side fixed, each row's vector solves
 *
 * <pre>
 *   (w0·YᵀY + (1 − w0)·Σ_(i∈obs(u)) y_i y_iᵀ + λI) x_u = Σ_(i∈obs(u)) r_ui y_i
 * </pre>
 *
 * The Gram matrix {@code YᵀY} is computed once per sweep, so a row costs O(|obs(u)|·k² + k³) and no
 * dense rows × columns matrix is ever formed. Rows are solved in parallel, each with a small
 * Cholesky factorisation on plain {@code double[]} arrays. Factors are row-major {@code double[]}.
 */
public final class WeightedAls {
  private static final Logger LOG = LogManager.getLogger(WeightedAls.class);
  private static final int ROWS_PER_TASK = 64;

  private final WalsConfig config;

  public WeightedAls(WalsConfig config) {
    this.config = config;
  }

  /** Fitted factors: {@code rowFactors[u·k .. u·k+k)} is row u's vector; likewise for columns. */
  public record Factors(int dimension, double[] rowFactors, double[] columnFactors) {
    /** The predicted value x_u · y_i. */
    public double score(int row, int column) {
      double s = 0;
      for (int d = 0; d < dimension; d++) {
        s += rowFactors[row * dimension + d] * columnFactors[column * dimension + d];
      }
      return s;
    }
  }

  /**
   * Fits both factor matrices to {@code ratings}, starting from small random columns drawn by
   * {@code seed}.
   */
  public Factors fit(Interactions ratings, long seed) {
    int k = config.dimension();
    double[] columns = new double[ratings.columns() * k];
    SplittableRandom random = new SplittableRandom(seed);
    double scale = 0.1 / Math.sqrt(k);
    for (int i = 0; i < columns.length; i++) {
      columns[i] = scale * gaussian(random);
    }
    Interactions transposed = ratings.transpose();
    double[] rows = null;
    for (int iteration = 0; iteration < config.iterations(); iteration++) {
      long start = System.nanoTime();
      rows = solveRows(ratings, columns);
      columns = solveRows(transposed, rows);
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "WALS sweep {}/{}: loss {} ({} ms)",
            iteration + 1,
            config.iterations(),
            loss(ratings, new Factors(k, rows, columns)),
            (System.nanoTime() - start) / 1_000_000);
      }
    }
    return new Factors(k, rows, columns);
  }

  /**
   * Solves every row's vector of {@code matrix} with the column factors {@code fixed} held fixed.
   * This is one half-sweep of the fit, and also the fold-in of entities that were not fitted on
   * (held-out users against the trained movie factors).
   */
  public double[] solveRows(Interactions matrix, double[] fixed) {
    int k = config.dimension();
    double[] gram = gram(fixed, matrix.columns(), k);
    double[] result = new double[matrix.rows() * k];
    int tasks = (matrix.rows() + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    runParallel(
        () ->
            IntStream.range(0, tasks)
                .parallel()
                .forEach(
                    t -> {
                      double[] a = new double[k * k];
                      double[] b = new double[k];
                      int end = Math.min(matrix.rows(), (t + 1) * ROWS_PER_TASK);
                      for (int row = t * ROWS_PER_TASK; row < end; row++) {
                        solveRow(matrix, row, fixed, gram, a, b);
                        System.arraycopy(b, 0, result, row * k, k);
                      }
                    }));
    return result;
  }

  /** The objective above, summed exactly with the Gram trick (for monitoring and tests). */
  public double loss(Interactions ratings, Factors f) {
    int k = f.dimension();
    double w0 = config.unobservedWeight();
    double[] gramColumns = gram(f.columnFactors(), ratings.columns(), k);
    double total = 0;
    for (int u = 0; u < ratings.rows(); u++) {
      // w0 Σ_all (x·y)² = w0 xᵀ(YᵀY)x ; then correct the observed entries.
      double quadratic = 0;
      for (int p = 0; p < k; p++) {
        double xp = f.rowFactors()[u * k + p];
        for (int q = 0; q < k; q++) {
          quadratic += xp * gramColumns[p * k + q] * f.rowFactors()[u * k + q];
        }
      }
      total += w0 * quadratic;
      for (int at = ratings.rowStart()[u]; at < ratings.rowStart()[u + 1]; at++) {
        double prediction = f.score(u, ratings.column()[at]);
        double error = ratings.value()[at] - prediction;
        total += error * error - w0 * prediction * prediction;
      }
    }
    total +=
        config.regularization() * (sumOfSquares(f.rowFactors()) + sumOfSquares(f.columnFactors()));
    return total;
  }

  private void solveRow(
      Interactions matrix, int row, double[] fixed, double[] gram, double[] a, double[] b) {
    int k = config.dimension();
    double w0 = config.unobservedWeight();
    double observedExtra = 1.0 - w0;
    for (int p = 0; p < k * k; p++) {
      a[p] = w0 * gram[p];
    }
    for (int p = 0; p < k; p++) {
      a[p * k + p] += config.regularization();
      b[p] = 0;
    }
    int[] columns = matrix.column();
    float[] values = matrix.value();
    int at = matrix.rowStart()[row];
    int end = matrix.rowStart()[row + 1];
    // Four observed entries at a time: each pass over the lower triangle of A then does four
    // multiply-adds per load and store of A, which is where the time goes on large data.
    for (; at + 3 < end; at += 4) {
      int o0 = columns[at] * k;
      int o1 = columns[at + 1] * k;
      int o2 = columns[at + 2] * k;
      int o3 = columns[at + 3] * k;
      double r0 = values[at];
      double r1 = values[at + 1];
      double r2 = values[at + 2];
      double r3 = values[at + 3];
      for (int p = 0; p < k; p++) {
        double y0 = fixed[o0 + p];
        double y1 = fixed[o1 + p];
        double y2 = fixed[o2 + p];
        double y3 = fixed[o3 + p];
        b[p] += r0 * y0 + r1 * y1 + r2 * y2 + r3 * y3;
        double s0 = observedExtra * y0;
        double s1 = observedExtra * y1;
        double s2 = observedExtra * y2;
        double s3 = observedExtra * y3;
        int rowOffset = p * k;
        for (int q = 0; q <= p; q++) {
          a[rowOffset + q] +=
              s0 * fixed[o0 + q] + s1 * fixed[o1 + q] + s2 * fixed[o2 + q] + s3 * fixed[o3 + q];
        }
      }
    }
    for (; at < end; at++) {
      int offset = columns[at] * k;
      double r = values[at];
      for (int p = 0; p < k; p++) {
        double yp = fixed[offset + p];
        b[p] += r * yp;
        double scaled = observedExtra * yp;
        int rowOffset = p * k;
        for (int q = 0; q <= p; q++) {
          a[rowOffset + q] += scaled * fixed[offset + q];
        }
      }
    }
    Cholesky.solveInPlace(a, b, k);
  }

  /** YᵀY for the row-major n × k matrix {@code factors}, summed in parallel chunks. */
  private double[] gram(double[] factors, int n, int k) {
    int chunks = Math.max(1, Math.min(64, n / 256));
    double[][] partial = new double[chunks][];
    runParallel(
        () ->
            IntStream.range(0, chunks)
                .parallel()
                .forEach(
                    c -> {
                      double[] g = new double[k * k];
                      int from = (int) ((long) n * c / chunks);
                      int to = (int) ((long) n * (c + 1) / chunks);
                      for (int i = from; i < to; i++) {
                        int offset = i * k;
                        for (int p = 0; p < k; p++) {
                          double yp = factors[offset + p];
                          for (int q = 0; q <= p; q++) {
                            g[p * k + q] += yp * factors[offset + q];
                          }
                        }
                      }
                      partial[c] = g;
                    }));
    double[] gram = new double[k * k];
    for (double[] g : partial) {
      for (int p = 0; p < k; p++) {
        for (int q = 0; q <= p; q++) {
          gram[p * k + q] += g[p * k + q];
        }
      }
    }
    for (int p = 0; p < k; p++) {
      for (int q = 0; q < p; q++) {
        gram[q * k + p] = gram[p * k + q];
      }
    }
    return gram;
  }

  private void runParallel(Runnable work) {
    if (config.threads() == 0) {
      work.run();
      return;
    }
    ForkJoinPool pool = new ForkJoinPool(config.threads());
    try {
      pool.submit(work).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("WALS interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("WALS worker failed", e.getCause());
    } finally {
      pool.shutdown();
    }
  }

  private static double sumOfSquares(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v * v;
    }
    return s;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
