package dev.elmrlaif.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Base of the single-component rewards: checks the arguments, treats a null text as empty, prepares
 * the batch once (e.g. encodes every text in one call) and collects one {@link SampleScore} per
 * sample into a {@link RewardResult} whose only component is also the total.
 */
public abstract class PerSampleReward implements RewardModel {

  private final String name;
  private final String component;

  protected PerSampleReward(String name, String component) {
    this.name = name;
    this.component = component;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<String> componentNames() {
    return List.of(component);
  }

  @Override
  public final RewardResult score(List<String> texts, List<RewardContext> contexts) {
    RewardModel.requireSameSize(texts, contexts);
    IntFunction<SampleScore> scorer = scorer(RewardModel.nullAsEmpty(texts), contexts);
    double[] scores = new double[texts.size()];
    List<Set<RewardFlag>> flags = new ArrayList<>(texts.size());
    for (int i = 0; i < scores.length; i++) {
      SampleScore sample = scorer.apply(i);
      scores[i] = sample.score();
      flags.add(sample.flags());
    }
    return RewardResult.single(component, scores, flags);
  }

  /**
   * Prepares the batch and returns the score of sample {@code i}.
   *
   * @param texts the generated texts, none null
   * @param contexts one per text
   */
  protected abstract IntFunction<SampleScore> scorer(
      List<String> texts, List<RewardContext> contexts);
}
