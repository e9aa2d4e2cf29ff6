package dev.elmrlaif.critics;

/**
 * How a {@link QCritic} or {@link VCritic} is built: its {@link CriticTrunk}, the shape of a {@link
 * CriticTrunk#SEPARATE separate} trunk, the form of a Q critic's head ({@link QHead}), the initial
 * scale of the head and the seed of every random initialisation. The YAML mapping lives in the
 * application (its {@code sac} section); this record only validates.
 *
 * @param trunk which trunk reads the sequence
 * @param layers transformer blocks of a separate trunk (ignored for shared_frozen)
 * @param heads attention heads of a separate trunk (ignored for shared_frozen)
 * @param dModel width of a separate trunk, a multiple of {@code heads} (ignored for shared_frozen)
 * @param qHead the form of a {@link QCritic}'s head (a {@link VCritic} ignores it)
 * @param headInitStd standard deviation of the head's initial weights ({@code 0} starts every value
 *     at exactly 0); the head's bias starts at 0
 * @param seed seed of the head's (and a separate trunk's) initialisation
 */
public record CriticConfig(
    CriticTrunk trunk,
    int layers,
    int heads,
    int dModel,
    QHead qHead,
    double headInitStd,
    long seed) {

  public CriticConfig {
    if (trunk == null) {
      throw new IllegalArgumentException(
          "critic.trunk: missing, expected shared_frozen or separate");
    }
    if (qHead == null) {
      throw new IllegalArgumentException("critic.q_head: missing, expected full or tied");
    }
    requirePositive("critic.layers", layers);
    requirePositive("critic.heads", heads);
    requirePositive("critic.d_model", dModel);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "critic.d_model: found " + dModel + ", expected a multiple of critic.heads=" + heads);
    }
    if (!(headInitStd >= 0) || Double.isInfinite(headInitStd)) {
      throw new IllegalArgumentException(
          "critic.head_init_std: found " + headInitStd + ", expected a finite value >= 0");
    }
  }

  /** Full heads on the frozen trunk, zero-initialised, seed 0: the cheapest critic. */
  public static CriticConfig defaults() {
    return new CriticConfig(CriticTrunk.SHARED_FROZEN, 2, 2, 64, QHead.FULL, 0.0, 0L);
  }

  /** Heads on a frozen shared trunk (the trunk's sizes keep their defaults and are unused). */
  public static CriticConfig sharedFrozen(double headInitStd, long seed) {
    return defaults().toBuilder().headInitStd(headInitStd).seed(seed).build();
  }

  /** A separate trunk of {@code layers} blocks, {@code heads} heads and width {@code dModel}. */
  public static CriticConfig separate(
      int layers, int heads, int dModel, double headInitStd, long seed) {
    return new CriticConfig(
        CriticTrunk.SEPARATE, layers, heads, dModel, QHead.FULL, headInitStd, seed);
  }

  /** This config with another seed (e.g. one per critic of a trainer). */
  public CriticConfig withSeed(long newSeed) {
    return new CriticConfig(trunk, layers, heads, dModel, qHead, headInitStd, newSeed);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link CriticConfig} field by field; {@link #build()} validates. */
  public static final class Builder {
    private CriticTrunk trunk;
    private int layers;
    private int heads;
    private int dModel;
    private QHead qHead;
    private double headInitStd;
    private long seed;

    private Builder(CriticConfig from) {
      trunk = from.trunk;
      layers = from.layers;
      heads = from.heads;
      dModel = from.dModel;
      qHead = from.qHead;
      headInitStd = from.headInitStd;
      seed = from.seed;
    }

    public Builder trunk(CriticTrunk value) {
      trunk = value;
      return this;
    }

    public Builder layers(int value) {
      layers = value;
      return this;
    }

    public Builder heads(int value) {
      heads = value;
      return this;
    }

    public Builder dModel(int value) {
      dModel = value;
      return this;
    }

    public Builder qHead(QHead value) {
      qHead = value;
      return this;
    }

    public Builder headInitStd(double value) {
      headInitStd = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public CriticConfig build() {
      return new CriticConfig(trunk, layers, heads, dModel, qHead, headInitStd, seed);
    }
  }

  private static void requirePositive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + ": found " + value + ", expected an integer >= 1");
    }
  }
}
