package dev.elmrlaif.policy.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path folder;
  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /**
   * Every type the PyTorch engine can hold round-trips bit for bit; F16 comes back as float32 with
   * the same values. (BF16 and I16 arrays abort DJL 0.36's PyTorch engine, so they are read-only:
   * see {@link #handWrittenFileReadsBackIncludingNarrowTypes}.)
   */
  @Test
  void everyDtypeRoundTripsExactlyAndKeepsOrderAndMetadata() throws IOException {
    float[] halfExact = {1f, -2f, 0.5f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY};
    LinkedHashMap<String, NDArray> written = new LinkedHashMap<>();
    written.put(
        "z.f32",
        manager.create(
            new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE, 3.1415927f},
            new Shape(2, 3)));
    written.put("y.f64", manager.create(new double[] {Math.PI, -1e300, Double.MIN_VALUE}));
    written.put("x.f16", manager.create(halfExact).toType(DataType.FLOAT16, false));
    written.put("v.i64", manager.create(new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -7}));
    written.put("u.i32", manager.create(new int[] {Integer.MIN_VALUE, 42}, new Shape(1, 2)));
    written.put("s.i8", manager.create(new byte[] {-128, 127, 0}));
    written.put("r.u8", rawArray(DataType.UINT8, new Shape(3), 0, 200, 255));
    written.put("q.bool", manager.create(new boolean[] {true, false, true}));
    written.put("p.scalar", manager.create(2.5f));
    written.put("o.empty", manager.zeros(new Shape(0, 4)));
    Map<String, String> metadata = Map.of("format", "pt", "step", "17");
    Path file = folder.resolve("all.safetensors");

    Safetensors.write(file, written, metadata);
    SafetensorsContent read = Safetensors.read(file, manager);

    assertEquals(List.copyOf(written.keySet()), List.copyOf(read.tensors().keySet()));
    assertEquals(metadata, read.metadata());
    for (String name : written.keySet()) {
      NDArray original = written.get(name);
      NDArray loaded = read.tensors().get(name);
      assertEquals(original.getShape(), loaded.getShape(), name);
      if (name.endsWith("f16")) {
        assertEquals(DataType.FLOAT32, loaded.getDataType(), name);
        assertArrayEquals(bitsOf(halfExact), bitsOf(loaded.toFloatArray()), name);
      } else {
        assertEquals(original.getDataType(), loaded.getDataType(), name);
        assertArrayEquals(bytesOf(original), bytesOf(loaded), name);
      }
    }
  }

  /** DJL's own codec is an independent implementation of the format: each reads the other. */
  @Test
  void interoperatesWithDjlsSafetensorsCodec() throws IOException {
    NDArray alpha = manager.create(new float[] {1f, -2f, 3.5f, 4f}, new Shape(2, 2));
    alpha.setName("alpha");
    NDArray beta = manager.create(new long[] {-5L, 6L});
    beta.setName("beta");
    Path djlFile = folder.resolve("djl.safetensors");
    try (OutputStream out = Files.newOutputStream(djlFile)) {
      new NDList(alpha, beta).encode(out, NDList.Encoding.SAFETENSORS);
    }
    SafetensorsContent fromDjl = Safetensors.read(djlFile, manager);
    assertEquals(Set.of("alpha", "beta"), fromDjl.tensors().keySet());
    assertEquals(alpha, fromDjl.tensors().get("alpha"));
    assertEquals(beta, fromDjl.tensors().get("beta"));

    Path ourFile = folder.resolve("ours.safetensors");
    LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("alpha", alpha);
    tensors.put("beta", beta);
    Safetensors.write(ourFile, tensors, Map.of("format", "pt"));
    NDList decoded = NDList.decode(manager, Files.readAllBytes(ourFile));
    assertEquals(2, decoded.size());
    for (NDArray array : decoded) {
      assertEquals(tensors.get(array.getName()), array, array.getName());
    }
  }

  @Test
  void nonContiguousArrayIsWrittenInLogicalOrder() throws IOException {
    NDArray transposed = manager.arange(6f).reshape(2, 3).transpose();
    Path file = folder.resolve("t.safetensors");
    int arraysBefore = manager.getManagedArrays().size();
    Safetensors.write(file, Map.of("t", transposed), Map.of());
    assertEquals(arraysBefore, manager.getManagedArrays().size(), "the contiguous copy is freed");
    NDArray loaded = Safetensors.read(file, manager).tensors().get("t");
    assertEquals(new Shape(3, 2), loaded.getShape());
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, loaded.toFloatArray());
  }

  @Test
  void writerOutputMatchesTheSpecByteForByte() throws IOException {
    LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("b", manager.create(new float[] {1f, -2f}));
    tensors.put("a", manager.create(new long[] {3L}));
    Path file = folder.resolve("spec.safetensors");
    Safetensors.write(file, tensors, Map.of("k", "v"));

    String json =
        "{\"__metadata__\":{\"k\":\"v\"},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    byte[] expected =
        handWritten(
            json,
            new byte[] {
              0,
              0,
              (byte) 0x80,
              0x3f, // 1.0f little-endian
              0,
              0,
              0,
              (byte) 0xc0, // -2.0f
              3,
              0,
              0,
              0,
              0,
              0,
              0,
              0
            }); // 3L
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  @Test
  void handWrittenFileReadsBackIncludingNarrowTypes() throws IOException {
    String json =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
            + "\"__metadata__\":{\"format\":\"pt\"},"
            + "\"g\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
            + "\"i\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[12,16]},"
            + "\"s\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[16,20]}}";
    byte[] data = {
      0x00,
      0x3c, // F16 1.0
      0x00,
      (byte) 0xc0, // F16 -2.0
      0x01,
      0x00, // F16 smallest subnormal 2^-24
      0x00,
      0x7c, // F16 +inf
      (byte) 0x80,
      0x3f, // BF16 1.0
      0x49,
      0x40, // BF16 3.140625
      (byte) 0xfe,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff, // I32 -2
      0x00,
      (byte) 0x80, // I16 -32768
      (byte) 0xff,
      0x7f
    }; // I16 32767
    Path file = folder.resolve("hand.safetensors");
    Files.write(file, handWritten(json, data));

    SafetensorsContent read = Safetensors.read(file, manager);

    assertEquals(List.of("h", "g", "i", "s"), List.copyOf(read.tensors().keySet()));
    assertEquals(Map.of("format", "pt"), read.metadata());
    NDArray h = read.tensors().get("h");
    assertEquals(new Shape(2, 2), h.getShape());
    assertArrayEquals(new float[] {1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY}, h.toFloatArray());
    assertArrayEquals(new float[] {1f, 3.140625f}, read.tensors().get("g").toFloatArray());
    NDArray i = read.tensors().get("i");
    assertEquals(new Shape(), i.getShape());
    assertEquals(-2, i.getInt());
    NDArray s = read.tensors().get("s");
    assertEquals(DataType.INT32, s.getDataType());
    assertArrayEquals(new int[] {-32768, 32767}, s.toIntArray());
    assertEquals("h", h.getName());
  }

  @Test
  void halfConversionAgreesWithTheEngineForAllBitPatterns() {
    ByteBuffer patterns = ByteBuffer.allocateDirect(2 * 65536).order(ByteOrder.LITTLE_ENDIAN);
    for (int bits = 0; bits < 65536; bits++) {
      patterns.putShort((short) bits);
    }
    float[] engine;
    try (NDArray halves = manager.create(patterns.flip(), new Shape(65536), DataType.FLOAT16);
        NDArray floats = halves.toType(DataType.FLOAT32, false)) {
      engine = floats.toFloatArray();
    }
    for (int bits = 0; bits < 65536; bits++) {
      float mine = Safetensors.halfToFloat((short) bits);
      boolean bothNan = Float.isNaN(mine) && Float.isNaN(engine[bits]);
      assertTrue(
          bothNan || Float.floatToIntBits(mine) == Float.floatToIntBits(engine[bits]),
          "F16 bits 0x" + Integer.toHexString(bits) + ": " + mine + " vs " + engine[bits]);
    }
  }

  @Test
  void halfTensorLargerThanOneWideningChunkReadsBackWhole() throws IOException {
    int elements = (1 << 21) + 7; // 4 MiB + 14 bytes of F16: one full 4 MiB chunk, one partial
    NDArray halves = manager.randomNormal(new Shape(elements)).toType(DataType.FLOAT16, false);
    Path file = folder.resolve("big-f16.safetensors");
    Safetensors.write(file, Map.of("h", halves), Map.of());

    NDArray loaded = Safetensors.read(file, manager).tensors().get("h");

    assertEquals(DataType.FLOAT32, loaded.getDataType());
    assertArrayEquals(halves.toType(DataType.FLOAT32, false).toFloatArray(), loaded.toFloatArray());
  }

  @Test
  void bfloat16IsTheUpperHalfOfAFloat() {
    assertEquals(1f, Safetensors.bfloat16ToFloat((short) 0x3f80));
    assertEquals(-3.140625f, Safetensors.bfloat16ToFloat((short) 0xc049));
    assertEquals(0x1p-133f, Safetensors.bfloat16ToFloat((short) 0x0001));
    assertEquals(Float.NEGATIVE_INFINITY, Safetensors.bfloat16ToFloat((short) 0xff80));
    assertTrue(Float.isNaN(Safetensors.bfloat16ToFloat((short) 0x7fc0)));
    assertEquals(
        Float.floatToRawIntBits(-0f),
        Float.floatToRawIntBits(Safetensors.bfloat16ToFloat((short) 0x8000)));
  }

  @Test
  void readsTensorsPastTwoGibibytesOfFileWithoutLoadingTheRest() throws IOException {
    long bigBytes = (1L << 31) + 8;
    String json =
        "{\"big\":{\"dtype\":\"U8\",\"shape\":["
            + bigBytes
            + "],\"data_offsets\":[0,"
            + bigBytes
            + "]},\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":["
            + bigBytes
            + ","
            + (bigBytes + 8)
            + "]}}";
    byte[] head = handWritten(json, new byte[0]);
    Path file = folder.resolve("sparse.safetensors");
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.SPARSE)) {
      channel.write(ByteBuffer.wrap(head), 0);
      ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      tail.putFloat(0.25f).putFloat(-8f).flip();
      channel.write(tail, head.length + bigBytes);
    }

    SafetensorsHeader header = Safetensors.readHeader(file);
    assertEquals(List.of("big", "tail"), List.copyOf(header.tensors().keySet()));
    assertEquals(bigBytes, header.tensors().get("big").byteLength());

    SafetensorsContent tailOnly = Safetensors.read(file, manager, "tail"::equals);
    assertEquals(List.of("tail"), List.copyOf(tailOnly.tensors().keySet()));
    assertArrayEquals(new float[] {0.25f, -8f}, tailOnly.tensors().get("tail").toFloatArray());

    IOException tooBig = assertThrows(IOException.class, () -> Safetensors.read(file, manager));
    assertTrue(tooBig.getMessage().contains(file.toString()), tooBig.getMessage());
    assertTrue(tooBig.getMessage().contains("\"big\""), tooBig.getMessage());
  }

  @Test
  void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
    Path file = folder.resolve("nested/ckpt.safetensors");
    Safetensors.write(file, Map.of("a", manager.create(new float[] {1f})), Map.of());
    Safetensors.write(file, Map.of("a", manager.create(new float[] {2f})), Map.of());
    assertArrayEquals(
        new float[] {2f}, Safetensors.read(file, manager).tensors().get("a").toFloatArray());
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }
    Path plainFile = Files.createFile(folder.resolve("plain"));
    assertEquals(
        Files.getPosixFilePermissions(plainFile),
        Files.getPosixFilePermissions(file),
        "a checkpoint gets the same permissions (umask) as any new file, not owner-only");
  }

  @Test
  void writeRejectsTheReservedMetadataName() {
    Path file = folder.resolve("bad.safetensors");
    IllegalArgumentException reserved =
        assertThrows(
            IllegalArgumentException.class,
            () -> Safetensors.write(file, Map.of("__metadata__", manager.create(1f)), Map.of()));
    assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void truncatedAndMalformedFilesFailNamingTheFile() throws IOException {
    String good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    byte[] goodBytes = handWritten(good, new byte[8]);

    assertFailure("short.safetensors", new byte[] {1, 2, 3}, "truncated");
    assertFailure("cut-header.safetensors", Arrays.copyOf(goodBytes, 20), "truncated");
    assertFailure(
        "cut-data.safetensors", Arrays.copyOf(goodBytes, goodBytes.length - 1), "truncated");
    assertFailure("huge-length.safetensors", longLe(-1L), "header length");
    assertFailure(
        "not-json.safetensors", handWritten("{\"a\": [1,", new byte[0]), "not valid JSON");
    assertFailure("array-root.safetensors", handWritten("[1,2]", new byte[0]), "JSON object");
    assertFailure(
        "dtype.safetensors",
        handWritten(good.replace("F32", "Q4"), new byte[8]),
        "unknown dtype \"Q4\"");
    assertFailure(
        "offsets.safetensors",
        handWritten(good.replace("[0,8]", "[8,16]"), new byte[8]),
        "out of range");
    assertFailure(
        "reversed.safetensors",
        handWritten(good.replace("[0,8]", "[8,0]"), new byte[8]),
        "begin after end");
    assertFailure(
        "size.safetensors", handWritten(good.replace("[2]", "[3]"), new byte[8]), "need 12");
    assertFailure(
        "negative.safetensors",
        handWritten(good.replace("[2]", "[-2]"), new byte[8]),
        "non-negative integers");
    assertFailure(
        "no-dtype.safetensors",
        handWritten(good.replace("\"dtype\":\"F32\",", ""), new byte[8]),
        "\"dtype\"");
    assertFailure(
        "metadata.safetensors",
        handWritten("{\"__metadata__\":{\"n\":1}}", new byte[0]),
        "must hold a string");
    assertFailure(
        "duplicate.safetensors",
        handWritten(
            good.replace("}}", "},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"),
            new byte[8]),
        "not valid JSON");
  }

  private void assertFailure(String fileName, byte[] content, String expectedProblem)
      throws IOException {
    Path file = folder.resolve(fileName);
    Files.write(file, content);
    SafetensorsFormatException failure =
        assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file, manager));
    assertTrue(failure.getMessage().startsWith(file.toString()), failure.getMessage());
    assertTrue(
        failure.getMessage().contains(expectedProblem),
        "expected \"" + expectedProblem + "\" in: " + failure.getMessage());
    assertEquals(file, failure.file());
  }

  /** A file per the spec: u64 little-endian header length, the JSON header, the data bytes. */
  private static byte[] handWritten(String json, byte[] data) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    int padding = (8 - header.length % 8) % 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(longLe(header.length + padding));
    out.writeBytes(header);
    out.writeBytes(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] longLe(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  private NDArray rawArray(DataType type, Shape shape, int... bytes) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
    for (int b : bytes) {
      buffer.put((byte) b);
    }
    return manager.create(buffer.flip(), shape, type);
  }

  private static byte[] bytesOf(NDArray array) {
    ByteBuffer buffer = array.toByteBuffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static int[] bitsOf(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
