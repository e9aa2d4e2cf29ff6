package dev.elmrlaif.domain;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which entities of one kind are held out. Held-out entities reach no fitted component: not the
 * factorisation, the text encoder, the tokenizer or the language model; they are only evaluated on.
 */
public final class Split {
  private final String kind;
  private final boolean[] heldOut;
  private final int[] trainIndices;
  private final int[] heldOutIndices;

  public Split(String kind, boolean[] heldOut) {
    this.kind = kind;
    this.heldOut = heldOut.clone();
    int held = 0;
    for (boolean h : heldOut) {
      held += h ? 1 : 0;
    }
    this.trainIndices = new int[heldOut.length - held];
    this.heldOutIndices = new int[held];
    int t = 0;
    int h = 0;
    for (int i = 0; i < heldOut.length; i++) {
      if (heldOut[i]) {
        heldOutIndices[h++] = i;
      } else {
        trainIndices[t++] = i;
      }
    }
  }

  /**
   * Holds out {@code round(fraction · size)} entities chosen uniformly at random by {@code seed} (a
   * partial Fisher-Yates shuffle), so the same seed always holds out the same entities.
   */
  public static Split random(String kind, int size, double fraction, long seed) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "held-out fraction for '" + kind + "' must be in [0, 1), found " + fraction);
    }
    int count = (int) Math.round(fraction * size);
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed ^ kind.hashCode());
    boolean[] held = new boolean[size];
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(size - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
      held[order[i]] = true;
    }
    return new Split(kind, held);
  }

  /** The entity kind this split applies to. */
  public String kind() {
    return kind;
  }

  /** How many entities the split covers. */
  public int size() {
    return heldOut.length;
  }

  /** Whether entity {@code index} is held out. */
  public boolean isHeldOut(int index) {
    return heldOut[index];
  }

  /** The training entities' indices, ascending. */
  public int[] trainIndices() {
    return trainIndices.clone();
  }

  /** The held-out entities' indices, ascending. */
  public int[] heldOutIndices() {
    return heldOutIndices.clone();
  }

  /** How many entities are in the training split. */
  public int trainCount() {
    return trainIndices.length;
  }

  /** How many entities are held out. */
  public int heldOutCount() {
    return heldOutIndices.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Split s && s.kind.equals(kind) && Arrays.equals(s.heldOut, heldOut);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Arrays.hashCode(heldOut);
  }
}
