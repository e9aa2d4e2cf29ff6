package dev.elmrlaif.domain.base;

import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * The operating system's reason for an I/O failure and the path it names, whatever Java exception
 * carries them: {@code FileSystemException} keeps the reason apart from the path ({@code
 * getReason()}, null for some subclasses), a stream write keeps it as its message ("No space left
 * on device").
 */
public final class IoFailures {
  private IoFailures() {}

  /** The reason, e.g. "No space left on device", "Permission denied", "Is a directory". */
  public static String reason(IOException e) {
    return AtomicFiles.reason(e);
  }

  /** The path an I/O failure names, if it names one. */
  public static String path(IOException e) {
    return e instanceof FileSystemException fs ? fs.getFile() : null;
  }
}
