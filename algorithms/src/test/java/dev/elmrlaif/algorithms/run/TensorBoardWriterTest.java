package dev.elmrlaif.algorithms.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the event file back with an independent TFRecord + protobuf decoder and checks every CRC
 * and value.
 */
class TensorBoardWriterTest {
  @TempDir Path dir;

  record Scalar(double wallTime, long step, String tag, float value) {}

  @Test
  void eventFileRoundTripsWithValidCrcs() throws IOException {
    Path file;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir, "host", 1_700_000_000L)) {
      tb.scalar("sft/loss", 2.5, 0, 1_700_000_001.25);
      tb.scalar("sft/loss", 1.125, 10, 1_700_000_002.5);
      tb.scalar("rl/kl_k3", -0.001, 300_000, 1_700_000_003.0);
      file = tb.file();
    }
    assertEquals("events.out.tfevents.1700000000.host", file.getFileName().toString());

    List<byte[]> records = readRecords(Files.readAllBytes(file));
    assertEquals(4, records.size());
    assertEquals("brain.Event:2", fileVersion(records.get(0)));
    List<Scalar> scalars = new ArrayList<>();
    for (byte[] r : records.subList(1, 4)) {
      scalars.add(decodeScalar(r));
    }
    assertEquals(new Scalar(1_700_000_001.25, 0, "sft/loss", 2.5f), scalars.get(0));
    assertEquals(new Scalar(1_700_000_002.5, 10, "sft/loss", 1.125f), scalars.get(1));
    assertEquals(new Scalar(1_700_000_003.0, 300_000, "rl/kl_k3", -0.001f), scalars.get(2));
  }

  @Test
  void maskedCrcMatchesTheTfRecordReference() {
    // CRC32C("123456789") = 0xE3069283 (RFC 3720 check value); masked per TFRecord.
    byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
    int crc = 0xE3069283;
    int masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertEquals(masked, TensorBoardWriter.maskedCrc32c(data, 0, data.length));
  }

  private static List<byte[]> readRecords(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] lenBytes = new byte[8];
      b.get(lenBytes);
      long len = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(TensorBoardWriter.maskedCrc32c(lenBytes, 0, 8), b.getInt(), "length CRC");
      byte[] data = new byte[(int) len];
      b.get(data);
      assertEquals(TensorBoardWriter.maskedCrc32c(data, 0, data.length), b.getInt(), "data CRC");
      out.add(data);
    }
    return out;
  }

  private static String fileVersion(byte[] event) {
    ProtoReader r = new ProtoReader(event);
    String version = null;
    while (r.hasMore()) {
      int tag = (int) r.varint();
      if (tag == (3 << 3 | 2)) {
        version = new String(r.bytes(), StandardCharsets.UTF_8);
      } else {
        r.skip(tag & 7);
      }
    }
    return version;
  }

  private static Scalar decodeScalar(byte[] event) {
    ProtoReader r = new ProtoReader(event);
    double wall = Double.NaN;
    long step = -1;
    String tag = null;
    float value = Float.NaN;
    while (r.hasMore()) {
      int key = (int) r.varint();
      switch (key) {
        case 1 << 3 | 1 -> wall = r.fixed64AsDouble();
        case 2 << 3 -> step = r.varint();
        case 5 << 3 | 2 -> {
          ProtoReader summary = new ProtoReader(r.bytes());
          assertEquals(1 << 3 | 2, summary.varint());
          ProtoReader v = new ProtoReader(summary.bytes());
          assertTrue(!summary.hasMore(), "one value per event");
          while (v.hasMore()) {
            int vk = (int) v.varint();
            if (vk == (1 << 3 | 2)) {
              tag = new String(v.bytes(), StandardCharsets.UTF_8);
            } else if (vk == (2 << 3 | 5)) {
              value = v.fixed32AsFloat();
            } else {
              v.skip(vk & 7);
            }
          }
        }
        default -> r.skip(key & 7);
      }
    }
    return new Scalar(wall, step, tag, value);
  }

  /** A minimal protobuf wire-format reader, written independently of the writer. */
  private static final class ProtoReader {
    private final ByteBuffer b;

    ProtoReader(byte[] bytes) {
      this.b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean hasMore() {
      return b.hasRemaining();
    }

    long varint() {
      long result = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = b.get();
        result |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return result;
        }
      }
    }

    byte[] bytes() {
      byte[] out = new byte[(int) varint()];
      b.get(out);
      return out;
    }

    double fixed64AsDouble() {
      return b.getDouble();
    }

    float fixed32AsFloat() {
      return b.getFloat();
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> b.position(b.position() + 8);
        case 2 -> bytes();
        case 5 -> b.position(b.position() + 4);
        default -> throw new IllegalStateException("wire type " + wireType);
      }
    }
  }
}
