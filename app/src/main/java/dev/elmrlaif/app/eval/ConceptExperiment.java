package dev.elmrlaif.app.eval;

import dev.elmrlaif.app.eval.HypotheticalScorer.Curve;
import dev.elmrlaif.app.eval.HypotheticalScorer.Metric;
import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The concept extrapolation experiment (paper Sec. 4, "Generalizing CAVs", Fig. 4-5): held-out
 * entities shifted along a concept activation vector, {@code v = e + s·cav} (DESIGN.md §6: the unit
 * normal of a classifier separating the concept's tagged entities from the rest), for each step
 * {@code s} of {@code eval.concept_steps}. For each concept of a task's slot space and each stage's
 * model:
 *
 * <ul>
 *   <li><b>consistency versus step</b>: SC of the text against {@code v} (text-comparable slots,
 *       movies), or BC against the factorisation's scores {@code v·m} (interactions rows, users),
 *       the mean over {@code eval.concept_entities} held-out entities with its bootstrap interval;
 *   <li><b>moved toward the concept</b>: the share of entities whose text at step {@code s} is
 *       closer (cosine of the encoder's vectors) to the concept's centroid, the mean text vector of
 *       its tagged training entities, than the text at {@code s = 0} was; 0.5 is what texts that
 *       change at random would give, and a step that changes no text gives 0.
 * </ul>
 *
 * Only held-out entities are shifted; the centroid reads training entities' text vectors, which is
 * what defines the concept, not an entity under test.
 */
final class ConceptExperiment {
  static final String NAME = "concepts";

  private static final Logger LOG = LogManager.getLogger(ConceptExperiment.class);

  private final PreparedData data;
  private final HypotheticalScorer scorer;
  private final List<Double> steps;
  private final int entities;
  private final List<String> names;
  private final int perSpace;
  private final long seed;
  private final List<CurveFigure> figures = new ArrayList<>();
  private final List<CurveSeries> moved = new ArrayList<>();
  private final List<Map<String, String>> samples = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * @param steps the step sizes; 0 (the unshifted entity, every share's reference) is added when
   *     missing, and they are sorted
   * @param names the concepts to shift along; empty means the {@code perSpace} most accurate ones
   *     of each space
   */
  ConceptExperiment(
      PreparedData data,
      HypotheticalScorer scorer,
      List<Double> steps,
      int entities,
      List<String> names,
      int perSpace,
      long seed) {
    this.data = data;
    this.scorer = scorer;
    TreeSet<Double> sorted = new TreeSet<>(steps);
    sorted.add(0.0);
    this.steps = List.copyOf(sorted);
    this.entities = entities;
    this.names = List.copyOf(names);
    this.perSpace = perSpace;
    this.seed = seed;
    List<String> known = data.domain().concepts().stream().map(Concept::name).distinct().toList();
    for (String name : names) {
      if (!known.contains(name)) {
        throw new UserInputException(
            "eval.concept_names: unknown concept '"
                + name
                + "'; expected one of "
                + (known.size() > 20 ? known.subList(0, 20) + " ..." : known));
      }
    }
  }

  /** The concepts of {@code space} to shift along. */
  List<Concept> conceptsOf(String space, int dimension) {
    return data.domain().concepts().stream()
        .filter(c -> c.space().equals(space) && c.direction().length == dimension)
        .filter(c -> names.isEmpty() || names.contains(c.name()))
        .sorted(
            Comparator.comparingDouble(Concept::heldOutAccuracy)
                .reversed()
                .thenComparing(Concept::name))
        .limit(names.isEmpty() ? perSpace : Long.MAX_VALUE)
        .toList();
  }

  /** Runs every concept of every single-slot task about {@code kind}. */
  void run(String kind, Map<String, TextSource> stages) {
    for (TaskSpec task : data.tasks()) {
      if (task.slots().size() != 1 || !task.slots().get(0).kind().equals(kind)) {
        continue;
      }
      EmbeddingSpace space = data.domain().space(task.slots().get(0).space());
      List<Concept> concepts = conceptsOf(space.name(), space.dimension());
      if (concepts.isEmpty()) {
        notes.add("task " + task.name() + ": no concept in space " + space.name());
        continue;
      }
      // 1. the held-out entities to shift, seeded
      List<TaskExample> pool =
          new ArrayList<>(data.heldOutExamples().getOrDefault(task.name(), List.of()));
      SplittableRandom random = new SplittableRandom(seed ^ task.name().hashCode());
      for (int i = pool.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        TaskExample swap = pool.get(i);
        pool.set(i, pool.get(j));
        pool.set(j, swap);
      }
      List<TaskExample> shifted = pool.subList(0, Math.min(entities, pool.size()));
      if (shifted.isEmpty()) {
        continue;
      }
      for (Concept concept : concepts) {
        shiftAlong(task, space, concept, shifted, stages);
      }
    }
  }

  private void shiftAlong(
      TaskSpec task,
      EmbeddingSpace space,
      Concept concept,
      List<TaskExample> examples,
      Map<String, TextSource> stages) {
    float[] centroid = centroid(concept);
    Map<String, Curve> consistency = new LinkedHashMap<>();
    Map<String, Curve> toward = new LinkedHashMap<>();
    Map<String, double[]> baseSimilarity = new LinkedHashMap<>();
    String conceptLabel = concept.name() + " [" + concept.space() + "]";
    for (String stage : stages.keySet()) {
      consistency.put(stage, scorer.curve("ELM (" + stage + ")"));
      toward.put(stage, scorer.curve(conceptLabel + ", " + task.name() + ", ELM (" + stage + ")"));
    }
    Metric metric = null;
    EntityTable table = data.domain().entities(task.slots().get(0).kind());
    for (double s : steps) {
      // 1. the shifted vectors v_i = e_i + s·cav and their targets
      List<float[][]> slots = new ArrayList<>();
      List<RewardContext> contexts = new ArrayList<>();
      for (TaskExample example : examples) {
        float[][] v = {
          HypotheticalScorer.shift(space.vector(example.entities().get(0)), concept.direction(), s)
        };
        slots.add(v);
        contexts.add(
            scorer
                .targets()
                .shift(
                    NAME
                        + ":"
                        + concept.space()
                        + ":"
                        + concept.name()
                        + ":"
                        + task.name()
                        + ":"
                        + example.entities()
                        + String.format(Locale.ROOT, "@%.4f", s),
                    task,
                    v));
      }
      if (metric == null) {
        metric = HypotheticalScorer.metricOf(contexts);
      }
      // 2. each stage's texts: consistency, and the similarity to the concept's centroid
      for (Map.Entry<String, TextSource> stage : stages.entrySet()) {
        List<String> texts = stage.getValue().texts(examples, slots);
        consistency.get(stage.getKey()).add(s, scorer.score(metric, texts, contexts));
        if (centroid != null) {
          double[] similarity = similarities(texts, centroid);
          if (s == 0.0) {
            baseSimilarity.put(stage.getKey(), similarity);
          } else {
            double[] closer = new double[similarity.length];
            double[] base = baseSimilarity.get(stage.getKey());
            for (int i = 0; i < closer.length; i++) {
              closer[i] = similarity[i] > base[i] ? 1 : 0;
            }
            toward.get(stage.getKey()).add(s, closer);
          }
        }
        if (stage.getKey().equals(stages.keySet().iterator().next())) {
          Map<String, String> row = new LinkedHashMap<>();
          row.put("concept", conceptLabel);
          row.put("task", task.name());
          row.put("entity", table.name(examples.get(0).entities().get(0)));
          row.put("step", String.format(Locale.ROOT, "%.2f", s));
          row.put("source", "ELM (" + stage.getKey() + ")");
          row.put("text", texts.get(0));
          samples.add(row);
        }
      }
    }
    List<CurveSeries> series = new ArrayList<>();
    consistency.values().forEach(c -> series.add(c.series()));
    figures.add(
        new CurveFigure(
            "concept-"
                + HypotheticalScorer.safe(concept.space())
                + "-"
                + HypotheticalScorer.safe(concept.name())
                + "-"
                + HypotheticalScorer.safe(task.name()),
            "Held-out "
                + task.slots().get(0).kind()
                + "s ("
                + examples.size()
                + ") shifted along '"
                + concept.name()
                + "' ("
                + concept.space()
                + "), task "
                + task.name()
                + ": "
                + metric,
            "step s of e + s·cav",
            metric.label(),
            CurveFigure.Kind.LINE,
            series));
    if (centroid == null) {
      notes.add(
          "concept "
              + conceptLabel
              + ": its tagged entities are not recorded or have no text vector"
              + " (data prepared before they were recorded: prepare again), no moved-toward share");
    } else {
      toward.values().forEach(c -> moved.add(c.series()));
    }
    LOG.info(
        "concepts {} {}: {} held-out entities, {} at s = {}: {}",
        conceptLabel,
        task.name(),
        examples.size(),
        metric,
        steps,
        series.get(0).y());
  }

  /**
   * The mean text vector of the concept's tagged training entities, or null when they are not
   * recorded or have no text space.
   */
  private float[] centroid(Concept concept) {
    if (concept.carriers() == null || concept.carrierKind() == null) {
      return null;
    }
    EmbeddingSpace text = data.domain().textSpace(concept.carrierKind()).orElse(null);
    if (text == null) {
      return null;
    }
    double[] sum = new double[text.dimension()];
    int count = 0;
    for (int carrier : concept.carriers()) {
      if (data.domain().split(concept.carrierKind()).isHeldOut(carrier)) {
        continue; // defensive: concepts are fitted on training entities only
      }
      float[] v = text.vector(carrier);
      if (Vectors.norm(v) == 0) {
        continue;
      }
      for (int d = 0; d < sum.length; d++) {
        sum[d] += v[d];
      }
      count++;
    }
    if (count == 0) {
      return null;
    }
    float[] mean = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      mean[d] = (float) (sum[d] / count);
    }
    return mean;
  }

  private double[] similarities(List<String> texts, float[] centroid) {
    float[][] encoded = scorer.encoder().encode(texts);
    double[] similarity = new double[encoded.length];
    for (int i = 0; i < encoded.length; i++) {
      similarity[i] = Vectors.norm(encoded[i]) == 0 ? 0 : Vectors.cosine(encoded[i], centroid);
    }
    return similarity;
  }

  /** The figures (one per concept and task, then the moved-toward shares), samples and summary. */
  ExperimentFigures figures() {
    List<CurveFigure> all = new ArrayList<>(figures);
    if (!moved.isEmpty()) {
      all.add(
          new CurveFigure(
              "moved-toward-concept",
              "Share of held-out entities whose text moved toward the concept's tagged entities",
              "step s of e + s·cav",
              "share closer to the concept's centroid than at s = 0",
              CurveFigure.Kind.LINE,
              moved));
    }
    StringBuilder summary =
        new StringBuilder(
            "Held-out entities shifted along concept directions, e + s·cav (cav: unit normal of a"
                + " classifier of the concept's tagged training entities). Per concept and task: SC against"
                + " the shifted vector (items) or BC against the factorisation's scores of it (users), the"
                + " mean over the entities with its 95 % bootstrap interval; and the share of entities"
                + " whose text at step s is closer to the mean text vector of the concept's tagged"
                + " training entities than their text at s = 0 (1: every text moved toward the concept).");
    notes.forEach(n -> summary.append(" ").append(n).append('.'));
    return new ExperimentFigures(NAME, summary.toString(), all, samples);
  }
}
