package dev.elmrlaif.replay;

import com.google.common.io.CountingInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The on-disk form of a {@link ReplayBuffer}: everything needed to resume sampling exactly.
 *
 * <p>Format version 1, big-endian ({@link DataOutputStream}), strings as an int byte count plus
 * UTF-8 bytes, arrays as an int length plus elements:
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

  ReplayBuffer toBuffer(Path readOnlySource) {
    return ReplayBuffer.restore(this, readOnlySource);
  }

  /** Writes to a temp file next to {@code file}, forces it to disk and renames it atomically. */
  void write(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        CheckedOutputStream checked = new CheckedOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        writeBody(out);
        out.flush();
        out.writeLong(checked.getChecksum().getValue());
        out.write(END_MAGIC);
        out.flush();
        channel.force(true);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void writeBody(DataOutputStream out) throws IOException {
    out.write(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeInt(config.capacity());
    out.writeLong(config.maxTransitions());
    out.writeBoolean(config.prioritised());
    out.writeDouble(config.alpha());
    out.writeDouble(config.beta());
    out.writeDouble(config.epsilon());
    out.writeLong(randomState);
    out.writeLong(insertedCount);
    out.writeLong(evictedCount);
    out.writeDouble(maxPriority);
    out.writeInt(head);
    out.writeInt(trajectories.size());
    for (int i = 0; i < trajectories.size(); i++) {
      out.writeDouble(priorities[i]);
      writeTrajectory(out, trajectories.get(i));
    }
  }

  private static void writeTrajectory(DataOutputStream out, Trajectory t) throws IOException {
    writeString(out, t.id());
    writeString(out, t.taskId());
    out.writeInt(t.contextCount());
    for (int s = 0; s < t.contextCount(); s++) {
      float[] context = t.context(s);
      out.writeInt(context.length);
      for (float v : context) {
        out.writeFloat(v);
      }
    }
    writeInts(out, t.promptIds());
    writeInts(out, t.actionIds());
    writeDoubles(out, t.behaviourLogProbs());
    writeDoubles(out, t.referenceLogProbs());
    out.writeDouble(t.reward());
    out.writeInt(t.rewardComponents().size());
    for (Map.Entry<String, Double> component : t.rewardComponents().entrySet()) {
      writeString(out, component.getKey());
      out.writeDouble(component.getValue());
    }
    out.writeBoolean(t.tokenRewards().isPresent());
    if (t.tokenRewards().isPresent()) {
      writeDoubles(out, t.tokenRewards().get());
    }
    out.writeLong(t.policyVersion());
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    out.writeInt(values.length);
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    for (double v : values) {
      out.writeDouble(v);
    }
  }

  /** Reads and checks a file written by {@link #write(Path)}. */
  static ReplayBufferFile read(Path file) throws IOException {
    long fileSize;
    try {
      fileSize = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ReplayFormatException(file, "does not exist", e);
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return new Reader(file, fileSize, raw).read();
    }
  }

  /** Reads one file, tracking the byte offset and the field being read for error messages. */
  private static final class Reader {
    private final Path file;
    private final long fileSize;
    private final CountingInputStream counting;
    private final CheckedInputStream checked;
    private final DataInputStream in;
    private String field = "header";

    Reader(Path file, long fileSize, InputStream raw) {
      this.file = file;
      this.fileSize = fileSize;
      this.counting = new CountingInputStream(raw);
      this.checked = new CheckedInputStream(counting, new CRC32());
      this.in = new DataInputStream(checked);
    }

    ReplayBufferFile read() throws IOException {
      try {
        return readChecked();
      } catch (EOFException e) {
        throw new ReplayFormatException(file, "truncated: the file ends at byte " + counting.getCount()
            + " (size " + fileSize + ") while reading " + field
            + "; expected the rest of the buffer and the checksum trailer", e);
      } catch (IllegalArgumentException e) {
        throw new ReplayFormatException(file, "corrupt at byte " + counting.getCount() + " (" + field
            + "): " + e.getMessage(), e);
      }
    }

    private ReplayBufferFile readChecked() throws IOException {
      field = "magic bytes";
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new ReplayFormatException(file, "not a replay buffer file: starts with "
            + printable(magic) + ", expected \"ELMRPLAY\"");
      }
      field = "format version";
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new ReplayFormatException(file, "format version " + version
            + ", this build reads version " + FORMAT_VERSION);
      }
      field = "config";
      ReplayConfig config = new ReplayConfig(in.readInt(), in.readLong(), in.readBoolean(),
          in.readDouble(), in.readDouble(), in.readDouble());
      field = "sampler state";
      long randomState = in.readLong();
      long inserted = in.readLong();
      long evicted = in.readLong();
      double maxPriority = in.readDouble();
      int head = in.readInt();
      int count = in.readInt();
      if (head < 0 || head >= config.capacity() || count < 0 || count > config.capacity()) {
        throw new ReplayFormatException(file, "corrupt at byte " + counting.getCount() + ": head="
            + head + " count=" + count + ", expected both within the capacity " + config.capacity());
      }
      List<Trajectory> trajectories = new ArrayList<>(count);
      double[] priorities = new double[count];
      for (int i = 0; i < count; i++) {
        field = "priority of trajectory " + i + " of " + count;
        priorities[i] = in.readDouble();
        trajectories.add(readTrajectory(i, count));
      }
      field = "checksum trailer";
      long computed = checked.getChecksum().getValue();
      long stored = in.readLong();
      if (stored != computed) {
        throw new ReplayFormatException(file, "checksum mismatch: stored " + Long.toHexString(stored)
            + ", computed " + Long.toHexString(computed) + " over " + (counting.getCount() - 8)
            + " bytes; the file is corrupt");
      }
      byte[] end = in.readNBytes(END_MAGIC.length);
      if (!Arrays.equals(end, END_MAGIC)) {
        throw new ReplayFormatException(file, "truncated or corrupt trailer at byte "
            + (counting.getCount() - end.length) + ": found " + printable(end) + ", expected \"ELMREND1\"");
      }
      if (in.read() != -1) {
        throw new ReplayFormatException(file, "unexpected bytes after the trailer at byte "
            + (counting.getCount() - 1) + " (size " + fileSize + ")");
      }
      return new ReplayBufferFile(config, randomState, inserted, evicted, maxPriority, head,
          trajectories, priorities);
    }

    private Trajectory readTrajectory(int index, int count) throws IOException {
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
        for (int j = 0; j < contexts[s].length; j++) {
          contexts[s][j] = in.readFloat();
        }
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
      b.reward(in.readDouble());
      field = "reward components" + where;
      int components = readLength(12);
      for (int c = 0; c < components; c++) {
        b.rewardComponent(readString(), in.readDouble());
      }
      field = "token rewards" + where;
      if (in.readBoolean()) {
        b.tokenRewards(readDoubles(actions.length));
      }
      field = "policy version" + where;
      b.policyVersion(in.readLong());
      return b.build();
    }

    /** Reads a length and checks that that many elements of {@code elementBytes} can still fit. */
    private int readLength(int elementBytes) throws IOException {
      int n = in.readInt();
      long remaining = fileSize - counting.getCount();
      if (n < 0 || (long) n * elementBytes > remaining) {
        throw new ReplayFormatException(file, "corrupt at byte " + (counting.getCount() - 4) + ": "
            + field + " has length " + n + ", expected 0.." + remaining / elementBytes
            + " (what the " + remaining + " remaining bytes can hold)");
      }
      return n;
    }

    private String readString() throws IOException {
      byte[] bytes = new byte[readLength(1)];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private int[] readInts() throws IOException {
      int[] values = new int[readLength(4)];
      for (int i = 0; i < values.length; i++) {
        values[i] = in.readInt();
      }
      return values;
    }

    private double[] readDoubles(int n) throws IOException {
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] = in.readDouble();
      }
      return values;
    }

    private static String printable(byte[] bytes) {
      StringBuilder s = new StringBuilder("\"");
      for (byte b : bytes) {
        s.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
      }
      return s.append('"').toString();
    }
  }
}
