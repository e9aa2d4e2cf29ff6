package dev.elmrlaif.algorithms.rl;

import dev.elmrlaif.critics.CriticConfig;
import dev.elmrlaif.critics.CriticTrunk;
import dev.elmrlaif.critics.QHead;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A critic's architecture, the one record behind both {@code sac.critic} (SAC's Q and V critics)
 * and {@code soft_q.critic} (soft-Q's Q critic, whose head emits {@code Q(s,·)} over the
 * vocabulary), mapped onto the critics module's {@link CriticConfig}: linear heads on the frozen
 * reference model's hidden states, or on a small transformer of the critic's own; a Q head full or
 * tied to the trunk's output embedding ({@link QHead}).
 */
@RecordBuilder
public record CriticArchitectureConfig(
    @Doc(
            "shared_frozen: heads on the frozen reference model's hidden states; separate: a small"
                + " transformer of the critic's own, trained with its heads")
        @Default("shared_frozen")
        CriticTrunk trunk,
    @Doc("Separate trunk only: transformer blocks") @Range(min = 1) @Default("2") int layers,
    @Doc("Separate trunk only: attention heads") @Range(min = 1) @Default("2") int heads,
    @Doc("Separate trunk only: width, a multiple of heads") @Range(min = 1) @Default("64")
        int dModel,
    @Doc(
            "Q critic only: full: Q(s,.) = h W + b, one weight vector per token; tied: Q(s,.) = (h A)"
                + " E^T + b, E the trunk's output embedding (d*d + V parameters instead of d*V + V;"
                + " a token's value follows from its embedding)")
        @Default("full")
        QHead qHead,
    @Doc(
            "Standard deviation of the heads' initial weights (0: every value starts at 0, so soft-Q's"
                + " pi* starts at pi_ref)")
        @Range(min = 0)
        @Default("0.0")
        double headInitStd)
    implements CriticArchitectureConfigBuilder.With {

  public CriticArchitectureConfig {
    if (trunk == null) {
      throw new ConfigException("trunk", "missing, expected shared_frozen or separate");
    }
    if (qHead == null) {
      throw new ConfigException("q_head", "missing, expected full or tied");
    }
    if (layers < 1 || heads < 1 || dModel < 1 || dModel % heads != 0) {
      throw new ConfigException(
          "",
          "found layers="
              + layers
              + " heads="
              + heads
              + " d_model="
              + dModel
              + ", expected positive integers with d_model a multiple of heads");
    }
  }

  /**
   * Zero-initialised full heads on the frozen shared trunk (separate-trunk sizes: 2 layers, 2
   * heads, 64).
   */
  public static CriticArchitectureConfig defaults() {
    return ConfigKeys.defaults(CriticArchitectureConfig.class);
  }

  /** The critics module's config, with the given initialisation seed. */
  public CriticConfig toCriticConfig(long seed) {
    return new CriticConfig(trunk, layers, heads, dModel, qHead, headInitStd, seed);
  }
}
