package dev.elmrlaif.policy.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary sibling and an atomic rename, so a process killed mid-write
 * leaves either the old file or the new one, never half of one.
 */
final class AtomicFiles {
  /** Writes the bytes of one file. */
  @FunctionalInterface
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  static void write(Path target, Writer writer) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temp = Files.createTempFile(folder, target.getFileName().toString() + ".", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        writer.write(out);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static void copy(Path source, Path target) throws IOException {
    write(target, out -> Files.copy(source, out));
  }
}
