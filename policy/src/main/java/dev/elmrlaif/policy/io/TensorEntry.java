package dev.elmrlaif.policy.io;

import ai.djl.ndarray.types.Shape;

/**
 * One tensor's line in a safetensors header: its element type, shape and the byte range {@code
 * [begin, end)} it occupies, counted from the first byte after the header.
 */
public record TensorEntry(String name, SafetensorsDType dtype, Shape shape, long begin, long end) {

  /** Number of bytes the tensor's data takes in the file. */
  public long byteLength() {
    return end - begin;
  }
}
