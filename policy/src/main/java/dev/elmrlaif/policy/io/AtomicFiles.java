package dev.elmrlaif.policy.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader (or a resumed run) sees either the old content or the new, never a
 * half-written file: the bytes go to a hidden temporary file in the same folder, are forced to
 * disk, and the temporary file is renamed over the target in one atomic step.
 */
public final class AtomicFiles {
  /** Infix of temporary files; {@link #removeLeftovers} deletes those a killed process left. */
  public static final String TEMP_INFIX = ".tmp-";

  private AtomicFiles() {}

  /** Something that writes a file's content to a stream. */
  @FunctionalInterface
  public interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces {@code target} with what {@code writer} writes, atomically. */
  public static void write(Path target, ContentWriter writer) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp =
        dir.resolve(
            "."
                + target.getFileName()
                + TEMP_INFIX
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.createDirectories(dir);
      try (FileChannel channel =
              FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out =
              new BufferedOutputStream(
                  java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
        writer.writeTo(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  /** Replaces {@code target} with these bytes, atomically. */
  public static void write(Path target, byte[] content) {
    write(target, out -> out.write(content));
  }

  /** Replaces {@code target} with this UTF-8 text, atomically. */
  public static void writeString(Path target, String content) {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code target} with a copy of {@code source}, atomically. */
  public static void copy(Path source, Path target) {
    write(target, out -> Files.copy(source, out));
  }

  /** Deletes temporary files a killed writer left in {@code dir} (not recursive). */
  public static int removeLeftovers(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(dir, "." + "*" + TEMP_INFIX + "*")) {
      for (Path p : entries) {
        if (Files.deleteIfExists(p)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir, e);
    }
    return removed;
  }

  /**
   * The operating system's reason for an I/O failure, e.g. "No space left on device", "Permission
   * denied", "Is a directory": a {@code FileSystemException}'s reason (some subclasses leave it
   * null and carry only the path), else the message a stream write carries.
   */
  public static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fs) {
      if (fs.getReason() != null) {
        return fs.getReason();
      }
      if (e instanceof java.nio.file.AccessDeniedException) {
        return "Permission denied";
      }
      if (e instanceof java.nio.file.NoSuchFileException) {
        return "No such file or directory";
      }
      if (e instanceof java.nio.file.FileAlreadyExistsException) {
        return "File exists";
      }
      if (e instanceof java.nio.file.NotDirectoryException) {
        return "Not a directory";
      }
      if (e instanceof java.nio.file.DirectoryNotEmptyException) {
        return "Directory not empty";
      }
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the original failure is the one worth reporting
    }
  }
}
