package dev.elmrlaif.domain.data;

import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npy} file holding a two-dimensional float32 or float64 array in C order,
 * the way most embedding pipelines save their vectors ({@code numpy.save}). Format
 * (numpy.lib.format): the magic {@code \x93NUMPY}, a major and minor version byte, the header
 * length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), an ASCII Python dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, columns), }}, then the raw
 * values. Anything else (other dtypes, Fortran order, other ranks, a short file) is a user error
 * naming the file and what was expected.
 */
public final class NpyReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR =
      Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /** A rows × columns matrix read from a file, as float32 values in row-major order. */
  public record Matrix(int rows, int columns, float[] values) {
    /** Row {@code r} as a new array. */
    public float[] row(int r) {
      float[] out = new float[columns];
      System.arraycopy(values, r * columns, out, 0, columns);
      return out;
    }
  }

  /** Reads {@code file}; see the class comment for what is accepted. */
  public static Matrix read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UserInputException(
          file + ": cannot read the .npy file (" + e.getMessage() + ")", e);
    }
    return parse(file.toString(), bytes);
  }

  /** Parses the bytes of a .npy file; {@code source} names it in error messages. */
  static Matrix parse(String source, byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new UserInputException(
            source
                + ": not a .npy file (bad magic at byte "
                + i
                + "); expected a file written by numpy.save");
      }
    }
    if (bytes.length < 10) {
      throw new UserInputException(
          source + ": .npy header is truncated; expected a version and header length");
    }
    int major = bytes[6] & 0xff;
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = buffer.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new UserInputException(
            source + ": .npy header is truncated; expected a 4-byte header length");
      }
      headerLength = buffer.getInt(8);
      headerStart = 12;
    } else {
      throw new UserInputException(
          source + ": .npy format version " + major + "; expected version 1, 2 or 3");
    }
    if (headerLength < 0 || headerStart + (long) headerLength > bytes.length) {
      throw new UserInputException(
          source
              + ": .npy header length "
              + headerLength
              + " runs past the end of the "
              + bytes.length
              + "-byte file");
    }
    String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);

    Matcher descr = DESCR.matcher(header);
    if (!descr.find()) {
      throw new UserInputException(source + ": .npy header has no 'descr' entry: " + header.trim());
    }
    String kind = descr.group(2);
    int itemSize = Integer.parseInt(descr.group(3));
    if (!kind.equals("f") || (itemSize != 4 && itemSize != 8)) {
      throw new UserInputException(
          source
              + ": .npy dtype '"
              + descr.group(1)
              + kind
              + itemSize
              + "'; expected float32 ('<f4') or float64 ('<f8')");
    }
    ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

    Matcher fortran = FORTRAN.matcher(header);
    if (!fortran.find()) {
      throw new UserInputException(
          source + ": .npy header has no 'fortran_order' entry: " + header.trim());
    }
    if (fortran.group(1).equals("True")) {
      throw new UserInputException(
          source
              + ": .npy array is in Fortran order; expected C order "
              + "(save numpy.ascontiguousarray(x))");
    }

    Matcher shape = SHAPE.matcher(header);
    if (!shape.find()) {
      throw new UserInputException(source + ": .npy header has no 'shape' entry: " + header.trim());
    }
    String[] dims = shape.group(1).split(",");
    long[] sizes = new long[2];
    int rank = 0;
    for (String dim : dims) {
      if (dim.isBlank()) {
        continue;
      }
      if (rank == 2) {
        rank++;
        break;
      }
      try {
        sizes[rank++] = Long.parseLong(dim.trim());
      } catch (NumberFormatException e) {
        throw new UserInputException(
            source + ": .npy shape (" + shape.group(1) + ") is not a tuple of integers");
      }
    }
    if (rank != 2) {
      throw new UserInputException(
          source
              + ": .npy shape ("
              + shape.group(1).trim()
              + "); expected two dimensions (entities, dimension)");
    }
    long count = sizes[0] * sizes[1];
    if (sizes[1] < 1 || count > Integer.MAX_VALUE) {
      throw new UserInputException(
          source
              + ": .npy shape ("
              + sizes[0]
              + ", "
              + sizes[1]
              + "); expected at least one column and fewer than 2^31 values");
    }
    int dataStart = headerStart + headerLength;
    long expectedBytes = count * itemSize;
    if (bytes.length - dataStart != expectedBytes) {
      throw new UserInputException(
          source
              + ": .npy data holds "
              + (bytes.length - dataStart)
              + " bytes; expected "
              + expectedBytes
              + " for shape ("
              + sizes[0]
              + ", "
              + sizes[1]
              + ") of "
              + (itemSize == 4 ? "float32" : "float64"));
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) expectedBytes).slice().order(order);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = itemSize == 4 ? data.getFloat(i * 4) : (float) data.getDouble(i * 8);
    }
    return new Matrix((int) sizes[0], (int) sizes[1], values);
  }

  /**
   * The bytes of a version 1.0 .npy file of a C-order float32 matrix (the writer the example
   * generator uses).
   */
  public static byte[] float32(int rows, int columns, float[] values) {
    if (values.length != rows * columns) {
      throw new IllegalArgumentException(
          values.length + " values for shape (" + rows + ", " + columns + ")");
    }
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
    int unpadded = 10 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteBuffer out =
        ByteBuffer.allocate(10 + header.length() + values.length * 4)
            .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float v : values) {
      out.putFloat(v);
    }
    return out.array();
  }
}
