package dev.elmrlaif.policy.io;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * The element types a safetensors file may hold, with their on-disk width and the DJL type an array
 * of that kind becomes when read. Half-precision types ({@code F16}, {@code BF16}) are widened to
 * float32 on read, and {@code I16} to int32, so {@link #loadedType()} differs from {@link
 * #storedType()} for them. (DJL 0.36's PyTorch engine aborts the JVM when it creates or converts to
 * a bfloat16 or int16 array, so those two are widened in Java and never reach it.)
 */
public enum SafetensorsDType {
  F64(DataType.FLOAT64, DataType.FLOAT64, 8),
  F32(DataType.FLOAT32, DataType.FLOAT32, 4),
  F16(DataType.FLOAT16, DataType.FLOAT32, 2),
  BF16(DataType.BFLOAT16, DataType.FLOAT32, 2),
  I64(DataType.INT64, DataType.INT64, 8),
  I32(DataType.INT32, DataType.INT32, 4),
  I16(DataType.INT16, DataType.INT32, 2),
  I8(DataType.INT8, DataType.INT8, 1),
  U8(DataType.UINT8, DataType.UINT8, 1),
  BOOL(DataType.BOOLEAN, DataType.BOOLEAN, 1);

  private final DataType storedType;
  private final DataType loadedType;
  private final int bytesPerElement;

  SafetensorsDType(DataType storedType, DataType loadedType, int bytesPerElement) {
    this.storedType = storedType;
    this.loadedType = loadedType;
    this.bytesPerElement = bytesPerElement;
  }

  /** The DJL type whose raw bytes this file type holds. */
  public DataType storedType() {
    return storedType;
  }

  /** The DJL type of the array {@link Safetensors#read} returns for a tensor of this type. */
  public DataType loadedType() {
    return loadedType;
  }

  /** Bytes one element takes in the file. */
  public int bytesPerElement() {
    return bytesPerElement;
  }

  /** The file type for a header's {@code dtype} string, if it is one this reader knows. */
  public static Optional<SafetensorsDType> fromHeaderName(String name) {
    for (SafetensorsDType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The file type that stores a DJL array of {@code type} without conversion. */
  public static Optional<SafetensorsDType> forStoredType(DataType type) {
    for (SafetensorsDType candidate : values()) {
      if (candidate.storedType == type) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
