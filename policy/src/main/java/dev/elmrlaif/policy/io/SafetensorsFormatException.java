package dev.elmrlaif.policy.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that does not follow the format: truncated, a header that is not the expected
 * JSON, an unknown dtype, data offsets outside the file. The message starts with the file's path so
 * the user knows which checkpoint to replace.
 */
public class SafetensorsFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public SafetensorsFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public SafetensorsFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file that failed to parse. */
  public Path file() {
    return file;
  }
}
