package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every attention layer for the positions decoded so far, preallocated to a
 * fixed capacity so that a decode step writes one column in place instead of concatenating (each op
 * is a native call: fewer, larger ops per step). It also carries the key-padding mask of the batch:
 * 1 for real positions, 0 for the left padding of shorter prompts.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keysAndValues;
  private final NDArray keyMask;
  private final NDArray additivePadding;
  private final CausalLm.Scalars scalars;
  private final int capacity;
  private final boolean hasPadding;
  private int length;

  /**
   * @param parent manager whose device and lifetime the cache follows; the cache owns a child
   * @param config the model whose layers and heads are cached
   * @param batch rows
   * @param capacity positions to reserve (prompt plus new tokens)
   * @param dataType element type of the model
   * @param keyMask 1/0 per row and position, length {@code capacity}
   */
  public KvCache(
      NDManager parent,
      GptConfig config,
      int batch,
      int capacity,
      DataType dataType,
      float[][] keyMask) {
    if (keyMask.length != batch) {
      throw new IllegalArgumentException(
          "KvCache.keyMask: found " + keyMask.length + " rows, expected batch=" + batch);
    }
    this.manager = parent.newSubManager();
    this.capacity = capacity;
    // Keys and values of a layer in one tensor, so a step writes and reads both with one call each.
    Shape shape = new Shape(2, batch, config.heads(), capacity, config.headDim());
    keysAndValues = new NDArray[config.layers()];
    for (int layer = 0; layer < config.layers(); layer++) {
      keysAndValues[layer] = manager.zeros(shape, dataType);
    }
    float[] flat = new float[batch * capacity];
    boolean padded = false;
    for (int row = 0; row < batch; row++) {
      if (keyMask[row].length != capacity) {
        throw new IllegalArgumentException(
            "KvCache.keyMask["
                + row
                + "]: found length "
                + keyMask[row].length
                + ", expected capacity="
                + capacity);
      }
      System.arraycopy(keyMask[row], 0, flat, row * capacity, capacity);
      for (float value : keyMask[row]) {
        padded |= value == 0f;
      }
    }
    this.hasPadding = padded;
    this.keyMask = manager.create(flat, new Shape(batch, capacity)).toType(dataType, false);
    this.additivePadding = padded ? CausalLm.additivePadding(this.keyMask, dataType) : null;
    this.scalars = CausalLm.scalars(config, manager, dataType);
    // The cache owns these for its whole life, even when made inside a step's NDScope.
    NDScope.unregister(keysAndValues);
    NDScope.unregister(
        this.keyMask, scalars.attentionScale(), scalars.geluCubic(), scalars.geluLinear());
    if (additivePadding != null) {
      NDScope.unregister(additivePadding);
    }
  }

  /** Positions already written. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  /** Whether any position is padding; without padding, decode steps need no mask at all. */
  public boolean hasPadding() {
    return hasPadding;
  }

  /**
   * Writes the new keys and values of one layer, {@code [2, B, H, T, hd]} (keys first), at the
   * current end.
   */
  void write(int layer, NDArray newKeysAndValues) {
    long steps = newKeysAndValues.getShape().get(3);
    if (length + steps > capacity) {
      throw new IllegalStateException(
          "KvCache: writing "
              + steps
              + " positions after "
              + length
              + " exceeds capacity "
              + capacity);
    }
    NDIndex slot = new NDIndex().addAllDim(3).addSliceDim(length, length + steps);
    keysAndValues[layer].set(slot, newKeysAndValues);
  }

  /**
   * The keys and values {@code [2, B, H, upTo, hd]} of one layer for positions {@code [0, upTo)}, a
   * view of the cache.
   */
  NDArray keysAndValues(int layer, long upTo) {
    return keysAndValues[layer].get(new NDIndex().addAllDim(3).addSliceDim(0, upTo));
  }

  /**
   * The additive padding mask {@code [B, 1, 1, upTo]} (see {@link CausalLm#additivePadding}), a
   * view of the one made at construction, so a decode step does not rebuild it from the key mask.
   */
  NDArray additivePadding(long upTo) {
    return additivePadding.get(new NDIndex().addAllDim(3).addSliceDim(0, upTo));
  }

  /** The model's constant scalars, made once in this cache's manager for every decode step. */
  CausalLm.Scalars scalars() {
    return scalars;
  }

  /** Marks {@code steps} more positions as written, after every layer wrote them. */
  void advance(long steps) {
    length += (int) steps;
  }

  @Override
  public void close() {
    manager.close();
  }
}
