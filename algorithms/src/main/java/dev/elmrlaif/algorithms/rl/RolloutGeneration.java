package dev.elmrlaif.algorithms.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.math.KlDivergence;
import dev.elmrlaif.algorithms.rl.math.KlEstimator;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.replay.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data-collection half of an off-policy step (soft actor-critic, soft-Q): {@code K} completions
 * of each context from a behaviour ELM, their rewards, the policy {@code π_θ} measured against
 * {@code π_ref} on them, and one replay {@link Trajectory} per completion.
 *
 * <p>Metrics written (each a mean over completions, the {@link RlTrainer#step} keys): {@code
 * reward_mean}; {@code kl_k1}, {@code kl_k2}, {@code kl_k3} (per-sequence sums of the unclipped
 * estimators of {@code log π_θ/π_ref} at the generated tokens); {@code kl_exact} ({@code Σ_t
 * KL(π_θ(·|s_t) ‖ π_ref(·|s_t))}); {@code entropy} ({@code Σ_t H(π_θ(·|s_t))}); {@code
 * length_mean}; {@code time_generate_s} (sampling and the scoring forwards) and {@code
 * time_reward_s}.
 *
 * <p>Each trajectory stores its reward as {@link StoredReward} asks: the reward model's, centred on
 * its context's other {@code K − 1} completions (the leave-one-out baseline of RLOO, Ahmadian et
 * al. 2024), or normalised over its context's {@code K} completions; {@link Result#rewards} and
 * {@code reward_mean} stay the reward model's values.
 */
public final class RolloutGeneration {

  /**
   * One step's completions, in prompt order ({@code samplesPerContext} consecutive rows per
   * context), the reward model's rewards, and their trajectories for the replay buffer (whose
   * rewards are centred or normalised when the step asked for it).
   */
  public record Result(
      List<ElmPrompt> prompts,
      List<int[]> completions,
      double[] rewards,
      List<Trajectory> trajectories) {}

  private RolloutGeneration() {}

  /**
   * Samples, scores and measures one step's completions.
   *
   * @param label the trainer's name, used in trajectory ids ({@code label/step/row}) and errors
   * @param step the trainer's completed steps (the trajectories' policy version)
   * @param behaviour the ELM that generates (the policy itself, or {@code π_ref})
   * @param policy {@code π_θ}, measured against {@code reference} on the completions
   * @param seed the sampler's seed
   * @param storedReward what each trajectory stores as its reward (centring needs {@code
   *     samplesPerContext >= 2})
   * @param metrics receives the metrics of the class comment
   */
  public static Result generate(
      String label,
      long step,
      Elm behaviour,
      Elm policy,
      Elm reference,
      CompletionReward reward,
      List<ElmPrompt> contexts,
      int samplesPerContext,
      int maxNewTokens,
      long seed,
      StoredReward storedReward,
      Map<String, Double> metrics) {
    long start = System.nanoTime();
    List<ElmPrompt> prompts = new ArrayList<>(contexts.size() * samplesPerContext);
    for (ElmPrompt context : contexts) {
      for (int i = 0; i < samplesPerContext; i++) {
        prompts.add(context);
      }
    }
    SampleResult samples =
        Sampler.sample(
            behaviour,
            prompts,
            SamplingConfig.ancestral(
                Sampler.newTokensThatFit(behaviour, prompts, maxNewTokens, true)),
            seed);
    int rows = prompts.size();
    List<int[]> completions = new ArrayList<>(rows);
    for (int row = 0; row < rows; row++) {
      completions.add(samples.continuation(row));
    }
    long rewardStart = System.nanoTime();
    double[] rewards =
        requireFinite(label, step, "completion", reward.rewards(prompts, completions));
    long rewardEnd = System.nanoTime();
    double[] stored = storedReward.of(rewards, samplesPerContext);

    double[] estimates = new double[KlEstimator.values().length];
    double exactKl = 0;
    double entropy = 0;
    double length = 0;
    double rewardMean = 0;
    List<Trajectory> trajectories = new ArrayList<>(rows);
    try (NDScope arrays = new NDScope();
        NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      ContinuationLogProbs ref = reference.continuationLogProbs(scope, prompts, completions, true);
      ContinuationLogProbs pol = policy.continuationLogProbs(scope, prompts, completions, true);
      NDArray logSoftmax = pol.logSoftmax();
      NDArray probabilities = logSoftmax.exp();
      double[] tokenKl =
          toDoubles(
              probabilities
                  .mul(logSoftmax.sub(ref.logSoftmax()))
                  .sum(new int[] {2})
                  .mul(pol.mask()));
      double[] tokenEntropy =
          toDoubles(probabilities.mul(logSoftmax).sum(new int[] {2}).neg().mul(pol.mask()));
      double[] policyTokens = toDoubles(pol.tokenLogProbs());
      double[] referenceTokens = toDoubles(ref.tokenLogProbs());
      int width = (int) pol.tokenLogProbs().getShape().get(1);
      for (int row = 0; row < rows; row++) {
        int steps = completions.get(row).length;
        double[] logp = Arrays.copyOfRange(policyTokens, row * width, row * width + steps);
        double[] logq = Arrays.copyOfRange(referenceTokens, row * width, row * width + steps);
        for (KlEstimator estimator : KlEstimator.values()) {
          estimates[estimator.ordinal()] +=
              KlDivergence.sum(
                      KlDivergence.perToken(estimator, logp, logq, Double.POSITIVE_INFINITY))
                  / rows;
        }
        for (int t = 0; t < steps; t++) {
          exactKl += tokenKl[row * width + t] / rows;
          entropy += tokenEntropy[row * width + t] / rows;
        }
        length += (double) steps / rows;
        rewardMean += rewards[row] / rows;
        double[] behaviourLogProbs = new double[steps];
        for (int t = 0; t < steps; t++) {
          behaviourLogProbs[t] = samples.policyLogProbs()[row][t];
        }
        trajectories.add(
            trajectory(
                label + "/" + step + "/" + row,
                prompts.get(row),
                completions.get(row),
                behaviourLogProbs,
                logq,
                stored[row],
                step));
      }
    }
    metrics.put("reward_mean", rewardMean);
    for (KlEstimator estimator : KlEstimator.values()) {
      metrics.put(
          "kl_" + estimator.name().toLowerCase(Locale.ROOT), estimates[estimator.ordinal()]);
    }
    metrics.put("kl_exact", exactKl);
    metrics.put("entropy", entropy);
    metrics.put("length_mean", length);
    metrics.put("time_generate_s", (rewardStart - start + System.nanoTime() - rewardEnd) / 1e9);
    metrics.put("time_reward_s", (rewardEnd - rewardStart) / 1e9);
    return new Result(prompts, completions, rewards, trajectories);
  }

  /**
   * The replay trajectories of a step's demonstrations ({@link Demonstrations}): each is scored by
   * {@code reward} like a completion, and stores its reward against its context's {@code
   * samplesPerContext} completions as {@link StoredReward#against} gives it (centred: its advantage
   * over the policy's own samples there, on the scale of theirs). Its behaviour log-probabilities
   * are {@code π_θ}'s at this step: the policy that wrote the text is unknown, and Retrace ({@code
   * λ > 0}) then treats it as on-policy. Metrics: {@code demonstrations} (how many) and {@code
   * demonstration_reward_mean} (the reward model's mean; 0 when none).
   *
   * @param demonstrations one entry per context (null: none), as {@link Demonstrations#of} gives
   * @param completionRewards the reward model's rewards of the step's completions, {@code
   *     samplesPerContext} consecutive rows per context ({@link Result#rewards})
   */
  public static List<Trajectory> demonstrations(
      String label,
      long step,
      Elm policy,
      Elm reference,
      CompletionReward reward,
      List<ElmPrompt> contexts,
      List<int[]> demonstrations,
      double[] completionRewards,
      int samplesPerContext,
      StoredReward storedReward,
      Map<String, Double> metrics) {
    List<ElmPrompt> prompts = new ArrayList<>();
    List<int[]> texts = new ArrayList<>();
    List<double[]> theirCompletions = new ArrayList<>();
    for (int c = 0; c < contexts.size(); c++) {
      int[] text = demonstrations.get(c);
      if (text == null || text.length == 0) {
        continue;
      }
      prompts.add(contexts.get(c));
      texts.add(text);
      theirCompletions.add(
          Arrays.copyOfRange(
              completionRewards, c * samplesPerContext, (c + 1) * samplesPerContext));
    }
    metrics.put("demonstrations", (double) prompts.size());
    metrics.put("demonstration_reward_mean", 0.0);
    if (prompts.isEmpty()) {
      return List.of();
    }
    double[] rewards = requireFinite(label, step, "demonstration", reward.rewards(prompts, texts));
    List<Trajectory> trajectories = new ArrayList<>(prompts.size());
    double rewardMean = 0;
    try (NDScope arrays = new NDScope();
        NDManager scope = policy.manager().newSubManager()) {
      arrays.suppressNotUsedWarning();
      double[] referenceTokens =
          toDoubles(reference.continuationLogProbs(scope, prompts, texts, false).tokenLogProbs());
      double[] policyTokens =
          toDoubles(policy.continuationLogProbs(scope, prompts, texts, false).tokenLogProbs());
      int width = referenceTokens.length / prompts.size();
      for (int row = 0; row < prompts.size(); row++) {
        int steps = texts.get(row).length;
        rewardMean += rewards[row] / prompts.size();
        trajectories.add(
            trajectory(
                label + "/" + step + "/demonstration/" + row,
                prompts.get(row),
                texts.get(row),
                Arrays.copyOfRange(policyTokens, row * width, row * width + steps),
                Arrays.copyOfRange(referenceTokens, row * width, row * width + steps),
                storedReward.against(rewards[row], theirCompletions.get(row)),
                step));
      }
    }
    metrics.put("demonstration_reward_mean", rewardMean);
    return trajectories;
  }

  /** One replay trajectory: {@code actions} after {@code prompt}, with their log-probabilities. */
  private static Trajectory trajectory(
      String id,
      ElmPrompt prompt,
      int[] actions,
      double[] behaviourLogProbs,
      double[] referenceLogProbs,
      double reward,
      long step) {
    return Trajectory.builder(id)
        .contexts(prompt.entities())
        .promptIds(prompt.tokenIds())
        .actionIds(actions)
        .behaviourLogProbs(behaviourLogProbs)
        .referenceLogProbs(referenceLogProbs)
        .reward(reward)
        .policyVersion(step)
        .build();
  }

  /**
   * {@code rewards}, once every one is finite; else the row, named as {@code what}, in an error.
   */
  private static double[] requireFinite(String label, long step, String what, double[] rewards) {
    for (int row = 0; row < rewards.length; row++) {
      if (!Double.isFinite(rewards[row])) {
        throw new IllegalStateException(
            label
                + " step "
                + (step + 1)
                + ": the reward of "
                + what
                + " "
                + row
                + " is "
                + rewards[row]
                + ", expected a finite value");
      }
    }
    return rewards;
  }

  private static double[] toDoubles(NDArray array) {
    return array.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
