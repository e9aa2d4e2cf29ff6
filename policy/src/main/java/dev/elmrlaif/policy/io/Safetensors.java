package dev.elmrlaif.policy.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads and writes the Hugging Face safetensors format: model checkpoints, optimizer state and
 * pretrained GPT-2 {@code model.safetensors} files.
 *
 * <p>Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian unsigned header
 * length {@code N}; {@code N} bytes of UTF-8 JSON mapping each tensor name to {@code {"dtype",
 * "shape", "data_offsets": [begin, end]}} plus an optional {@code "__metadata__"} string map; then
 * the raw little-endian tensor bytes, offsets counted from the end of the header.
 *
 * <p>Unlike DJL's {@code NDList.decode}, this reader streams one tensor at a time through a {@link
 * FileChannel} with 64-bit positions, so files larger than 2 GiB load as long as each single tensor
 * stays under 2 GiB; it keeps names and header order and gives access to the metadata. Bytes go
 * straight between the file and the engine's own tensor memory in both directions, so nothing is
 * staged in Java direct buffers (whose memory only the garbage collector returns). Half-precision
 * tensors (F16, BF16) are widened to float32 on read, I16 to int32. Writes go to a temporary file
 * in the target folder that is atomically renamed over the target, so a killed process never leaves
 * a half-written checkpoint.
 *
 * <p>PyTorch has only little-endian builds, so the file's bytes are handed to the engine as they
 * are; both directions check that the JVM runs little-endian.
 */
public final class Safetensors {

  /** The header size limit the reference implementation enforces (100 MB). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA_KEY = "__metadata__";
  private static final int HEADER_ALIGNMENT = 8;
  private static final int WIDENING_CHUNK_BYTES = 1 << 22;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Safetensors() {}

  /** Reads every tensor of {@code file} into arrays owned by {@code manager}, on its device. */
  public static SafetensorsContent read(Path file, NDManager manager) throws IOException {
    return read(file, manager, name -> true);
  }

  /**
   * Reads the tensors of {@code file} whose names {@code include} accepts into arrays owned by
   * {@code manager}, on its device, in header order. F16 and BF16 tensors become float32, I16
   * tensors int32 (see {@link SafetensorsDType#loadedType()}).
   *
   * @throws SafetensorsFormatException if the file is truncated or its header is malformed
   * @throws IOException if the file cannot be read
   */
  public static SafetensorsContent read(Path file, NDManager manager, Predicate<String> include)
      throws IOException {
    requireLittleEndian();
    LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      SafetensorsHeader header = readHeader(file, channel);
      for (TensorEntry entry : header.tensors().values()) {
        if (!include.test(entry.name())) {
          continue;
        }
        NDArray array = readTensor(file, channel, header.dataStart(), entry, manager);
        array.setName(entry.name());
        tensors.put(entry.name(), array);
      }
      return new SafetensorsContent(tensors, header.metadata());
    } catch (IOException | RuntimeException e) {
      tensors.values().forEach(NDArray::close);
      throw e;
    }
  }

  /** Reads and validates only the header of {@code file}: names, dtypes, shapes, metadata. */
  public static SafetensorsHeader readHeader(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return readHeader(file, channel);
    }
  }

  /**
   * Writes {@code tensors} (in the map's iteration order) and {@code metadata} to {@code file},
   * replacing it atomically; missing parent folders are created. Each array is stored in its own
   * element type (float32, float64, float16, int64, int32, int8, uint8, boolean: every type the
   * PyTorch engine can hold).
   *
   * @throws IllegalArgumentException if a name is {@code __metadata__}, a type has no safetensors
   *     equivalent, or a tensor holds 2 GiB or more
   */
  public static void write(
      Path file, Map<String, ? extends NDArray> tensors, Map<String, String> metadata)
      throws IOException {
    requireLittleEndian();
    byte[] header = encodeHeader(tensors, metadata);
    Path target = file.toAbsolutePath();
    Path folder = target.getParent();
    Files.createDirectories(folder);
    // Not Files.createTempFile: that creates the file owner-only (0600); this keeps the umask.
    Path temporary = folder.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        length.putLong(header.length).flip();
        writeFully(channel, length);
        writeFully(channel, ByteBuffer.wrap(header));
        for (Map.Entry<String, ? extends NDArray> tensor : tensors.entrySet()) {
          writeTensorBytes(channel, tensor.getKey(), tensor.getValue());
        }
        channel.force(true);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Header parsing and validation

  private static SafetensorsHeader readHeader(Path file, FileChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize < Long.BYTES) {
      throw new SafetensorsFormatException(
          file,
          "truncated: the file has "
              + fileSize
              + " bytes, expected at least the 8-byte header length");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, channel, lengthBytes, 0);
    long headerLength = lengthBytes.flip().getLong();
    long available = fileSize - Long.BYTES;
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new SafetensorsFormatException(
          file,
          "header length "
              + Long.toUnsignedString(headerLength)
              + " is outside 0.."
              + MAX_HEADER_BYTES
              + "; this is not a safetensors file or it is corrupt");
    }
    if (headerLength > available) {
      throw new SafetensorsFormatException(
          file,
          "truncated: header length "
              + headerLength
              + " exceeds the "
              + available
              + " bytes after the length field");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(file, channel, headerBytes, Long.BYTES);
    long dataStart = Long.BYTES + headerLength;
    return parseHeader(file, headerBytes.array(), dataStart, fileSize - dataStart);
  }

  private static SafetensorsHeader parseHeader(
      Path file, byte[] json, long dataStart, long dataLength) throws SafetensorsFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SafetensorsFormatException(
          file, "header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new SafetensorsFormatException(file, "header cannot be decoded: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsFormatException(
          file,
          "header must be a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
    }
    Map<String, TensorEntry> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        metadata.putAll(parseMetadata(file, field.getValue()));
      } else {
        TensorEntry entry = parseEntry(file, field.getKey(), field.getValue(), dataLength);
        tensors.put(entry.name(), entry);
      }
    }
    return new SafetensorsHeader(
        file,
        Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(metadata),
        dataStart);
  }

  private static Map<String, String> parseMetadata(Path file, JsonNode node)
      throws SafetensorsFormatException {
    if (!node.isObject()) {
      throw new SafetensorsFormatException(
          file,
          "header key \""
              + METADATA_KEY
              + "\" must be an object of strings, found "
              + node.getNodeType());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isTextual()) {
        throw new SafetensorsFormatException(
            file,
            "metadata key \""
                + field.getKey()
                + "\" must hold a string, found "
                + field.getValue().getNodeType());
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    }
    return metadata;
  }

  private static TensorEntry parseEntry(Path file, String name, JsonNode node, long dataLength)
      throws SafetensorsFormatException {
    String where = "tensor \"" + name + "\"";
    if (!node.isObject()) {
      throw new SafetensorsFormatException(
          file, where + " must be an object, found " + node.getNodeType());
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new SafetensorsFormatException(file, where + " needs a string \"dtype\"");
    }
    SafetensorsDType dtype =
        SafetensorsDType.fromHeaderName(dtypeNode.textValue())
            .orElseThrow(
                () ->
                    new SafetensorsFormatException(
                        file,
                        where
                            + " has unknown dtype \""
                            + dtypeNode.textValue()
                            + "\", expected one of "
                            + Arrays.toString(SafetensorsDType.values())));
    long[] dims = nonNegativeIntegers(file, where, "shape", node.get("shape"), -1);
    long[] offsets = nonNegativeIntegers(file, where, "data_offsets", node.get("data_offsets"), 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw new SafetensorsFormatException(
          file, where + " has data_offsets [" + begin + ", " + end + "] with begin after end");
    }
    if (end > dataLength) {
      throw new SafetensorsFormatException(
          file,
          "truncated or offsets out of range: "
              + where
              + " ends at data offset "
              + end
              + " but the data section holds "
              + dataLength
              + " bytes");
    }
    long expectedBytes;
    try {
      long elements = 1;
      for (long dim : dims) {
        elements = Math.multiplyExact(elements, dim);
      }
      expectedBytes = Math.multiplyExact(elements, dtype.bytesPerElement());
    } catch (ArithmeticException e) {
      throw new SafetensorsFormatException(file, where + " has a shape whose size overflows");
    }
    if (end - begin != expectedBytes) {
      throw new SafetensorsFormatException(
          file,
          where
              + " spans "
              + (end - begin)
              + " bytes but dtype "
              + dtype
              + " and shape "
              + new Shape(dims)
              + " need "
              + expectedBytes);
    }
    return new TensorEntry(name, dtype, new Shape(dims), begin, end);
  }

  private static long[] nonNegativeIntegers(
      Path file, String where, String key, JsonNode node, int requiredLength)
      throws SafetensorsFormatException {
    String expected =
        "an array of " + (requiredLength < 0 ? "" : requiredLength + " ") + "non-negative integers";
    if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
      throw new SafetensorsFormatException(
          file,
          where
              + " key \""
              + key
              + "\" must be "
              + expected
              + ", found "
              + (node == null ? "nothing" : node.toString()));
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode element = node.get(i);
      if (!element.isIntegralNumber() || !element.canConvertToLong() || element.longValue() < 0) {
        throw new SafetensorsFormatException(
            file, where + " key \"" + key + "\" must be " + expected + ", found " + node);
      }
      values[i] = element.longValue();
    }
    return values;
  }

  // ---------------------------------------------------------------------------------------------
  // Data section

  /**
   * Reads one tensor straight into the memory of a fresh engine array: no Java-side copy of the
   * data, and nothing held in Java direct memory (which is only freed by the garbage collector).
   * Arrays for another device are filled on the CPU and then moved.
   */
  private static NDArray readTensor(
      Path file, FileChannel channel, long dataStart, TensorEntry entry, NDManager manager)
      throws IOException {
    if (entry.byteLength() > Integer.MAX_VALUE - 8) {
      throw new SafetensorsFormatException(
          file,
          "tensor \""
              + entry.name()
              + "\" holds "
              + entry.byteLength()
              + " bytes; a single tensor must stay under 2 GiB");
    }
    boolean onCpu = manager.getDevice().equals(Device.cpu());
    NDManager cpuManager = onCpu ? manager : manager.newSubManager(Device.cpu());
    try {
      NDArray array = cpuManager.create(entry.shape(), entry.dtype().loadedType());
      if (entry.byteLength() > 0) {
        fill(file, channel, dataStart + entry.begin(), entry, engineMemoryOf(array, entry));
      }
      if (onCpu) {
        return array;
      }
      NDArray moved = array.toDevice(manager.getDevice(), false);
      moved.attach(manager);
      return moved;
    } finally {
      if (!onCpu) {
        cpuManager.close();
      }
    }
  }

  /** A writable view of a fresh CPU array's memory, in the file's (little-endian) byte order. */
  private static ByteBuffer engineMemoryOf(NDArray array, TensorEntry entry) {
    ByteBuffer memory = array.toByteBuffer(true);
    long expected = entry.shape().size() * entry.dtype().loadedType().getNumOfBytes();
    if (!memory.isDirect() || memory.capacity() != expected) {
      throw new IllegalStateException(
          "the engine gave no direct view of the "
              + expected
              + "-byte array for tensor \""
              + entry.name()
              + "\" (direct: "
              + memory.isDirect()
              + ", bytes: "
              + memory.capacity()
              + ")");
    }
    return memory.order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Copies the tensor's bytes from the file into {@code target}; the 2-byte types are widened to 4
   * bytes (F16, BF16 to float32; I16 to int32) a chunk at a time.
   */
  private static void fill(
      Path file, FileChannel channel, long position, TensorEntry entry, ByteBuffer target)
      throws IOException {
    SafetensorsDType dtype = entry.dtype();
    if (dtype.bytesPerElement() == dtype.loadedType().getNumOfBytes()) {
      readFully(file, channel, target, position);
      return;
    }
    ByteBuffer chunk =
        ByteBuffer.allocate((int) Math.min(entry.byteLength(), WIDENING_CHUNK_BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
    short[] narrow = new short[chunk.capacity() / 2];
    float[] wideFloats = dtype == SafetensorsDType.I16 ? null : new float[narrow.length];
    int[] wideInts = dtype == SafetensorsDType.I16 ? new int[narrow.length] : null;
    FloatBuffer floats = target.asFloatBuffer();
    IntBuffer ints = target.asIntBuffer();
    long at = position;
    long end = position + entry.byteLength();
    while (at < end) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
      readFully(file, channel, chunk, at);
      at += chunk.limit();
      int count = chunk.limit() / 2;
      chunk.flip().asShortBuffer().get(narrow, 0, count);
      switch (dtype) {
        case F16 -> {
          for (int i = 0; i < count; i++) {
            wideFloats[i] = halfToFloat(narrow[i]);
          }
          floats.put(wideFloats, 0, count);
        }
        case BF16 -> {
          for (int i = 0; i < count; i++) {
            wideFloats[i] = bfloat16ToFloat(narrow[i]);
          }
          floats.put(wideFloats, 0, count);
        }
        case I16 -> {
          for (int i = 0; i < count; i++) {
            wideInts[i] = narrow[i];
          }
          ints.put(wideInts, 0, count);
        }
        default -> throw new IllegalStateException("no widening rule for dtype " + dtype);
      }
    }
  }

  /** IEEE 754 binary16 to binary32; exact for every value including subnormals, inf and NaN. */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
  }

  /** bfloat16 is the upper half of a binary32, so widening is a shift. */
  static float bfloat16ToFloat(short bfloat) {
    return Float.intBitsToFloat((bfloat & 0xffff) << 16);
  }

  private static byte[] encodeHeader(
      Map<String, ? extends NDArray> tensors, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, ? extends NDArray> tensor : tensors.entrySet()) {
      String name = tensor.getKey();
      NDArray array = tensor.getValue();
      if (name.equals(METADATA_KEY)) {
        throw new IllegalArgumentException(
            "tensor name \""
                + METADATA_KEY
                + "\" is reserved for the safetensors metadata map; rename the tensor");
      }
      SafetensorsDType dtype =
          SafetensorsDType.forStoredType(array.getDataType())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "tensor \""
                              + name
                              + "\" has type "
                              + array.getDataType()
                              + ", which safetensors cannot store; expected one of "
                              + Arrays.toString(SafetensorsDType.values())));
      long bytes = array.getShape().size() * dtype.bytesPerElement();
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "tensor \""
                + name
                + "\" holds "
                + bytes
                + " bytes; a single tensor must stay under 2 GiB");
      }
      ObjectNode entry = root.putObject(name);
      entry.put("dtype", dtype.name());
      ArrayNode shape = entry.putArray("shape");
      for (long dim : array.getShape().getShape()) {
        shape.add(dim);
      }
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  private static void readFully(Path file, FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    long at = position;
    while (target.hasRemaining()) {
      int read = channel.read(target, at);
      if (read < 0) {
        throw new SafetensorsFormatException(
            file,
            "truncated: expected " + target.remaining() + " more bytes at file position " + at);
      }
      at += read;
    }
  }

  /**
   * Writes one tensor's bytes from a direct view of its memory (no Java copy). The engine makes a
   * contiguous CPU copy first when the array is strided or on another device; the scope frees it.
   */
  private static void writeTensorBytes(FileChannel channel, String name, NDArray array)
      throws IOException {
    long expected = array.getShape().size() * array.getDataType().getNumOfBytes();
    if (expected == 0) {
      return;
    }
    try (NDScope scope = new NDScope()) {
      ByteBuffer data = array.toByteBuffer(true);
      if (data.remaining() != expected) {
        throw new IllegalStateException(
            "tensor \""
                + name
                + "\" yielded "
                + data.remaining()
                + " bytes from the engine, expected "
                + expected
                + " for shape "
                + array.getShape());
      }
      writeFully(channel, data);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer source) throws IOException {
    while (source.hasRemaining()) {
      channel.write(source);
    }
  }

  private static void requireLittleEndian() {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException(
          "safetensors IO needs a little-endian CPU (PyTorch has no "
              + "big-endian builds); this JVM reports "
              + ByteOrder.nativeOrder());
    }
  }
}
