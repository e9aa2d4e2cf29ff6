package dev.elmrlaif.rlaif.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Finds concept activation vectors (DESIGN.md §6): for a concept given as a set of entities that
 * carry it (a tag's movies), an L2-regularised, class-balanced logistic regression in one embedding
 * space separates carriers from the rest. The unit normal {@code w/|w|} of its hyperplane is the
 * direction; its balanced accuracy on a seeded validation share of the entities, which the fit never
 * sees, is the reported held-out accuracy. Only entities passed in as candidates (the training split)
 * are ever read.
 *
 * <p>The fit is Newton's method on
 * {@code L(w,b) = Σ_i c_i·log(1 + exp(−s_i(w·x_i + b))) + ½·l2·|w|²}, {@code s_i = ±1}, with class
 * weights {@code c_i} making both classes weigh the same in total.
 */
public final class ConceptFinder {
  private static final int NEWTON_STEPS = 25;
  /** Most negatives a fit reads; more add cost but little accuracy for a linear direction. */
  private static final int MAX_NEGATIVES = 2000;

  private final double l2;
  private final double validationFraction;

  /**
   * @param l2 the L2 penalty on the direction (not the bias)
   * @param validationFraction share of positives and of negatives kept out of the fit for the accuracy
   */
  public ConceptFinder(double l2, double validationFraction) {
    if (!(l2 > 0)) {
      throw new IllegalArgumentException("concept l2 must be > 0, found " + l2);
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("concept validation fraction must be in (0, 1), found " + validationFraction);
    }
    this.l2 = l2;
    this.validationFraction = validationFraction;
  }

  /**
   * One concept per entry of {@code carriers} with at least {@code minPositives} carriers among
   * {@code candidates}; entities outside {@code candidates} are ignored entirely.
   */
  public List<Concept> findAll(
      EmbeddingSpace space, Map<String, int[]> carriers, int[] candidates, int minPositives, long seed) {
    boolean[] isCandidate = new boolean[space.size()];
    for (int c : candidates) {
      isCandidate[c] = true;
    }
    List<Map.Entry<String, int[]>> entries = new ArrayList<>(carriers.entrySet());
    // concepts are independent and each is seeded by its name, so the parallel result is deterministic
    return entries.parallelStream()
        .map(entry -> {
          boolean[] label = new boolean[space.size()];
          int positives = 0;
          for (int e : entry.getValue()) {
            if (isCandidate[e] && !label[e]) {
              label[e] = true;
              positives++;
            }
          }
          return positives >= minPositives && positives < candidates.length
              ? fit(entry.getKey(), space, candidates, label, seed ^ entry.getKey().hashCode()) : null;
        })
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** Fits one concept on {@code candidates} of {@code space}, {@code label[e]} marking carriers. */
  public Concept fit(String name, EmbeddingSpace space, int[] candidates, boolean[] label, long seed) {
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
      // a seeded subsample of the (usually far more numerous) negatives; class weights keep the balance
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
    int positives = 0;
    for (int e : candidates) {
      positives += label[e] ? 1 : 0;
    }
    return new Concept(name, space.name(), direction, positives, classes == 0 ? 0 : balanced / classes);
  }

  /** Newton's method for the class-balanced L2 logistic regression; returns w (k values) then b. */
  private double[] logisticRegression(EmbeddingSpace space, List<Integer> positive, List<Integer> negative) {
    int k = space.dimension();
    int p = k + 1;
    double[] theta = new double[p];
    double positiveWeight = 0.5 * (positive.size() + negative.size()) / positive.size();
    double negativeWeight = 0.5 * (positive.size() + negative.size()) / negative.size();
    double[] x = new double[p];
    for (int step = 0; step < NEWTON_STEPS; step++) {
      double[] gradient = new double[p];
      double[] hessian = new double[p * p];
      for (int cls = 0; cls < 2; cls++) {
        List<Integer> members = cls == 1 ? positive : negative;
        double weight = cls == 1 ? positiveWeight : negativeWeight;
        double sign = cls == 1 ? 1 : -1;
        for (int e : members) {
          float[] data = space.rawData();
          for (int d = 0; d < k; d++) {
            x[d] = data[e * k + d];
          }
          x[k] = 1;
          double z = 0;
          for (int d = 0; d < p; d++) {
            z += theta[d] * x[d];
          }
          double probability = 1 / (1 + Math.exp(-sign * z)); // of the true class
          double g = -weight * sign * (1 - probability);
          double h = weight * probability * (1 - probability);
          for (int a = 0; a < p; a++) {
            gradient[a] += g * x[a];
            double hx = h * x[a];
            for (int b = 0; b <= a; b++) {
              hessian[a * p + b] += hx * x[b];
            }
          }
        }
      }
      for (int d = 0; d < k; d++) {
        gradient[d] += l2 * theta[d];
        hessian[d * p + d] += l2;
      }
      hessian[k * p + k] += 1e-9;
      double[] delta = gradient.clone();
      Cholesky.solveInPlace(hessian, delta, p);
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
