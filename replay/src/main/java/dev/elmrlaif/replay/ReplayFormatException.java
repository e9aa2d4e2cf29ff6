package dev.elmrlaif.replay;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A replay-buffer file that cannot be read: not a replay file, a format version this build does not
 * read, truncated, or corrupt. The message names the file, the byte offset and the field that was
 * being read, and what was expected.
 */
public final class ReplayFormatException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  public ReplayFormatException(Path file, String message) {
    super("replay buffer file " + file + ": " + message);
    this.file = file;
  }

  public ReplayFormatException(Path file, String message, Throwable cause) {
    super("replay buffer file " + file + ": " + message, cause);
    this.file = file;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }
}
