package dev.elmrlaif.replay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The on-disk form of a {@link ReplayBuffer}: everything needed to resume sampling exactly.
 *
 * <p>Format version 1, big-endian (as {@link ByteBuffer} writes by default): booleans as one byte,
 * strings as an int byte count plus UTF-8 bytes, {@code T[]} as an int length plus elements, {@code
 * T[length]} as exactly one element per action (no length):
 *
 * <pre>
 * magic "ELMRPLAY" (8 bytes), int version = 1
 * config: int capacity, long maxTransitions, boolean prioritised, double alpha, beta, epsilon
 * long randomState, long insertedCount, long evictedCount, double maxPriority
 * int head (ring slot of the oldest trajectory), int count
 * count × { double priority,
 *           string id, string taskId,
 *           int slots, slots × float[] context,
 *           int[] promptIds, int[] actionIds,
 *           double[length] behaviourLogProbs, double[length] referenceLogProbs,
 *           double reward, int components, components × {string name, double value},
 *           boolean hasTokenRewards, [double[length] tokenRewards],
 *           long policyVersion }
 * long CRC-32 of every byte above, magic "ELMREND1"
 * </pre>
 *
 * Trajectories are listed oldest first; the i-th lives in ring slot {@code (head + i) % capacity}.
 */
record ReplayBufferFile(
    ReplayConfig config,
    long randomState,
    long insertedCount,
    long evictedCount,
    double maxPriority,
    int head,
    List<Trajectory> trajectories,
    double[] priorities) {

  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "ELMRPLAY".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_MAGIC = "ELMREND1".getBytes(StandardCharsets.US_ASCII);

  long transitionCount() {
    return trajectories.stream().mapToLong(Trajectory::length).sum();
  }

  /**
   * The buffer this file describes; contents that cannot form one (duplicate ids, bad priorities)
   * are a format error naming the file.
   */
  ReplayBuffer toBuffer(Path file, boolean readOnly) throws ReplayFormatException {
    try {
      return ReplayBuffer.restore(this, readOnly ? file : null);
    } catch (IllegalArgumentException e) {
      throw new ReplayFormatException(file, "inconsistent contents: " + e.getMessage(), e);
    }
  }

  /** Writes to a temp file next to {@code file}, forces it to disk and renames it atomically. */
  void write(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        CheckedOutputStream out =
            new CheckedOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), new CRC32());
        Encoder encoder = new Encoder();
        writeHeader(encoder);
        encoder.drainTo(out);
        for (int i = 0; i < trajectories.size(); i++) {
          encoder.putDouble(priorities[i]);
          writeTrajectory(encoder, trajectories.get(i));
          encoder.drainTo(out);
        }
        encoder.putLong(out.getChecksum().getValue());
        encoder.putBytes(END_MAGIC);
        encoder.drainTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(
          temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void writeHeader(Encoder out) {
    out.putBytes(MAGIC);
    out.putInt(FORMAT_VERSION);
    out.putInt(config.capacity());
    out.putLong(config.maxTransitions());
    out.putBoolean(config.prioritised());
    out.putDouble(config.alpha());
    out.putDouble(config.beta());
    out.putDouble(config.epsilon());
    out.putLong(randomState);
    out.putLong(insertedCount);
    out.putLong(evictedCount);
    out.putDouble(maxPriority);
    out.putInt(head);
    out.putInt(trajectories.size());
  }

  private static void writeTrajectory(Encoder out, Trajectory t) {
    out.putString(t.id());
    out.putString(t.taskId());
    out.putInt(t.contextCount());
    for (int s = 0; s < t.contextCount(); s++) {
      float[] context = t.context(s);
      out.putInt(context.length);
      for (float v : context) {
        out.putFloat(v);
      }
    }
    int[] prompt = t.promptIds();
    out.putInt(prompt.length);
    for (int v : prompt) {
      out.putInt(v);
    }
    int[] actions = t.actionIds();
    out.putInt(actions.length);
    for (int v : actions) {
      out.putInt(v);
    }
    out.putDoubles(t.behaviourLogProbs());
    out.putDoubles(t.referenceLogProbs());
    out.putDouble(t.reward());
    out.putInt(t.rewardComponents().size());
    for (Map.Entry<String, Double> component : t.rewardComponents().entrySet()) {
      out.putString(component.getKey());
      out.putDouble(component.getValue());
    }
    out.putBoolean(t.tokenRewards().isPresent());
    t.tokenRewards().ifPresent(out::putDoubles);
    out.putLong(t.policyVersion());
  }

  /** A growable big-endian byte buffer: one record is encoded, then written in one call. */
  private static final class Encoder {
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 14);

    private ByteBuffer room(int bytes) {
      if (buffer.remaining() < bytes) {
        ByteBuffer larger =
            ByteBuffer.allocate(Math.max(2 * buffer.capacity(), buffer.position() + bytes));
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
      }
      return buffer;
    }

    void putBytes(byte[] bytes) {
      room(bytes.length).put(bytes);
    }

    void putBoolean(boolean v) {
      room(1).put((byte) (v ? 1 : 0));
    }

    void putInt(int v) {
      room(4).putInt(v);
    }

    void putLong(long v) {
      room(8).putLong(v);
    }

    void putFloat(float v) {
      room(4).putFloat(v);
    }

    void putDouble(double v) {
      room(8).putDouble(v);
    }

    void putDoubles(double[] values) {
      room(8 * values.length);
      for (double v : values) {
        buffer.putDouble(v);
      }
    }

    void putString(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      putInt(bytes.length);
      putBytes(bytes);
    }

    void drainTo(OutputStream out) throws IOException {
      out.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
  }

  /** Reads and checks a file written by {@link #write(Path)}. */
  static ReplayBufferFile read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ReplayFormatException(file, "does not exist", e);
    } catch (OutOfMemoryError e) {
      throw new ReplayFormatException(
          file,
          "is too large to load into memory ("
              + Files.size(file)
              + " bytes); expected a file below 2 GiB that fits the heap",
          e);
    }
    return new Reader(file, ByteBuffer.wrap(bytes)).read();
  }

  /** Parses one file's bytes, tracking the field being read for error messages. */
  private static final class Reader {
    private final Path file;
    private final ByteBuffer in;
    private String field = "header";

    Reader(Path file, ByteBuffer in) {
      this.file = file;
      this.in = in;
    }

    ReplayBufferFile read() throws ReplayFormatException {
      try {
        return readChecked();
      } catch (BufferUnderflowException e) {
        throw new ReplayFormatException(
            file,
            "truncated: the file ends at byte "
                + in.limit()
                + " while reading "
                + field
                + " at byte "
                + in.position()
                + "; expected the rest of the buffer and the checksum trailer",
            e);
      } catch (IllegalArgumentException e) {
        throw new ReplayFormatException(
            file, "corrupt at byte " + in.position() + " (" + field + "): " + e.getMessage(), e);
      }
    }

    private ReplayBufferFile readChecked() throws ReplayFormatException {
      field = "magic bytes";
      byte[] magic = new byte[Math.min(MAGIC.length, in.remaining())];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new ReplayFormatException(
            file,
            "not a replay buffer file: starts with "
                + printable(magic)
                + ", expected \"ELMRPLAY\"");
      }
      field = "format version";
      int version = in.getInt();
      if (version != FORMAT_VERSION) {
        throw new ReplayFormatException(
            file, "format version " + version + ", this build reads version " + FORMAT_VERSION);
      }
      field = "config";
      ReplayConfig config =
          new ReplayConfig(
              in.getInt(),
              in.getLong(),
              getBoolean(),
              in.getDouble(),
              in.getDouble(),
              in.getDouble());
      field = "sampler state";
      long randomState = in.getLong();
      long inserted = in.getLong();
      long evicted = in.getLong();
      double maxPriority = in.getDouble();
      int head = in.getInt();
      int count = in.getInt();
      if (head < 0 || head >= config.capacity() || count < 0 || count > config.capacity()) {
        throw new ReplayFormatException(
            file,
            "corrupt at byte "
                + in.position()
                + ": head="
                + head
                + " count="
                + count
                + ", expected both within the capacity "
                + config.capacity());
      }
      List<Trajectory> trajectories = new ArrayList<>(count);
      double[] priorities = new double[count];
      for (int i = 0; i < count; i++) {
        field = "priority of trajectory " + i + " of " + count;
        priorities[i] = in.getDouble();
        trajectories.add(readTrajectory(i, count));
      }
      field = "checksum trailer";
      int bodyLength = in.position();
      long stored = in.getLong();
      CRC32 crc = new CRC32();
      crc.update(in.array(), 0, bodyLength);
      if (stored != crc.getValue()) {
        throw new ReplayFormatException(
            file,
            "checksum mismatch: stored "
                + Long.toHexString(stored)
                + ", computed "
                + Long.toHexString(crc.getValue())
                + " over "
                + bodyLength
                + " bytes; the file is corrupt");
      }
      byte[] end = new byte[Math.min(END_MAGIC.length, in.remaining())];
      in.get(end);
      if (!Arrays.equals(end, END_MAGIC)) {
        throw new ReplayFormatException(
            file,
            "truncated or corrupt trailer at byte "
                + (in.position() - end.length)
                + ": found "
                + printable(end)
                + ", expected \"ELMREND1\"");
      }
      if (in.hasRemaining()) {
        throw new ReplayFormatException(
            file,
            "unexpected bytes after the trailer at byte "
                + in.position()
                + " (size "
                + in.limit()
                + ")");
      }
      return new ReplayBufferFile(
          config, randomState, inserted, evicted, maxPriority, head, trajectories, priorities);
    }

    private Trajectory readTrajectory(int index, int count) throws ReplayFormatException {
      String where = " of trajectory " + index + " of " + count;
      field = "id" + where;
      Trajectory.Builder b = Trajectory.builder(readString());
      field = "task id" + where;
      b.taskId(readString());
      field = "contexts" + where;
      float[][] contexts = new float[readLength(4)][];
      for (int s = 0; s < contexts.length; s++) {
        field = "context " + s + where;
        contexts[s] = new float[readLength(4)];
        in.asFloatBuffer().get(contexts[s]);
        in.position(in.position() + 4 * contexts[s].length);
      }
      b.contexts(contexts);
      field = "prompt ids" + where;
      b.promptIds(readInts());
      field = "action ids" + where;
      int[] actions = readInts();
      b.actionIds(actions);
      field = "behaviour log-probs" + where;
      b.behaviourLogProbs(readDoubles(actions.length));
      field = "reference log-probs" + where;
      b.referenceLogProbs(readDoubles(actions.length));
      field = "reward" + where;
      b.reward(in.getDouble());
      field = "reward components" + where;
      int components = readLength(12);
      for (int c = 0; c < components; c++) {
        b.rewardComponent(readString(), in.getDouble());
      }
      field = "token rewards" + where;
      if (getBoolean()) {
        b.tokenRewards(readDoubles(actions.length));
      }
      field = "policy version" + where;
      b.policyVersion(in.getLong());
      return b.build();
    }

    private boolean getBoolean() {
      return in.get() != 0;
    }

    /** Reads a length and checks that that many elements of {@code elementBytes} can still fit. */
    private int readLength(int elementBytes) throws ReplayFormatException {
      int n = in.getInt();
      long remaining = in.remaining();
      if (n < 0 || (long) n * elementBytes > remaining) {
        throw new ReplayFormatException(
            file,
            "truncated or corrupt at byte "
                + (in.position() - 4)
                + ": "
                + field
                + " has length "
                + n
                + ", expected 0.."
                + remaining / elementBytes
                + " (what the "
                + remaining
                + " remaining bytes can hold)");
      }
      return n;
    }

    private String readString() throws ReplayFormatException {
      byte[] bytes = new byte[readLength(1)];
      in.get(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private int[] readInts() throws ReplayFormatException {
      int[] values = new int[readLength(4)];
      in.asIntBuffer().get(values);
      in.position(in.position() + 4 * values.length);
      return values;
    }

    private double[] readDoubles(int n) {
      double[] values = new double[n];
      in.asDoubleBuffer().get(values);
      in.position(in.position() + 8 * n);
      return values;
    }

    private static String printable(byte[] bytes) {
      StringBuilder s = new StringBuilder("\"");
      for (byte b : bytes) {
        s.append(
            b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
      }
      return s.append('"').toString();
    }
  }
}
