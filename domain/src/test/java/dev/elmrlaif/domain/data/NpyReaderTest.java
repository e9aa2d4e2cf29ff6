package dev.elmrlaif.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.elmrlaif.domain.base.UserInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The .npy reader against hand-built files: dtypes, byte orders, header versions and every
 * rejection.
 */
class NpyReaderTest {
  /** A .npy file with the given header dict and raw data, in format version {@code major}. */
  private static byte[] npy(int major, String dict, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    String header =
        dict + " ".repeat(Math.floorMod(-(8 + lengthBytes + dict.length() + 1), 64)) + "\n";
    ByteBuffer out =
        ByteBuffer.allocate(8 + lengthBytes + header.length() + data.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      out.putShort((short) header.length());
    } else {
      out.putInt(header.length());
    }
    out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return out.array();
  }

  private static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(order);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static byte[] floats(ByteOrder order, float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void float32WriterRoundTrips() {
    float[] values = {1.5f, -2f, 0.25f, 3f, 4f, -0.125f};
    NpyReader.Matrix m = NpyReader.parse("w.npy", NpyReader.float32(2, 3, values));
    assertEquals(2, m.rows());
    assertEquals(3, m.columns());
    assertArrayEquals(values, m.values());
    assertArrayEquals(new float[] {3f, 4f, -0.125f}, m.row(1));
  }

  @Test
  void float64LittleEndianVersion2IsNarrowed() {
    byte[] file =
        npy(
            2,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1), }",
            doubles(ByteOrder.LITTLE_ENDIAN, 0.5, -1.25, 1e10));
    assertArrayEquals(new float[] {0.5f, -1.25f, 1e10f}, NpyReader.parse("d.npy", file).values());
  }

  @Test
  void bigEndianFloat32IsRead() {
    byte[] file =
        npy(
            1,
            "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }",
            floats(ByteOrder.BIG_ENDIAN, 7f, -8f));
    assertArrayEquals(new float[] {7f, -8f}, NpyReader.parse("b.npy", file).values());
  }

  private static String rejection(byte[] file) {
    return assertThrows(UserInputException.class, () -> NpyReader.parse("x.npy", file))
        .getMessage();
  }

  @Test
  void integerDtypeIsRejected() {
    assertEquals(
        "x.npy: .npy dtype '<i8'; expected float32 ('<f4') or float64 ('<f8')",
        rejection(
            npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", new byte[8])));
  }

  @Test
  void fortranOrderIsRejected() {
    assertEquals(
        "x.npy: .npy array is in Fortran order; expected C order (save numpy.ascontiguousarray(x))",
        rejection(
            npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16])));
  }

  @Test
  void oneDimensionalShapeIsRejected() {
    assertEquals(
        "x.npy: .npy shape (4,); expected two dimensions (entities, dimension)",
        rejection(
            npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[16])));
  }

  @Test
  void threeDimensionalShapeIsRejected() {
    assertEquals(
        "x.npy: .npy shape (1, 2, 2); expected two dimensions (entities, dimension)",
        rejection(
            npy(
                1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }",
                new byte[16])));
  }

  @Test
  void dataShorterThanTheShapeIsRejected() {
    assertEquals(
        "x.npy: .npy data holds 12 bytes; expected 16 for shape (2, 2) of float32",
        rejection(
            npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[12])));
  }

  @Test
  void unknownVersionAndBadMagicAreRejected() {
    assertEquals(
        "x.npy: .npy format version 9; expected version 1, 2 or 3",
        rejection(
            npy(9, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", new byte[4])));
    assertEquals(
        "x.npy: not a .npy file (bad magic at byte 1); expected a file written by numpy.save",
        rejection(new byte[] {(byte) 0x93, 'X', 'U'}));
  }

  @Test
  void headerWithoutShapeIsRejected() {
    assertEquals(
        "x.npy: .npy header has no 'shape' entry: {'descr': '<f4', 'fortran_order': False, }",
        rejection(npy(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[0])));
  }
}
