package dev.elmrlaif.policy.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<Path> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void writesAndReplaces() throws IOException {
    Path f = dir.resolve("a.json");
    AtomicFiles.writeString(f, "one");
    AtomicFiles.writeString(f, "two");
    assertEquals("two", Files.readString(f));
    assertEquals(List.of(f), listing());
  }

  @Test
  void writerFailingMidWriteLeavesTheOldFileIntactAndNoTemporary() throws IOException {
    Path f = dir.resolve("model.bin");
    AtomicFiles.writeString(f, "old content");
    byte[] half = "new content that never finishes".getBytes(StandardCharsets.UTF_8);
    assertThrows(
        IOException.class,
        () -> {
          try {
            AtomicFiles.write(
                f,
                out -> {
                  out.write(half, 0, 10);
                  out.flush();
                  throw new IOException("disk full");
                });
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
        });
    assertEquals("old content", Files.readString(f));
    assertEquals(List.of(f), listing());
  }

  @Test
  void writerInterruptedByAnErrorLeavesTheOldFileIntact() throws IOException {
    Path f = dir.resolve("state.json");
    AtomicFiles.writeString(f, "{\"step\": 1}");
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicFiles.write(
                f,
                out -> {
                  out.write(new byte[100_000]);
                  throw new IllegalStateException("killed");
                }));
    assertEquals("{\"step\": 1}", Files.readString(f));
    assertEquals(List.of(f), listing());
  }

  @Test
  void leftoversOfAKilledWriterAreRemoved() throws IOException {
    Path f = dir.resolve("x.txt");
    Files.writeString(f, "kept");
    Files.writeString(dir.resolve(".x.txt" + AtomicFiles.TEMP_INFIX + "abc"), "half");
    assertEquals(1, AtomicFiles.removeLeftovers(dir));
    assertEquals(List.of(f), listing());
  }

  @Test
  void aKilledProcessLeavesTheOldFileIntact() throws Exception {
    // A child JVM starts rewriting the file, writes part of it, then is killed (SIGKILL).
    Path f = dir.resolve("weights.bin");
    AtomicFiles.writeString(f, "old");
    Path started = dir.resolve("started");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SlowWriter.class.getName(),
                f.toString(),
                started.toString())
            .redirectErrorStream(true)
            .start();
    while (!Files.exists(started) && p.isAlive()) {
      Thread.onSpinWait();
    }
    p.destroyForcibly().waitFor();
    assertEquals("old", Files.readString(f));
  }

  /** Writes forever into an atomic file, after signalling that it has begun. */
  public static final class SlowWriter {
    public static void main(String[] args) {
      AtomicFiles.write(
          Path.of(args[0]),
          out -> {
            out.write("new".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Files.writeString(Path.of(args[1]), "yes");
            while (true) {
              out.write(0);
            }
          });
    }
  }
}
