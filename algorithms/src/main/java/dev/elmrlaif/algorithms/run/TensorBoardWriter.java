package dev.elmrlaif.algorithms.run;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes scalars as a TensorBoard event file ({@code events.out.tfevents.<secs>.<host>}), so that
 * {@code tensorboard --logdir runs} shows every metric of every run.
 *
 * <p>The format is TensorFlow's TFRecord: each record is {@code uint64 length}, {@code uint32
 * masked_crc32c(length)}, {@code data}, {@code uint32 masked_crc32c(data)} (little-endian), where
 * {@code masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8}; each data is an {@code Event}
 * protobuf: {@code wall_time} (field 1, double), {@code step} (2, int64), {@code file_version} (3,
 * string, first record only) or {@code summary} (5) holding {@code Summary.Value} entries of {@code
 * tag} (1, string) and {@code simple_value} (2, float). The protobufs are encoded by hand: five
 * fields do not justify a protobuf dependency.
 */
public final class TensorBoardWriter implements Closeable {
  private static final int MASK_DELTA = 0xa282ead8;

  private final Path file;
  private final OutputStream out;

  /** Opens a new event file in {@code dir} (created if needed) and writes the version record. */
  public TensorBoardWriter(Path dir, String host, long wallSeconds) {
    try {
      Files.createDirectories(dir);
      this.file = dir.resolve("events.out.tfevents." + wallSeconds + "." + host);
      this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ByteArrayOutputStream event = new ByteArrayOutputStream();
      writeDouble(event, 1, wallSeconds);
      writeBytes(event, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
      writeRecord(event.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open TensorBoard event file in " + dir, e);
    }
  }

  /** The event file being written. */
  public Path file() {
    return file;
  }

  /** Appends one scalar at a step and flushes it. */
  public synchronized void scalar(String tag, double value, long step, double wallTimeSeconds) {
    ByteArrayOutputStream summaryValue = new ByteArrayOutputStream();
    writeBytes(summaryValue, 1, tag.getBytes(StandardCharsets.UTF_8));
    writeFloat(summaryValue, 2, (float) value);
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    writeBytes(summary, 1, summaryValue.toByteArray());
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    writeDouble(event, 1, wallTimeSeconds);
    writeVarintField(event, 2, step);
    writeBytes(event, 5, summary.toByteArray());
    try {
      writeRecord(event.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }

  private void writeRecord(byte[] data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(maskedCrc32c(header.array(), 0, 8));
    ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    footer.putInt(maskedCrc32c(data, 0, data.length));
    out.write(header.array());
    out.write(data);
    out.write(footer.array());
    out.flush();
  }

  /** TFRecord's masked CRC32C of {@code len} bytes from {@code off}. */
  public static int maskedCrc32c(byte[] bytes, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static void writeTag(ByteArrayOutputStream out, int field, int wireType) {
    writeVarint(out, ((long) field << 3) | wireType);
  }

  private static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
    writeTag(out, field, 0);
    writeVarint(out, value);
  }

  private static void writeDouble(ByteArrayOutputStream out, int field, double value) {
    writeTag(out, field, 1);
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
  }

  private static void writeFloat(ByteArrayOutputStream out, int field, float value) {
    writeTag(out, field, 5);
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
  }

  private static void writeBytes(ByteArrayOutputStream out, int field, byte[] bytes) {
    writeTag(out, field, 2);
    writeVarint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
