package dev.elmrlaif.app.eval;

import dev.elmrlaif.app.eval.HypotheticalScorer.Curve;
import dev.elmrlaif.app.eval.HypotheticalScorer.Metric;
import dev.elmrlaif.app.report.CurveFigure;
import dev.elmrlaif.app.report.CurveSeries;
import dev.elmrlaif.app.report.ExperimentFigures;
import dev.elmrlaif.domain.EntityTable;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.rewards.RewardContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The interpolation experiment (paper Sec. 4, Fig. 3-4): what an ELM says about the mix {@code v =
 * (1-a)·e1 + a·e2} of two entities, for each mixing weight {@code a} of {@code
 * eval.interpolation_weights} (default 0, 0.1, ..., 1).
 *
 * <ol>
 *   <li><b>Held-out pairs</b>: for each single-slot task, {@code eval.interpolation_pairs} disjoint
 *       pairs of its held-out examples (seeded); at each weight, every trained model's text
 *       (decoded as the evaluation decodes) for {@code v} is scored against {@code v}'s targets
 *       ({@code RewardTargets.interpolation}): SC against {@code v} itself for a text-comparable
 *       slot (a movie), BC against the factorisation's scores {@code v·m} of candidate items for an
 *       interactions row (a user). Beside the ELM: the nearest-neighbour text (the training example
 *       whose vector is closest to {@code v}) and, when an endpoint is configured, the text-only
 *       LLM ({@link TextOnlyBaseline}). One figure per task, each point the mean over pairs with
 *       its bootstrap interval.
 *   <li><b>The paper's own case</b> ({@code eval.interpolation_anchor}, "Forrest Gump (1994)"):
 *       <em>training</em> entities mixed with the anchor, found by name, as in Fig. 3. It uses
 *       training entities on purpose, so it has its own figure, labelled so, and never enters a
 *       held-out figure.
 * </ol>
 */
final class InterpolationExperiment {
  static final String NAME = "interpolation";

  /** Figure id prefix of the held-out figures; only held-out entities reach them. */
  static final String HELD_OUT_PREFIX = "heldout-";

  /** Figure id prefix of the anchor case's figure, which mixes training entities. */
  static final String ANCHOR_PREFIX = "training-anchor-";

  private static final Logger LOG = LogManager.getLogger(InterpolationExperiment.class);

  private final PreparedData data;
  private final HypotheticalScorer scorer;
  private final List<Double> weights;
  private final int pairs;
  private final String anchor;
  private final long seed;
  private final TextOnlyBaseline textOnly;
  private final List<CurveFigure> figures = new ArrayList<>();
  private final List<Map<String, String>> samples = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private boolean anchorFound;

  /**
   * @param textOnly the text-only LLM baseline, or null when no endpoint is configured
   */
  InterpolationExperiment(
      PreparedData data,
      HypotheticalScorer scorer,
      List<Double> weights,
      int pairs,
      String anchor,
      long seed,
      TextOnlyBaseline textOnly) {
    this.data = data;
    this.scorer = scorer;
    this.weights = List.copyOf(weights);
    this.pairs = pairs;
    this.anchor = anchor;
    this.seed = seed;
    this.textOnly = textOnly;
  }

  /** Runs both cases for the tasks about {@code kind}, with each stage's model of that kind. */
  void run(String kind, Map<String, TextSource> stages) {
    for (TaskSpec task : data.tasks()) {
      if (task.slots().size() == 1 && task.slots().get(0).kind().equals(kind)) {
        heldOutPairs(task, stages);
        anchorCase(task, stages);
      }
    }
  }

  /** The held-out pairs of one task: one figure. */
  private void heldOutPairs(TaskSpec task, Map<String, TextSource> stages) {
    // 1. disjoint pairs of held-out examples, seeded
    List<TaskExample> pool = data.heldOutExamples().getOrDefault(task.name(), List.of());
    List<TaskExample> shuffled = shuffled(pool, seed ^ task.name().hashCode());
    List<TaskExample> firsts = new ArrayList<>();
    List<TaskExample> seconds = new ArrayList<>();
    for (int i = 0; i + 1 < shuffled.size() && firsts.size() < pairs; i += 2) {
      firsts.add(shuffled.get(i));
      seconds.add(shuffled.get(i + 1));
    }
    if (firsts.isEmpty()) {
      notes.add("task " + task.name() + ": fewer than two held-out examples, no pair to mix");
      return;
    }
    // 2. the curves over the weights
    String kind = task.slots().get(0).kind();
    Curves curves = curves(task, firsts, seconds, stages, HELD_OUT_PREFIX, true);
    figures.add(
        new CurveFigure(
            HELD_OUT_PREFIX + HypotheticalScorer.safe(task.name()),
            "Held-out "
                + kind
                + " pairs ("
                + firsts.size()
                + "), task "
                + task.name()
                + ": "
                + curves.metric
                + " of (1-a)·e1 + a·e2",
            "mixing weight a",
            curves.metric.label(),
            CurveFigure.Kind.LINE,
            curves.series));
  }

  /** The paper's own case for one task: training entities mixed with the anchor. */
  private void anchorCase(TaskSpec task, Map<String, TextSource> stages) {
    String kind = task.slots().get(0).kind();
    if (anchor.isEmpty() || !scorer.targets().semanticSlots(task)) {
      return;
    }
    EntityTable table = data.domain().entities(kind);
    int anchorIndex = table.names().indexOf(anchor);
    if (anchorIndex < 0) {
      return;
    }
    anchorFound = true;
    // 1. training partners of the task (never the anchor itself), seeded; the anchor as the second
    List<TaskExample> train =
        shuffled(
            data.trainExamples().getOrDefault(task.name(), List.of()).stream()
                .filter(e -> e.entities().get(0) != anchorIndex)
                .toList(),
            seed ^ (task.name().hashCode() * 31L + 7));
    List<TaskExample> firsts = train.subList(0, Math.min(pairs, train.size()));
    TaskExample anchorExample =
        new TaskExample(
            task.name(), List.of(anchorIndex), firsts.isEmpty() ? "" : firsts.get(0).prompt(), "");
    List<TaskExample> seconds = new ArrayList<>();
    firsts.forEach(f -> seconds.add(anchorExample));
    if (firsts.isEmpty()) {
      return;
    }
    Curves curves = curves(task, firsts, seconds, stages, ANCHOR_PREFIX, false);
    figures.add(
        new CurveFigure(
            ANCHOR_PREFIX + HypotheticalScorer.safe(task.name()),
            "TRAINING "
                + kind
                + "s ("
                + firsts.size()
                + ") mixed with "
                + anchor
                + ", task "
                + task.name()
                + ": "
                + curves.metric
                + " (not held out: the paper's Fig. 3 case)",
            "weight a on " + anchor,
            curves.metric.label(),
            CurveFigure.Kind.LINE,
            curves.series));
  }

  private record Curves(Metric metric, List<CurveSeries> series) {}

  /**
   * Scores every source at every weight for the pairs {@code (firsts[i], seconds[i])}: the ELM of
   * each stage, the nearest-neighbour text and the text-only LLM when there is one.
   */
  private Curves curves(
      TaskSpec task,
      List<TaskExample> firsts,
      List<TaskExample> seconds,
      Map<String, TextSource> stages,
      String figurePrefix,
      boolean heldOut) {
    String space = task.slots().get(0).space();
    String kind = task.slots().get(0).kind();
    EntityTable table = data.domain().entities(kind);
    Map<String, Curve> curves = new LinkedHashMap<>();
    stages.keySet().forEach(stage -> curves.put(stage, scorer.curve("ELM (" + stage + ")")));
    Curve nearest = scorer.curve("nearest-neighbour text");
    Curve llm = textOnly == null ? null : scorer.curve("text-only LLM");
    Metric metric = null;
    String firstStage = stages.keySet().iterator().next();
    for (double a : weights) {
      // 1. the mixed vectors v_i = (1-a)·e1_i + a·e2_i and their targets
      List<float[][]> slots = new ArrayList<>();
      List<RewardContext> contexts = new ArrayList<>();
      for (int i = 0; i < firsts.size(); i++) {
        float[] e1 = data.domain().space(space).vector(firsts.get(i).entities().get(0));
        float[] e2 = data.domain().space(space).vector(seconds.get(i).entities().get(0));
        float[][] v = {HypotheticalScorer.mix(e1, e2, a)};
        slots.add(v);
        String label =
            figurePrefix
                + task.name()
                + ":"
                + firsts.get(i).entities()
                + "+"
                + seconds.get(i).entities()
                + String.format(Locale.ROOT, "@%.4f", a);
        contexts.add(
            scorer.targets().interpolation(label, task, firsts.get(i), seconds.get(i), a, v));
      }
      if (metric == null) {
        metric = HypotheticalScorer.metricOf(contexts);
      }
      // 2. each source's texts for v, scored against v's targets
      Map<String, List<String>> textsBySource = new LinkedHashMap<>();
      for (Map.Entry<String, TextSource> stage : stages.entrySet()) {
        List<String> texts = stage.getValue().texts(firsts, slots);
        curves.get(stage.getKey()).add(a, scorer.score(metric, texts, contexts));
        textsBySource.put("ELM (" + stage.getKey() + ")", texts);
      }
      List<String> neighbours = scorer.nearestTrainingTexts(task, slots);
      nearest.add(a, scorer.score(metric, neighbours, contexts));
      textsBySource.put("nearest-neighbour text", neighbours);
      if (llm != null) {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < firsts.size(); i++) {
          int j = (i + 1) % firsts.size();
          String prompt =
              scorer.targets().semanticSlots(task)
                  ? TextOnlyBaseline.oneShotPrompt(
                      task.name(),
                      kind,
                      table.name(firsts.get(j).entities().get(0)),
                      table.name(seconds.get(j).entities().get(0)),
                      textsBySource.get("ELM (" + firstStage + ")").get(j),
                      table.name(firsts.get(i).entities().get(0)),
                      table.name(seconds.get(i).entities().get(0)),
                      a)
                  : TextOnlyBaseline.profilePrompt(
                      firsts.get(i).target(), seconds.get(i).target(), a);
          written.add(textOnly.write(prompt));
        }
        llm.add(a, scorer.score(metric, written, contexts));
        textsBySource.put("text-only LLM", written);
      }
      // 3. the first pair's texts at the ends and the middle, for reading
      if (a == weights.get(0) || a == weights.get(weights.size() - 1) || Math.abs(a - 0.5) < 1e-9) {
        for (Map.Entry<String, List<String>> source : textsBySource.entrySet()) {
          Map<String, String> row = new LinkedHashMap<>();
          row.put("case", heldOut ? "held-out pair" : "training " + kind + " + " + anchor);
          row.put("task", task.name());
          row.put("first", table.name(firsts.get(0).entities().get(0)));
          row.put("second", table.name(seconds.get(0).entities().get(0)));
          row.put("weight", String.format(Locale.ROOT, "%.2f", a));
          row.put("source", source.getKey());
          row.put("text", source.getValue().get(0));
          samples.add(row);
        }
      }
    }
    List<CurveSeries> series = new ArrayList<>();
    curves.values().forEach(c -> series.add(c.series()));
    series.add(nearest.series());
    if (llm != null) {
      series.add(llm.series());
    }
    LOG.info(
        "interpolation {} {}: {} pairs, {} at a = {}: {}",
        heldOut ? "held-out" : "anchor",
        task.name(),
        firsts.size(),
        metric,
        weights,
        series.get(0).y());
    return new Curves(metric, series);
  }

  /** The figures, samples and a summary saying what was run and what was not. */
  ExperimentFigures figures() {
    StringBuilder summary =
        new StringBuilder(
            "Mixes (1-a)·e1 + a·e2 of two held-out entities (figures 'heldout-*': held-out entities only),"
                + " scored against the mix: SC for items, BC (against the factorisation's scores of the mix)"
                + " for interactions rows such as users; each point the mean over the pairs with its 95 %"
                + " bootstrap interval. Baselines: the text of the training example nearest to the mix.");
    summary.append(
        textOnly == null
            ? " The text-only LLM baseline (paper App. F) was not run: no OpenAI-compatible endpoint is"
                + " configured (rl.contexts.reward.judge)."
            : " The text-only LLM baseline (paper App. F) was run through the configured endpoint.");
    if (!anchor.isEmpty()) {
      summary.append(
          anchorFound
              ? " The figures 'training-anchor-*' are the paper's own case: TRAINING entities mixed with "
                  + anchor
                  + ", kept apart from every held-out figure."
              : " The paper's own case was not run: no entity named '" + anchor + "'.");
    }
    notes.forEach(n -> summary.append(" ").append(n).append('.'));
    return new ExperimentFigures(NAME, summary.toString(), figures, samples);
  }

  private static List<TaskExample> shuffled(List<TaskExample> list, long seed) {
    List<TaskExample> copy = new ArrayList<>(list);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = copy.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      TaskExample swap = copy.get(i);
      copy.set(i, copy.get(j));
      copy.set(j, swap);
    }
    return copy;
  }
}
