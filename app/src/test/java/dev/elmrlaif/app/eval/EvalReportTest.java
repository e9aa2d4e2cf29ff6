package dev.elmrlaif.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * eval.json and eval.md of a report built from hand-made texts, whose distinct-2 intervals are
 * computed by hand: {@code distinct_2_ci} beside {@code distinct_2}, the RL − SFT difference of
 * distinct-2 under {@code minus_sft}, and both in the markdown tables.
 */
class EvalReportTest {
  // Seed 7 with 4 resamples draws the index triples (1,0,1), (0,0,1), (2,0,2), (0,1,1)
  // (BootstrapTest, TextFiguresTest).
  private static final Bootstrap BOOTSTRAP = new Bootstrap(4, 0.95, 7);
  // SFT: ab | ab | cd de: distinct-2 3/4, interval [0.683, 0.930] (TextFiguresTest).
  private static final List<String> SFT_TEXTS = List.of("a b", "A  b", "c d e");
  // RL: ab | xy | cd de: 4/4. Per resample RL, SFT: xy ab xy 2/3, 1/3; ab ab xy 2/3, 1/3;
  // cd de ab cd de 3/5, 3/5; ab xy xy 2/3, 1/3. Differences 1/3, 1/3, 0, 1/3: mean 1/4, the
  // estimate 1 - 3/4 itself (no bias); R-7 [0 + 0.075 * 1/3, 1/3] = [0.025, 1/3].
  // RL alone: 2/3, 2/3, 3/5, 2/3, mean 0.65, bias -0.35; R-7 [0.6 + 0.075 * (2/3 - 0.6), 2/3],
  // shifted: [0.955, 1.01666...] (a shifted bound may pass 1).
  private static final List<String> RL_TEXTS = List.of("a b", "x y", "c d e");
  private static final double[] SFT_SC = {0.1, 0.2, 0.3};
  private static final double[] RL_SC = {0.2, 0.2, 0.5};

  private static EvalReport report() {
    TrainingVocabulary vocabulary = TrainingVocabulary.of(List.of("a b c d e"));
    Map<String, EvalTable> stages = new LinkedHashMap<>();
    stages.put(
        ConsistencyEvaluator.SFT,
        EvalTable.of(
            Map.of("summary", SFT_SC),
            Map.of(),
            Map.of("summary", SFT_TEXTS),
            vocabulary,
            Map.of(),
            BOOTSTRAP));
    stages.put(
        "rl_reinforce",
        EvalTable.of(
            Map.of("summary", RL_SC),
            Map.of(),
            Map.of("summary", RL_TEXTS),
            vocabulary,
            Map.of(),
            BOOTSTRAP));
    EvalComparison minusSft =
        EvalComparison.paired(
            Map.of("summary", RL_SC),
            Map.of(),
            Map.of("summary", RL_TEXTS),
            Map.of("summary", SFT_SC),
            Map.of(),
            Map.of("summary", SFT_TEXTS),
            BOOTSTRAP);
    return new EvalReport(
        "test",
        "greedy",
        stages,
        Map.of(),
        Map.of("rl_reinforce", minusSft),
        BOOTSTRAP,
        List.of(),
        List.of());
  }

  @Test
  void evalJsonHasDistinctTwosIntervalBesideItAndItsPairedDifferenceUnderMinusSft() {
    JsonNode stages = report().toJson().get("stages");
    JsonNode sft = stages.get("sft").get("tasks").get("summary");
    assertEquals(
        List.of(
            "sc",
            "sc_ci",
            "bc",
            "bc_ci",
            "n",
            "words",
            "distinct_2",
            "distinct_2_ci",
            "non_word_rate"),
        fieldNames(sft));
    assertEquals(0.75, sft.get("distinct_2").asDouble(), 1e-15);
    assertEquals(0.75 - 0.4 + 1.0 / 3, sft.get("distinct_2_ci").get(0).asDouble(), 1e-12);
    assertEquals(0.93, sft.get("distinct_2_ci").get(1).asDouble(), 1e-12);
    JsonNode rl = stages.get("rl_reinforce").get("tasks").get("summary");
    assertEquals(1.0, rl.get("distinct_2").asDouble(), 1e-15);
    assertEquals(0.955, rl.get("distinct_2_ci").get(0).asDouble(), 1e-12);
    assertEquals(2.0 / 3 + 0.35, rl.get("distinct_2_ci").get(1).asDouble(), 1e-12);

    JsonNode difference = stages.get("rl_reinforce").get("minus_sft").get("tasks").get("summary");
    assertEquals(
        List.of("sc", "sc_ci", "bc", "bc_ci", "distinct_2", "distinct_2_ci", "n"),
        fieldNames(difference));
    assertEquals(0.25, difference.get("distinct_2").asDouble(), 1e-15);
    assertEquals(0.025, difference.get("distinct_2_ci").get(0).asDouble(), 1e-12);
    assertEquals(1.0 / 3, difference.get("distinct_2_ci").get(1).asDouble(), 1e-12);
    EvalStageTest.assertInterval(BOOTSTRAP.pairedDifference(RL_SC, SFT_SC), difference, "sc");

    // the means over tasks keep distinct-2 without an interval, and minus_sft's mean has none
    assertEquals(0.75, stages.get("sft").get("mean").get("distinct_2").asDouble(), 1e-15);
    assertFalse(stages.get("sft").get("mean").has("distinct_2_ci"));
    assertFalse(stages.get("rl_reinforce").get("minus_sft").get("mean").has("distinct_2"));
  }

  @Test
  void evalMdShowsTheIntervalInTheDistinctTwoCellsAndTheDifferenceInTheSftVersusRlTable() {
    String markdown = report().toMarkdown();
    // words (2 + 2 + 3) / 3; non-word rate: x, y of RL's 7 words are not in the vocabulary
    assertTrue(
        markdown.contains(
            "| summary | 3 | 2.3 / 0.750 [0.683, 0.930] / 0.000 | 2.3 / 1.000 [0.955, 1.017] / 0.286"
                + " |\n"),
        markdown);
    assertTrue(
        markdown.contains("| **mean** |  | **2.3 / 0.750 / 0.000** | **2.3 / 1.000 / 0.286** |\n"),
        markdown);
    assertTrue(
        markdown.contains(
            "| task | stage | SC | BC | RL − SFT (SC) | RL − SFT (BC) | RL − SFT (distinct-2) | KL"
                + " | entropy | words | distinct-2 | non-word rate |\n"),
        markdown);
    assertTrue(
        markdown.contains(
            "| summary | rl_reinforce | "
                + EvalReport.interval(BOOTSTRAP.mean(RL_SC), false)
                + " |  | "
                + EvalReport.interval(BOOTSTRAP.pairedDifference(RL_SC, SFT_SC), true)
                + " |  | +0.250 [+0.025, +0.333] |  |  | 2.3 | 1.000 [0.955, 1.017] | 0.286 |\n"),
        markdown);
    assertTrue(
        markdown.contains(
            "| summary | sft | "
                + EvalReport.interval(BOOTSTRAP.mean(SFT_SC), false)
                + " |  |  |  |  |  |  | 2.3 | 0.750 [0.683, 0.930] | 0.000 |\n"),
        markdown);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
