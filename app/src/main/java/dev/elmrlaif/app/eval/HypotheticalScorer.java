package dev.elmrlaif.app.eval;

import dev.elmrlaif.algorithms.config.EvalConfig;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.RewardTargets;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.rewards.BehavioralConsistencyConfig;
import dev.elmrlaif.rewards.BehavioralConsistencyReward;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.SemanticConsistencyReward;
import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.text.CachingTextEncoder;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TextEncoders;
import java.util.ArrayList;
import java.util.List;

/**
 * What the experiments on hypothetical vectors share: the vectors themselves (DESIGN.md §1: an
 * interpolation {@code (1-a)·e1 + a·e2}, a concept shift {@code e + s·cav}), their SC/BC targets
 * ({@link RewardTargets}, the evaluation's, with candidates from every entity as in {@link
 * ConsistencyEvaluator}), the scores of texts against them, the nearest-neighbour-text baseline and
 * curves whose points carry {@link Bootstrap} intervals. One encoder (cached: the baselines repeat
 * texts) serves every score.
 */
final class HypotheticalScorer {
  /** Which consistency a curve reports. */
  enum Metric {
    SC,
    BC;

    String label() {
      return this == SC ? "semantic consistency (SC)" : "behavioral consistency (BC)";
    }
  }

  private final PreparedData data;
  private final TextEncoder encoder;
  private final SemanticConsistencyReward semantic;
  private final BehavioralConsistencyReward behavioral;
  private final RewardTargets targets;
  private final Bootstrap bootstrap;

  HypotheticalScorer(
      PreparedData data, int bcCandidates, double bcRatedFraction, Bootstrap bootstrap, long seed) {
    this.data = data;
    this.encoder = new CachingTextEncoder(TextEncoders.withoutWrites(data.textEncoder()), 16384);
    this.semantic = new SemanticConsistencyReward(encoder);
    this.behavioral =
        new BehavioralConsistencyReward(encoder, BehavioralConsistencyConfig.spearman());
    this.targets =
        new RewardTargets(
            data,
            encoder,
            RewardTargets.CandidatePool.ALL_ENTITIES,
            bcCandidates,
            bcRatedFraction,
            seed);
    this.bootstrap = bootstrap;
  }

  RewardTargets targets() {
    return targets;
  }

  /**
   * The evaluation's decoding ({@code eval.temperature}, {@code top_k}, {@code top_p}, {@code
   * best_of}) with these targets and this encoder: best-of-N keeps the sample that scores best
   * against the hypothetical vector itself, as the evaluation keeps the best against a real one.
   */
  HeldOutDecoding decoding(EvalConfig config) {
    return HeldOutDecoding.of(config, targets, encoder);
  }

  TextEncoder encoder() {
    return encoder;
  }

  Bootstrap bootstrap() {
    return bootstrap;
  }

  /**
   * {@code (1-a)·e1 + a·e2}, computed in double: exactly {@code e1} at a = 0 and {@code e2} at 1.
   */
  static float[] mix(float[] e1, float[] e2, double a) {
    float[] v = new float[e1.length];
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) ((1 - a) * e1[d] + a * e2[d]);
    }
    return v;
  }

  /** {@code e + s·direction}: exactly {@code e} at s = 0. */
  static float[] shift(float[] e, float[] direction, double s) {
    float[] v = new float[e.length];
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) (e[d] + s * direction[d]);
    }
    return v;
  }

  /**
   * The metric a task's curves report: BC when its contexts have candidates to rank (a user), else
   * SC.
   */
  static Metric metricOf(List<RewardContext> contexts) {
    return !contexts.isEmpty() && contexts.get(0).candidateSet().isPresent()
        ? Metric.BC
        : Metric.SC;
  }

  /** Per-text scores of {@code metric} against the contexts. */
  double[] score(Metric metric, List<String> texts, List<RewardContext> contexts) {
    return metric == Metric.SC
        ? semantic.score(texts, contexts).component(SemanticConsistencyReward.COMPONENT)
        : behavioral.score(texts, contexts).component(BehavioralConsistencyReward.COMPONENT);
  }

  /**
   * The nearest-neighbour-text baseline: for each query, the target of the task's training example
   * whose slot vectors are closest to it (sum of per-slot cosines; ties keep the first).
   */
  List<String> nearestTrainingTexts(TaskSpec task, List<float[][]> queries) {
    List<TaskExample> train = data.trainExamples().getOrDefault(task.name(), List.of());
    List<float[][]> trainSlots = new ArrayList<>();
    for (TaskExample example : train) {
      float[][] slots = new float[example.entities().size()][];
      for (int slot = 0; slot < slots.length; slot++) {
        slots[slot] =
            data.domain()
                .space(task.slots().get(slot).space())
                .vector(example.entities().get(slot));
      }
      trainSlots.add(slots);
    }
    List<String> texts = new ArrayList<>();
    for (float[][] query : queries) {
      double best = Double.NEGATIVE_INFINITY;
      String text = "";
      for (int j = 0; j < train.size(); j++) {
        double similarity = 0;
        for (int slot = 0; slot < query.length; slot++) {
          similarity += Vectors.cosine(query[slot], trainSlots.get(j)[slot]);
        }
        if (similarity > best) {
          best = similarity;
          text = train.get(j).target();
        }
      }
      texts.add(text);
    }
    return texts;
  }

  /** Builds one curve point by point: each point the mean of its values with its interval. */
  final class Curve {
    private final String name;
    private final List<Double> x = new ArrayList<>();
    private final List<Bootstrap.Interval> points = new ArrayList<>();

    Curve(String name) {
      this.name = name;
    }

    /** Adds the point at {@code x}: the mean of {@code values} and its bootstrap interval. */
    Curve add(double xValue, double[] values) {
      x.add(xValue);
      points.add(bootstrap.mean(values));
      return this;
    }

    boolean isEmpty() {
      return x.isEmpty();
    }

    CurveSeries series() {
      int n = x.size();
      double[] xs = new double[n];
      double[] y = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = x.get(i);
        y[i] = points.get(i).estimate();
        lo[i] = points.get(i).low();
        hi[i] = points.get(i).high();
      }
      return new CurveSeries(name, xs, y, lo, hi);
    }
  }

  Curve curve(String name) {
    return new Curve(name);
  }

  /** A file-name-safe form of {@code text} for figure ids. */
  static String safe(String text) {
    String s = text.replaceAll("[^A-Za-z0-9_.-]+", "_");
    return s.isEmpty() ? "_" : s;
  }
}
