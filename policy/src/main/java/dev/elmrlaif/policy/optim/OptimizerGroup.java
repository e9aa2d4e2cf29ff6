package dev.elmrlaif.policy.optim;

import java.util.function.Predicate;

/**
 * Per-parameter-group settings for {@link AdamW}, chosen by a predicate on the parameter's name: a
 * multiplier on the scheduled learning rate and the group's own decoupled weight decay (the {@code
 * param_groups} of {@code torch.optim}). The usual use is no weight decay on biases, LayerNorm
 * gains and embeddings: {@code OptimizerGroup.noWeightDecay("no-decay",
 * OptimizerGroup::isBiasNormOrEmbedding)}.
 *
 * @param label a name for logs and saved hyperparameters
 * @param members which parameter names belong to the group
 * @param learningRateScale multiplies the scheduled learning rate, {@code >= 0}
 * @param weightDecay the decoupled weight decay {@code lambda} of the group, {@code >= 0}
 */
public record OptimizerGroup(
    String label, Predicate<String> members, double learningRateScale, double weightDecay) {

  public OptimizerGroup {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("label must be a non-blank name, found \"" + label + "\"");
    }
    if (members == null) {
      throw new IllegalArgumentException(
          "members of group " + label + " must be a predicate, found null");
    }
    if (!(learningRateScale >= 0) || !Double.isFinite(learningRateScale)) {
      throw new IllegalArgumentException(
          "learningRateScale of group "
              + label
              + " must be a finite number >= 0, found "
              + learningRateScale);
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weightDecay of group " + label + " must be a finite number >= 0, found " + weightDecay);
    }
  }

  /** A group trained at the scheduled learning rate without weight decay. */
  public static OptimizerGroup noWeightDecay(String label, Predicate<String> members) {
    return new OptimizerGroup(label, members, 1.0, 0.0);
  }

  /**
   * Whether a Hugging Face GPT-2 style name is a bias, a LayerNorm parameter or an embedding table:
   * {@code *.bias}, {@code ln_*} / {@code *.ln_*}, {@code wte.*}, {@code wpe.*}. These are
   * conventionally excluded from weight decay.
   */
  public static boolean isBiasNormOrEmbedding(String name) {
    return name.endsWith(".bias")
        || name.startsWith("ln_")
        || name.contains(".ln_")
        || name.startsWith("wte.")
        || name.startsWith("wpe.");
  }
}
