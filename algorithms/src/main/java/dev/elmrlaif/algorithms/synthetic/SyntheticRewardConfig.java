package dev.elmrlaif.algorithms.synthetic;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Map;

/**
 * The terminal reward {@code r(y)} of the synthetic CoMDP (YAML section {@code synthetic.reward}).
 * Sequences are written as space-separated token ids, token 0 being the end token, e.g. {@code "2 1
 * 0"}.
 */
@RecordBuilder
public record SyntheticRewardConfig(
    @Doc(
            "table: r(y) from `table` (0 for sequences not listed); token_count: scale * (number of"
                + " `token` in y); random: scale * U(0,1) per sequence, drawn from the seed")
        @Default("random")
        Kind kind,
    @Doc("token_count only: the token id whose occurrences are rewarded")
        @Range(min = 0)
        @Default("1")
        int token,
    @Doc("Multiplies the token count or the uniform draw") @Default("1.0") double scale,
    @Doc("table only: reward per complete sequence, keyed by its token ids, e.g. \"2 1 0\": 1.5")
        @Default("{}")
        Map<String, Double> table)
    implements SyntheticRewardConfigBuilder.With {

  /** How the reward is defined. */
  public enum Kind {
    /** {@code r(y) = table[y]}, 0 for sequences the table does not list. */
    TABLE,
    /** {@code r(y) = scale · #{t : y_t = token}}. */
    TOKEN_COUNT,
    /** {@code r(y) = scale · u_y}, {@code u_y ~ U(0,1)} i.i.d. per sequence from the seed. */
    RANDOM
  }

  public SyntheticRewardConfig {
    if (kind == null) {
      throw new ConfigException("kind", "missing, expected table, token_count or random");
    }
    table = Map.copyOf(table == null ? Map.of() : table);
    for (Map.Entry<String, Double> entry : table.entrySet()) {
      if (entry.getValue() == null || !Double.isFinite(entry.getValue())) {
        throw new ConfigException(
            "table.\"" + entry.getKey() + "\"",
            "found " + entry.getValue() + ", expected a finite reward");
      }
    }
  }

  /** Random rewards in [0, 1). */
  public static SyntheticRewardConfig defaults() {
    return ConfigKeys.defaults(SyntheticRewardConfig.class);
  }
}
