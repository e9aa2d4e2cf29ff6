package dev.elmrlaif.algorithms.rl.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.DomainRewardConfig;
import dev.elmrlaif.algorithms.config.JudgeRewardConfig;
import dev.elmrlaif.algorithms.config.RlContextsConfig;
import dev.elmrlaif.algorithms.config.RlContextsConfigBuilder;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.rewards.RewardContext;
import dev.elmrlaif.rewards.RewardFlag;
import dev.elmrlaif.rewards.RewardModel;
import dev.elmrlaif.rewards.RewardResult;
import dev.elmrlaif.rewards.judge.JudgeReward;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AI judge as a term of the domain reward, with a recording judge in place of the endpoint:
 * what the judge reads for each kind of context (the ground truth of a real entity; the source
 * texts of a hypothetical one, with no ground truth to prefer against), the composite total, the
 * judge's mean and failure count in the metrics, and that a step's completions are judged once, not
 * again for the metrics.
 */
class DomainRlJudgeTest {
  @TempDir static Path dir;
  static PreparedData data;
  static ElmTokenizer tokenizer;
  static ElmConfig elm;

  /**
   * A judge that scores 0.6, or fails (fallback 0.1, flagged) on texts with "fantasy", or scores 0
   * (as preference mode does) without a reference text, and records what it read.
   */
  static final class RecordingJudge implements RewardModel {
    final List<String> texts = Collections.synchronizedList(new ArrayList<>());
    final List<RewardContext> contexts = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "recording_judge";
    }

    @Override
    public List<String> componentNames() {
      return List.of(JudgeReward.COMPONENT);
    }

    @Override
    public RewardResult score(List<String> batch, List<RewardContext> batchContexts) {
      texts.addAll(batch);
      contexts.addAll(batchContexts);
      double[] scores = new double[batch.size()];
      List<Set<RewardFlag>> flags = new ArrayList<>();
      for (int i = 0; i < scores.length; i++) {
        boolean failed = batch.get(i).contains("fantasy");
        boolean noReference = batchContexts.get(i).referenceText() == null;
        scores[i] = noReference ? 0.0 : failed ? 0.1 : 0.6;
        flags.add(
            noReference
                ? EnumSet.of(RewardFlag.NO_TARGET)
                : failed ? EnumSet.of(RewardFlag.JUDGE_FAILED) : EnumSet.noneOf(RewardFlag.class));
      }
      return RewardResult.single(JudgeReward.COMPONENT, scores, flags);
    }
  }

  @BeforeAll
  static void prepare() throws Exception {
    TinyRlDomain domain = TinyRlDomain.prepare(dir, "summary");
    data = domain.data();
    tokenizer = domain.tokenizer();
    elm = domain.elm();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static JudgeRewardConfig judge(JudgeRewardConfig.Mode mode, double weight) {
    JudgeRewardConfig d = JudgeRewardConfig.defaults();
    return JudgeRewardConfig.defaults()
        .with(
            b ->
                b.baseUrl("http://127.0.0.1:9/v1")
                    .model(d.model())
                    .mode(mode)
                    .weight(weight)
                    .rubric(d.rubric())
                    .concurrency(1)
                    .timeoutSeconds(5)
                    .maxRetries(0)
                    .backoffMillis(0)
                    .cache(JudgeRewardConfig.Cache.NONE)
                    .failureScore(0.1));
  }

  private static DomainRlEnvironment environment(
      RlContextsConfigBuilder contexts, JudgeRewardConfig judge, RewardModel model) {
    DomainRewardConfig reward =
        DomainRewardConfig.defaults()
            .with()
            .scWeight(1.0)
            .bcWeight(0.0)
            .degeneracyWeight(0.0)
            .degeneracyNgram(2)
            .judge(judge)
            .build();
    return DomainRlEnvironment.create(
        data, "movie", tokenizer, elm, contexts.reward(reward).build(), 3, model);
  }

  private static int[] tokens(String text) {
    int[] ids = ElmExamples.toInts(tokenizer.encode(text));
    int[] withEnd = java.util.Arrays.copyOf(ids, ids.length + 1);
    withEnd[ids.length] = elm.endTokenId();
    return withEnd;
  }

  @Test
  void realContextsGiveTheJudgeTheirGroundTruthAndTheRewardAddsItsWeightedScore() {
    RecordingJudge recorder = new RecordingJudge();
    DomainRlEnvironment environment =
        environment(
            RlContextsConfig.defaults()
                .with()
                .realFraction(1)
                .interpolationFraction(0)
                .conceptFraction(0),
            judge(JudgeRewardConfig.Mode.SCORE, 0.5),
            recorder);
    List<DomainContext> drawn = environment.draw(0, 3);
    List<ElmPrompt> prompts = drawn.stream().map(DomainContext::prompt).toList();
    List<int[]> completions =
        List.of(tokens("a heist drama"), tokens("a fantasy quest"), tokens("a heist drama"));

    double[] totals = environment.reward().rewards(prompts, completions);
    RewardResult direct = environment.score(prompts, completions);
    for (int i = 0; i < totals.length; i++) {
      double sc = direct.component("sc")[i];
      double judged = i == 1 ? 0.1 : 0.6;
      assertEquals(sc + 0.5 * judged, totals[i], 1e-12, "r = 1·SC + 0.5·judge");
    }
    for (int i = 0; i < 3; i++) {
      RewardContext read = recorder.contexts.get(i);
      assertEquals(drawn.get(i).reward().entityId(), read.entityId());
      assertFalse(
          read.prompt().contains("<|entity_"),
          "the judge reads no placeholder token: " + read.prompt());
      assertTrue(read.prompt().contains("[movie]"), read.prompt());
      assertFalse(
          read.referenceText() == null || read.referenceText().isBlank(),
          "a real entity's ground truth");
    }
    int asked = recorder.texts.size();

    Map<String, Double> means = environment.componentMeans(prompts, completions);
    assertEquals(asked, recorder.texts.size(), "the metrics reuse the step's judgements");
    assertEquals((0.6 + 0.1 + 0.6) / 3, means.get(JudgeReward.COMPONENT), 1e-12);
    assertEquals(1.0, means.get(DomainRlEnvironment.JUDGE_FAILURES));
  }

  @Test
  void hypotheticalContextsDescribeTheirSourcesAndArePassedOverInPreferenceMode() {
    RecordingJudge recorder = new RecordingJudge();
    DomainRlEnvironment environment =
        environment(
            RlContextsConfig.defaults()
                .with()
                .realFraction(0.5)
                .interpolationFraction(0.5)
                .conceptFraction(0),
            judge(JudgeRewardConfig.Mode.PREFERENCE, 1.0),
            recorder);
    List<DomainContext> drawn = environment.draw(1, 12);
    List<ElmPrompt> prompts = drawn.stream().map(DomainContext::prompt).toList();
    List<int[]> completions = prompts.stream().map(p -> tokens("a heist drama")).toList();
    environment.reward().rewards(prompts, completions);
    int real = 0;
    for (int i = 0; i < drawn.size(); i++) {
      RewardContext read = recorder.contexts.get(i);
      if (drawn.get(i).kind() == ContextKind.INTERPOLATION) {
        assertNull(read.referenceText(), "no ground truth to prefer against");
        assertTrue(read.prompt().contains("hypothetical: a blend of two"), read.prompt());
      } else {
        real++;
        assertFalse(read.referenceText() == null || read.referenceText().isBlank());
      }
    }
    assertTrue(real > 0 && real < drawn.size(), "both kinds drawn: " + real);
    // the recording judge scores the real contexts' texts 0.6 and the others 0 (no reference); the
    // mean
    // covers the real contexts only, and nothing failed
    Map<String, Double> means = environment.componentMeans(prompts, completions);
    assertEquals(0.6, means.get(JudgeReward.COMPONENT), 1e-12);
    assertEquals(0.0, means.get(DomainRlEnvironment.JUDGE_FAILURES));
  }
}
