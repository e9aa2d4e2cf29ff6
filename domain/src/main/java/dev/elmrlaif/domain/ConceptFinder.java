package dev.elmrlaif.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * Finds concept activation vectors (DESIGN.md §6): for a concept given as a set of entities that
 * carry it (a tag's movies), an L2-regularised, class-balanced logistic regression in one embedding
 * space separates carriers from the rest. The unit normal {@code w/|w|} of its hyperplane is the
 * direction; its balanced accuracy on a seeded validation share of the entities, which the fit
 * never sees, is the reported held-out accuracy. Only entities passed in as candidates (the
 * training split) are ever read.
 *
 * <p>The fit is Newton's method on {@code L(w,b) = Σ_i c_i·log(1 + exp(−s_i(w·x_i + b))) +
 * ½·l2·|w|²}, {@code s_i = ±1}, with class weights {@code c_i} making both classes weigh the same
 * in total; each step solves {@code H δ = g} by Commons Math's Cholesky factorisation.
 */
public final class ConceptFinder {
  private static final int NEWTON_STEPS = 25;

  /** Most negatives a fit reads; more add cost but little accuracy for a linear direction. */
  private static final int MAX_NEGATIVES = 2000;

  private final double l2;
  private final double validationFraction;

  /**
   * @param l2 the L2 penalty on the direction (not the bias)
   * @param validationFraction share of positives and of negatives kept out of the fit for the
   *     accuracy
   */
  public ConceptFinder(double l2, double validationFraction) {
    if (!(l2 > 0)) {
      throw new IllegalArgumentException("concept l2 must be > 0, found " + l2);
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "concept validation fraction must be in (0, 1), found " + validationFraction);
    }
    this.l2 = l2;
    this.validationFraction = validationFraction;
  }

  /**
   * One concept per entry of {@code carriers} with at least {@code minPositives} carriers among
   * {@code candidates}; entities outside {@code candidates} are ignored entirely.
   */
  public List<Concept> findAll(
      EmbeddingSpace space,
      Map<String, int[]> carriers,
      int[] candidates,
      int minPositives,
      long seed) {
    boolean[] isCandidate = new boolean[space.size()];
    for (int c : candidates) {
      isCandidate[c] = true;
    }
    List<Map.Entry<String, int[]>> entries = new ArrayList<>(carriers.entrySet());
    // concepts are independent and each is seeded by its name, so the parallel result is
    // deterministic
    return entries.parallelStream()
        .map(
            entry -> {
              boolean[] label = new boolean[space.size()];
              int positives = 0;
              for (int e : entry.getValue()) {
                if (isCandidate[e] && !label[e]) {
                  label[e] = true;
                  positives++;
                }
              }
              return positives >= minPositives && positives < candidates.length
                  ? fit(entry.getKey(), space, candidates, label, seed ^ entry.getKey().hashCode())
                  : null;
            })
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** Fits one concept on {@code candidates} of {@code space}, {@code label[e]} marking carriers. */
  public Concept fit(
      String name, EmbeddingSpace space, int[] candidates, boolean[] label, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Integer> fitPositive = new ArrayList<>();
    List<Integer> fitNegative = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (int e : candidates) {
      if (random.nextDouble() < validationFraction) {
        validation.add(e);
      } else if (label[e]) {
        fitPositive.add(e);
      } else {
        fitNegative.add(e);
      }
    }
    if (fitPositive.isEmpty() || fitNegative.isEmpty()) {
      // too few carriers for a split: fit on everything, report the training accuracy instead
      fitPositive.clear();
      fitNegative.clear();
      for (int e : candidates) {
        (label[e] ? fitPositive : fitNegative).add(e);
      }
      validation.clear();
      for (int e : candidates) {
        validation.add(e);
      }
    }
    if (fitNegative.size() > MAX_NEGATIVES) {
      // a seeded subsample of the (usually far more numerous) negatives; class weights keep the
      // balance
      java.util.Collections.shuffle(fitNegative, new java.util.Random(random.nextLong()));
      fitNegative.subList(MAX_NEGATIVES, fitNegative.size()).clear();
    }
    double[] weights = logisticRegression(space, fitPositive, fitNegative);
    int k = space.dimension();
    double norm = 0;
    for (int d = 0; d < k; d++) {
      norm += weights[d] * weights[d];
    }
    norm = Math.sqrt(norm);
    float[] direction = new float[k];
    for (int d = 0; d < k; d++) {
      direction[d] = (float) (norm > 0 ? weights[d] / norm : 0);
    }
    double[] correct = new double[2];
    double[] total = new double[2];
    for (int e : validation) {
      int cls = label[e] ? 1 : 0;
      boolean predicted = margin(space, e, weights) > 0;
      total[cls]++;
      correct[cls] += predicted == label[e] ? 1 : 0;
    }
    double balanced = 0;
    int classes = 0;
    for (int cls = 0; cls < 2; cls++) {
      if (total[cls] > 0) {
        balanced += correct[cls] / total[cls];
        classes++;
      }
    }
    int[] carriers = java.util.Arrays.stream(candidates).filter(e -> label[e]).sorted().toArray();
    return new Concept(
        name,
        space.name(),
        direction,
        carriers.length,
        classes == 0 ? 0 : balanced / classes,
        space.entityKind(),
        carriers);
  }

  /**
   * Samples whose Hessian terms are added to {@code H} together (see {@link
   * #addWeightedOuterProducts}).
   */
  private static final int HESSIAN_BLOCK = 8;

  /** Newton's method for the class-balanced L2 logistic regression; returns w (k values) then b. */
  private double[] logisticRegression(
      EmbeddingSpace space, List<Integer> positive, List<Integer> negative) {
    int k = space.dimension();
    int p = k + 1;
    // the fit set once: rows x_i = (embedding, 1), signs s_i = ±1 and class weights c_i
    int n = positive.size() + negative.size();
    double[][] x = new double[n][p];
    double[] sign = new double[n];
    double[] classWeight = new double[n];
    double positiveWeight = 0.5 * n / positive.size();
    double negativeWeight = 0.5 * n / negative.size();
    float[] data = space.rawData();
    for (int i = 0; i < n; i++) {
      boolean isPositive = i < positive.size();
      int e = isPositive ? positive.get(i) : negative.get(i - positive.size());
      for (int d = 0; d < k; d++) {
        x[i][d] = data[e * k + d];
      }
      x[i][k] = 1;
      sign[i] = isPositive ? 1 : -1;
      classWeight[i] = isPositive ? positiveWeight : negativeWeight;
    }
    double[] theta = new double[p];
    double[] curvature = new double[n];
    for (int step = 0; step < NEWTON_STEPS; step++) {
      // gradient g = Σ_i −c_i s_i (1 − σ(s_i z_i)) x_i + l2·w,  Hessian H = Σ_i c_i σ(1 − σ) x_i
      // x_iᵀ + l2·I_w
      double[] gradient = new double[p];
      for (int i = 0; i < n; i++) {
        double z = 0;
        for (int d = 0; d < p; d++) {
          z += theta[d] * x[i][d];
        }
        double probability = 1 / (1 + Math.exp(-sign[i] * z)); // of the true class
        double g = -classWeight[i] * sign[i] * (1 - probability);
        curvature[i] = classWeight[i] * probability * (1 - probability);
        for (int d = 0; d < p; d++) {
          gradient[d] += g * x[i][d];
        }
      }
      double[] hessian = new double[p * p];
      addWeightedOuterProducts(x, curvature, hessian, p);
      for (int d = 0; d < k; d++) {
        gradient[d] += l2 * theta[d];
        hessian[d * p + d] += l2;
      }
      hessian[k * p + k] += 1e-9;
      double[] delta = solveSymmetric(hessian, gradient, p);
      double change = 0;
      for (int d = 0; d < p; d++) {
        theta[d] -= delta[d];
        change = Math.max(change, Math.abs(delta[d]));
      }
      if (change < 1e-8) {
        break;
      }
    }
    return theta;
  }

  /**
   * {@code H⁻¹ g} for the symmetric positive-definite {@code H} whose lower triangle (row-major
   * {@code p × p}) is {@code lower}: the Newton step.
   *
   * @throws ArithmeticException if H is not positive definite
   */
  private static double[] solveSymmetric(double[] lower, double[] g, int p) {
    double[][] h = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j <= i; j++) {
        h[i][j] = lower[i * p + j];
        h[j][i] = lower[i * p + j];
      }
    }
    try {
      // a pivot is refused only when not positive, as the fit's regularization guarantees one in
      // exact arithmetic
      return new CholeskyDecomposition(
              new Array2DRowRealMatrix(h, false),
              CholeskyDecomposition.DEFAULT_RELATIVE_SYMMETRY_THRESHOLD,
              0.0)
          .getSolver()
          .solve(new ArrayRealVector(g, false))
          .toArray();
    } catch (NonPositiveDefiniteMatrixException e) {
      throw new ArithmeticException(
          "concept Hessian is not positive definite ("
              + e.getMessage()
              + "); increase data.concepts.l2");
    }
  }

  /**
   * The lower triangle of {@code Σ_i h_i x_i x_iᵀ} into {@code hessian} (row-major {@code p × p}),
   * {@link #HESSIAN_BLOCK} samples at a time: each row of the triangle is read and written once per
   * block rather than once per sample. At p = 385 (MiniLM's 384 dimensions and the bias) the
   * triangle is 590 KB and does not stay in cache, so the per-sample update was bound by memory
   * traffic.
   */
  private static void addWeightedOuterProducts(double[][] x, double[] h, double[] hessian, int p) {
    int n = x.length;
    double[] coefficient = new double[HESSIAN_BLOCK];
    for (int start = 0; start < n; start += HESSIAN_BLOCK) {
      int size = Math.min(HESSIAN_BLOCK, n - start);
      for (int a = 0; a < p; a++) {
        for (int j = 0; j < size; j++) {
          coefficient[j] = h[start + j] * x[start + j][a];
        }
        int row = a * p;
        if (size == HESSIAN_BLOCK) {
          double[] x0 = x[start];
          double[] x1 = x[start + 1];
          double[] x2 = x[start + 2];
          double[] x3 = x[start + 3];
          double[] x4 = x[start + 4];
          double[] x5 = x[start + 5];
          double[] x6 = x[start + 6];
          double[] x7 = x[start + 7];
          double c0 = coefficient[0];
          double c1 = coefficient[1];
          double c2 = coefficient[2];
          double c3 = coefficient[3];
          double c4 = coefficient[4];
          double c5 = coefficient[5];
          double c6 = coefficient[6];
          double c7 = coefficient[7];
          for (int b = 0; b <= a; b++) {
            hessian[row + b] +=
                c0 * x0[b]
                    + c1 * x1[b]
                    + c2 * x2[b]
                    + c3 * x3[b]
                    + c4 * x4[b]
                    + c5 * x5[b]
                    + c6 * x6[b]
                    + c7 * x7[b];
          }
        } else {
          for (int j = 0; j < size; j++) {
            double[] xj = x[start + j];
            double c = coefficient[j];
            for (int b = 0; b <= a; b++) {
              hessian[row + b] += c * xj[b];
            }
          }
        }
      }
    }
  }

  private static double margin(EmbeddingSpace space, int e, double[] theta) {
    int k = space.dimension();
    float[] data = space.rawData();
    double z = theta[k];
    for (int d = 0; d < k; d++) {
      z += theta[d] * data[e * k + d];
    }
    return z;
  }
}
