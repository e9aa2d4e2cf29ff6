package dev.elmrlaif.policy.model;

/**
 * A model folder or config file the user pointed at is not what it should be: a missing file, a
 * malformed {@code config.json}, a tensor with the wrong shape. The message names the file, the key
 * or tensor, what was found and what was expected, so a command line can print it as a user error.
 */
public class CheckpointFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointFormatException(String message) {
    super(message);
  }

  public CheckpointFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
