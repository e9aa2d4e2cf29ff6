package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.policy.model.ElmPrompt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where an RL run's contexts and rewards come from (the CoMDP of DESIGN.md §3): the synthetic
 * CoMDP, or a domain's tasks (real, interpolated and concept-shifted embeddings) scored by its
 * reward models. The {@code rl} stage asks it for each step's contexts and hands its reward to the
 * trainer, so trainers never see where either came from.
 */
public interface RlEnvironment {

  /**
   * The {@code count} contexts of step {@code step}: a deterministic function of the step index and
   * the environment's seed, so a resumed run trains on the contexts the uninterrupted one would.
   */
  List<ElmPrompt> contexts(long step, int count);

  /** The terminal reward {@code r(y, c)}. */
  CompletionReward reward();

  /**
   * The ground-truth continuations of contexts this environment produced ({@link Demonstrations});
   * none by default.
   */
  default List<int[]> demonstrations(List<ElmPrompt> contexts, int maxTokens) {
    return Demonstrations.NONE.of(contexts, maxTokens);
  }

  /**
   * The mean of each reward component over these completions (e.g. {@code sc}, {@code bc}), for the
   * metrics; empty when the reward has a single component.
   */
  default Map<String, Double> componentMeans(List<ElmPrompt> prompts, List<int[]> completions) {
    return Map.of();
  }

  /**
   * Writes what the environment remembers from step to step (e.g. running reward statistics) into
   * {@code folder} of an RL checkpoint; nothing by default.
   */
  default void saveState(Path folder) throws IOException {}

  /** Restores what {@link #saveState} wrote into {@code folder}; nothing by default. */
  default void loadState(Path folder) throws IOException {}
}
