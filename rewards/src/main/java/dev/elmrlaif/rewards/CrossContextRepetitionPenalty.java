package dev.elmrlaif.rewards;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A penalty on completions that say what the batch's completions for other contexts say: the
 * corpus-level counterpart of {@link DegeneracyPenalty}. The evaluation's distinct-2 is a corpus
 * figure (distinct word bigrams over all bigrams of a task's texts, one text per held-out entity),
 * and RL on a semantic reward lowers it by moving every entity's text toward the same well-scoring
 * phrases; a per-text penalty cannot see that. This one can, because a batch's completions are
 * scored together: with {@code G(y)} the distinct lower-cased word n-grams of {@code y} and {@code
 * O(y)} those of every completion in the batch whose context differs from {@code y}'s (contexts
 * told apart by {@link RewardContext#entityId()}, so the K completions of one context never
 * penalise each other),
 *
 * <pre>
 * penalty(y) = −|G(y) ∩ O(y)| / |G(y)|        (0 when y has fewer than n words)
 * </pre>
 *
 * Component {@code "cross_context_repetition"}, in [−1, 0]. A text's score depends on its batch
 * (one context alone scores 0), so it belongs in RL rewards, whose completions of a step are scored
 * as one batch, and not in a per-text metric. Stateless and thread-safe.
 */
public final class CrossContextRepetitionPenalty extends WordNgramPenalty {

  public static final String COMPONENT = "cross_context_repetition";

  /**
   * @param ngram the n-gram order n, at least 1 (2 matches the evaluation's distinct-2)
   */
  public CrossContextRepetitionPenalty(int ngram) {
    super("cross_context_repetition_penalty", COMPONENT, ngram);
  }

  @Override
  protected IntFunction<SampleScore> scorer(List<String> texts, List<RewardContext> contexts) {
    // 1. each text's distinct n-grams
    List<List<String>> words = new ArrayList<>(texts.size());
    List<Set<List<String>>> grams = new ArrayList<>(texts.size());
    for (String text : texts) {
      List<String> w = words(text);
      words.add(w);
      grams.add(distinctNgrams(w, ngram));
    }
    // 2. per n-gram, how many contexts' completions hold it (each context counted once)
    Map<String, Set<List<String>>> byContext = new HashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      byContext
          .computeIfAbsent(contexts.get(i).entityId(), id -> new HashSet<>())
          .addAll(grams.get(i));
    }
    Map<List<String>, Integer> contextsHolding = new HashMap<>();
    for (Set<List<String>> held : byContext.values()) {
      held.forEach(g -> contextsHolding.merge(g, 1, Integer::sum));
    }
    // 3. the share of y's n-grams that another context's completion holds too: y's own context
    //    holds every one of them, so "another" means held by at least 2 contexts
    return i -> {
      Set<List<String>> own = grams.get(i);
      long shared = own.stream().filter(g -> contextsHolding.get(g) >= 2).count();
      double penalty = own.isEmpty() ? 0.0 : -(double) shared / own.size();
      return words.get(i).isEmpty()
          ? SampleScore.fallback(penalty, RewardFlag.EMPTY_TEXT)
          : SampleScore.of(penalty);
    };
  }
}
